/**
 * A pooled worker thread (see pool.ts): runs one job at a time by loading its handler module and calling
 * `handle(payload)`, then answers with the result and its heap size, so the pool can replace a worker that grew.
 */
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';

const load = createRequire(__filename);

interface Handler {
  handle(payload: unknown): unknown;
}

const heap = () => {
  const h = getHeapStatistics();
  return h.total_heap_size + h.external_memory;
};

parentPort?.on('message', async (msg: { handler: string; payload: unknown }) => {
  try {
    const value = await (load(msg.handler) as Handler).handle(msg.payload);
    // A file produced here (annotated workbook) moves to the caller instead of being copied.
    const transfer = value instanceof Uint8Array && value.byteLength > 0 ? [value.buffer as ArrayBuffer] : [];
    parentPort!.postMessage({ ok: true, value, heap: heap() }, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ ok: false, message: err.message, name: err.name, heap: heap() });
  }
});
