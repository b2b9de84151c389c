/**
 * A pooled worker process (see pool.ts): runs one job at a time by loading its handler module and calling
 * `handle(payload)`, then answers with the result and its memory size, so the pool can replace a worker that grew.
 * Handler modules named on the command line are loaded at start, before the first job arrives.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

interface Handler {
  handle(payload: unknown): unknown;
}

const rss = () => process.memoryUsage.rss();

for (const handler of process.argv.slice(2)) load(handler);

process.on('message', async (msg: { handler: string; payload: unknown }) => {
  let reply: Record<string, unknown>;
  try {
    reply = { ok: true, value: await (load(msg.handler) as Handler).handle(msg.payload), rss: rss() };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, message: err.message, name: err.name, rss: rss() };
  }
  process.send?.(reply);
});

// The pool went away (server stopped or crashed): nothing left to work for.
process.on('disconnect', () => process.exit(0));
