/**
 * A pooled worker process (see pool.ts): runs one job at a time, in order, by loading its handler module and calling
 * `handle(payload)`, then answers with the job's id, the result and its memory size, so the pool can replace a worker
 * that grew.
 * Handler modules named on the command line are loaded at start, before the first job arrives.
 *
 * A handler built as a bundle too (`parse-worker.js` → `parse-worker.bundle.js`, scripts/build-cli.js) is run from
 * its bundle with a V8 code cache (../code-cache.ts): a parse worker then starts in ~45 ms instead of ~170 ms of
 * loading separate modules, and finds the bytecode of what it runs already made. A worker that found no usable cache
 * writes one after its first job, before answering it (the pool may end a worker any time after an answer).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { loadBundle, cacheFileFor, type CachedBundle } from '../code-cache';

const load = createRequire(__filename);

interface Handler {
  handle(payload: unknown): unknown;
}

const handlers = new Map<string, Handler>();
/** Handlers run from a bundle that had no usable cache: it is written after the handler's first job. */
const unsaved = new Map<string, CachedBundle>();

function handlerOf(file: string): Handler {
  let handler = handlers.get(file);
  if (!handler) {
    const bundle = file.replace(/\.js$/, '.bundle.js');
    if (bundle !== file && fs.existsSync(bundle)) {
      const loaded = loadBundle(bundle, cacheFileFor(bundle), module);
      if (loaded.stale) unsaved.set(file, loaded);
      handler = loaded.exports as Handler;
    } else handler = load(file) as Handler;
    handlers.set(file, handler);
  }
  return handler;
}

const rss = () => process.memoryUsage.rss();

for (const handler of process.argv.slice(2)) handlerOf(handler);

/** A job as the pool sends it: `id` comes back with the answer (a warm-up run has none). */
interface JobMessage {
  id?: number;
  handler: string;
  payload: unknown;
}

/**
 * Jobs run one at a time, in the order they came: the pool may send the next job before this one is answered
 * (pipelining, see pool.ts), and answers must come back in order. `{ cancel: id }` takes back a job that has not
 * started; every job sent gets exactly one message back: its answer, or `{ id, cancelled: true }`.
 */
const waiting: JobMessage[] = [];
let working = false;

async function runOne(msg: JobMessage): Promise<void> {
  let reply: Record<string, unknown>;
  try {
    reply = { id: msg.id, ok: true, value: await handlerOf(msg.handler).handle(msg.payload), rss: rss() };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id: msg.id, ok: false, message: err.message, name: err.name, rss: rss() };
  }
  const bundle = unsaved.get(msg.handler);
  if (bundle) {
    unsaved.delete(msg.handler);
    bundle.save();
  }
  process.send?.(reply);
}

/** Two turns of the event loop: messages that came while a job ran (a cancel, say) are read before the next job starts. */
const turn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

async function work(): Promise<void> {
  working = true;
  for (let msg = waiting.shift(); msg; msg = waiting.shift()) {
    await runOne(msg);
    if (waiting.length) await turn();
  }
  working = false;
}

process.on('message', (msg: JobMessage | { cancel: number }) => {
  if ('cancel' in msg) {
    // Not started: dropped, and the pool told so. Started already: its answer comes when it ends (the pool ignores it).
    const at = waiting.findIndex((m) => m.id === msg.cancel);
    if (at >= 0) {
      waiting.splice(at, 1);
      process.send?.({ id: msg.cancel, cancelled: true });
    }
    return;
  }
  waiting.push(msg);
  if (!working) void work();
});

// The pool went away (server stopped or crashed): nothing left to work for.
process.on('disconnect', () => process.exit(0));
