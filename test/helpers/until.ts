/** Waits until `ok()` holds, checking every 20 ms; fails only after 5 minutes — a hang, not slowness (a busy machine may take long). */
export async function until(ok: () => boolean): Promise<void> {
  const stop = Date.now() + 300_000;
  while (!ok()) {
    if (Date.now() > stop) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
