/**
 * The worker runner with real worker processes and real handler modules (written to a temp folder as plain CommonJS):
 * heap cap, time limit, crashes, fairness across accounts, bounded queue, abort, recycling, idle exit, warm workers and
 * short jobs waiting in a busy worker (pipelining).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool, workerEnv, type Outcome, type PoolOptions } from '../../../../core/node/workers/pool';
import { until } from '../../../helpers/until';


const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-pool-'));
const handler = (name: string, body: string) => {
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, `exports.handle = async (p) => { ${body} };\n`);
  return file;
};
const echo = handler('echo', 'if (p && p.wait) await new Promise((r) => setTimeout(r, p.wait)); return p;');
// Holds until a marker file appears: a job that stays busy until the test says so, whatever the machine's speed.
const hold = handler('hold', "const fs = require('node:fs'); while (!fs.existsSync(p.until)) await new Promise((r) => setTimeout(r, 10)); return p.id;");
const hog = handler('hog', 'const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random()));');
const spin = handler('spin', 'for (;;) {}');
const exit = handler('exit', 'process.exit(3);');
const thrower = handler('thrower', "throw new TypeError('boom');");
const grow = handler('grow', 'globalThis.keep = Array.from({ length: 40 }, () => new Array(1e5).fill(Math.random())); return process.pid;');
const pid = handler('pid', 'return process.pid;');
// Counts its runs in the worker: a job sent after a warm-up learns how many runs came before it, and in which process.
const runs = handler('runs', 'globalThis.runs = (globalThis.runs || 0) + 1; return { pid: process.pid, runs: globalThis.runs };');
// As hold, answering with its worker's pid too.
const holdPid = handler('holdPid', "const fs = require('node:fs'); while (!fs.existsSync(p.until)) await new Promise((r) => setTimeout(r, 10)); return { id: p.id, pid: process.pid };");
// Leaves a mark that it ran.
const touch = handler('touch', "require('node:fs').writeFileSync(p.mark, ''); return process.pid;");
// Leaves a mark that it started, then holds until a marker file appears.
const startHold = handler('startHold', "const fs = require('node:fs'); fs.writeFileSync(p.started, ''); while (!fs.existsSync(p.until)) await new Promise((r) => setTimeout(r, 10)); return process.pid;");

const options = (o: Partial<PoolOptions> = {}): PoolOptions => ({
  size: 2, heapMb: 64, idleMs: 60_000, recycleMb: 256, maxJobsPerWorker: 1000,
  queuePerAccount: 10, queueBytesPerAccount: 1e9, queueTotal: 100, queueBytesTotal: 1e9, ...o,
});

const pools: WorkerPool[] = [];
const pool = (o: Partial<PoolOptions> = {}) => {
  const p = new WorkerPool(options(o));
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a job answers with its value; any handler runs in any worker', async () => {
  const p = pool();
  expect(await p.run({ handler: echo, payload: { a: 1 }, timeMs: 60_000 })).toEqual({ ok: true, value: { a: 1 } });
  expect(await p.run({ handler: echo, payload: 'x', timeMs: 60_000 })).toEqual({ ok: true, value: 'x' });
});

test('start() starts workers up to the size before any job; jobs then run in them', async () => {
  const p = pool({ size: 2 });
  p.start();
  expect(p.stats()).toEqual({ workers: 2, busy: 0, waiting: 0 });
  p.start();
  expect(p.stats().workers).toBe(2);
  const pids = await Promise.all([1, 2, 3].map(() => p.run({ handler: pid, payload: null, timeMs: 60_000 })));
  expect(pids.every((o) => o.ok)).toBe(true);
  expect(p.stats().workers).toBe(2);
});

test('heap cap, time limit, exit and exceptions are outcomes, and the pool carries on', async () => {
  const p = pool({ size: 1 });
  expect(await p.run({ handler: hog, payload: null, timeMs: 30_000 })).toMatchObject({ ok: false, reason: 'memory' });
  expect(await p.run({ handler: spin, payload: null, timeMs: 200 })).toEqual({ ok: false, reason: 'timeout' });
  expect(await p.run({ handler: exit, payload: null, timeMs: 60_000 })).toEqual({ ok: false, reason: 'crashed' });
  expect(await p.run({ handler: thrower, payload: null, timeMs: 60_000 })).toEqual({ ok: false, reason: 'failed', message: 'boom', name: 'TypeError' });
  expect(await p.run({ handler: echo, payload: 7, timeMs: 60_000 })).toEqual({ ok: true, value: 7 });
});

test("one account's jobs never hold every worker: another account's job starts while they wait", async () => {
  const p = pool({ size: 2 });
  const marker = path.join(dir, 'release-fair');
  const done: string[] = [];
  const track = (label: string, job: Promise<Outcome<unknown>>) => job.then((o) => (done.push(label), o));
  const a = [1, 2, 3].map((i) => track(`A${i}`, p.run({ handler: hold, payload: { until: marker, id: i }, account: 'A', timeMs: 30_000 })));
  // A holds one worker; the second stays free for anyone else.
  await until(() => p.stats().busy === 1 && p.stats().waiting === 2);
  const b = await track('B', p.run({ handler: echo, payload: 'b', account: 'B', timeMs: 30_000 }));
  expect(b).toEqual({ ok: true, value: 'b' });
  expect(done).toEqual(['B']);
  fs.writeFileSync(marker, '');
  expect((await Promise.all(a)).map((o) => o.ok)).toEqual([true, true, true]);
});

test("a command's own pool (one person's files, soleAccount) runs them on every worker at once", async () => {
  const p = pool({ size: 2, soleAccount: true });
  const marker = path.join(dir, 'release-sole');
  const jobs = [1, 2, 3].map((i) => p.run({ handler: hold, payload: { until: marker, id: i }, timeMs: 30_000 }));
  await until(() => p.stats().busy === 2 && p.stats().waiting === 1);
  fs.writeFileSync(marker, '');
  expect((await Promise.all(jobs)).map((o) => o.ok)).toEqual([true, true, true]);
});

test('among waiting accounts, the one whose last job started longest ago goes first: a flood delays a newcomer by one job', async () => {
  const p = pool({ size: 1 });
  const marker = path.join(dir, 'release-order');
  const order: string[] = [];
  const go = (account: string, id: string) => p.run({ handler: hold, payload: { until: marker, id }, account, timeMs: 30_000 }).then((o) => (order.push(id), o));
  const jobs = [go('A', 'A1')];
  await until(() => p.stats().busy === 1);
  jobs.push(go('A', 'A2'), go('A', 'A3'), go('A', 'A4'), go('B', 'B1'));
  await until(() => p.stats().waiting === 4);
  fs.writeFileSync(marker, '');
  await Promise.all(jobs);
  // A2 came before B1 and A's last start (A1) was before B1 came; after A2 started, B1 has waited longest.
  expect(order).toEqual(['A1', 'A2', 'B1', 'A3', 'A4']);
});

test('an account served before is not kept waiting by a stream of accounts never served (the exports behind 1,000 units)', async () => {
  const p = pool({ size: 1 });
  const first = path.join(dir, 'release-returning-1');
  const marker = path.join(dir, 'release-returning-2');
  fs.writeFileSync(first, '');
  expect(await p.run({ handler: hold, payload: { until: first, id: 'X1' }, account: 'X', timeMs: 30_000 })).toEqual({ ok: true, value: 'X1' });
  const order: string[] = [];
  const go = (account: string, id: string) => p.run({ handler: hold, payload: { until: marker, id }, account, timeMs: 30_000 }).then((o) => (order.push(id), o));
  const jobs = [go('N0', 'N0')];
  await until(() => p.stats().busy === 1);
  for (let i = 1; i <= 5; i++) jobs.push(go(`N${i}`, `N${i}`));
  jobs.push(go('X', 'X2'));
  for (let i = 6; i <= 10; i++) jobs.push(go(`N${i}`, `N${i}`));
  await until(() => p.stats().waiting === 11);
  fs.writeFileSync(marker, '');
  await Promise.all(jobs);
  // X was last served before any of them came: it goes next, then the new accounts in the order they came.
  expect(order).toEqual(['N0', 'X2', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9', 'N10']);
});

test('the queue is bounded per account, by jobs and by bytes; the excess is refused at once as busy', async () => {
  const p = pool({ size: 1, queuePerAccount: 2, queueBytesPerAccount: 100, queueTotal: 3 });
  const marker = path.join(dir, 'release-queue');
  const job = (account: string, bytes = 1) => p.run({ handler: hold, payload: { until: marker, id: account }, account, timeMs: 30_000, bytes });
  const running = job('A');
  await until(() => p.stats().busy === 1);
  const waiting = [job('A'), job('A')];
  expect(await job('A')).toEqual({ ok: false, reason: 'busy' }); // two waiting already
  waiting.push(job('B', 150)); // alone in its account's queue: a big file may still wait
  expect(await job('B', 1)).toEqual({ ok: false, reason: 'busy' }); // over B's bytes, and the queue is full
  fs.writeFileSync(marker, '');
  expect((await Promise.all([running, ...waiting])).every((o) => o.ok)).toBe(true);
});

test('aborting drops a waiting job, and stops a running one (its worker is replaced)', async () => {
  const p = pool({ size: 1 });
  const running = new AbortController();
  const queued = new AbortController();
  const first = p.run({ handler: spin, payload: null, timeMs: 30_000, signal: running.signal });
  const second = p.run({ handler: echo, payload: 2, timeMs: 30_000, signal: queued.signal });
  await until(() => p.stats().busy === 1 && p.stats().waiting === 1);
  queued.abort();
  expect(await second).toEqual({ ok: false, reason: 'aborted' });
  running.abort();
  expect(await first).toEqual({ ok: false, reason: 'aborted' });
  expect(await p.run({ handler: echo, payload: 3, timeMs: 60_000 })).toEqual({ ok: true, value: 3 });
});

test('a worker whose memory grew is replaced after its job (a spare is ready); idle workers leave', async () => {
  const p = pool({ size: 1, recycleMb: 16, idleMs: 300 });
  const heavy = await p.run<number>({ handler: grow, payload: null, timeMs: 30_000 });
  expect(heavy.ok).toBe(true);
  const next = await p.run<number>({ handler: pid, payload: null, timeMs: 30_000 });
  expect(next.ok && heavy.ok && next.value !== heavy.value).toBe(true);
  await until(() => p.stats().workers === 0);
  const light = pool({ size: 1, recycleMb: 4096 });
  const a = await light.run<number>({ handler: pid, payload: null, timeMs: 30_000 });
  const b = await light.run<number>({ handler: pid, payload: null, timeMs: 30_000 });
  expect(a).toEqual(b); // a worker that stayed small serves the next job
});

test('warm workers start before any job, run the warm-up first, and stay when idle', async () => {
  const p = pool({ size: 2, warmWorkers: 2, idleMs: 50, recycleMb: 4096 });
  expect(p.stats().workers).toBe(0); // nothing starts before warm()
  p.warm({ handler: runs, payload: null, times: 5, timeMs: 60_000 });
  expect(p.stats()).toMatchObject({ workers: 2, busy: 2 });
  // A job sent during the warm-up waits for it, then runs in a warm worker (6 runs: 5 of the warm-up, then its own).
  const first = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(first.ok && first.value.runs).toBe(6);
  await until(() => p.stats().busy === 0);
  const both = await Promise.all([0, 1].map(() => p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 })));
  for (const job of both) expect(job.ok && job.value.runs).toBeGreaterThanOrEqual(6);
  expect(p.stats().workers).toBe(2);
  // Far past the idle time both are still there (a pool's other idle workers leave: the test above).
  await new Promise((r) => setTimeout(r, 500));
  expect(p.stats().workers).toBe(2);
});

test('a warm worker that is replaced is warmed again before its next job', async () => {
  const p = pool({ size: 1, warmWorkers: 1, maxJobsPerWorker: 1, recycleMb: 4096 });
  p.warm({ handler: runs, payload: null, times: 3, timeMs: 60_000 });
  const a = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  const b = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(a.ok && b.ok && a.value.pid !== b.value.pid).toBe(true);
  expect([a.ok && a.value.runs, b.ok && b.value.runs]).toEqual([4, 4]);
});

test('a warm worker that grew is replaced by a fresh warm one once idle; one that did not grow stays', async () => {
  const p = pool({ size: 1, warmWorkers: 1, idleMs: 200, recycleMb: 4096, warmGrowthMb: 8 });
  p.warm({ handler: runs, payload: null, times: 2, timeMs: 60_000 });
  const small = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(small.ok && small.value.runs).toBe(3);
  await new Promise((r) => setTimeout(r, 600)); // idle three times over: it did not grow, it stays
  const same = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(same.ok && small.ok && same.value.pid).toBe(small.ok && small.value.pid);
  const grown = await p.run<number>({ handler: grow, payload: null, timeMs: 60_000 }); // keeps ~32 MB
  expect(grown.ok).toBe(true);
  // The pool's own list of workers (private): the replacement is there, warmed, before the next job is sent.
  const workerPids = () => (p as unknown as { slots: Array<{ worker: { pid: number } }> }).slots.map((w) => w.worker.pid);
  await until(() => p.stats().busy === 0 && workerPids().length === 1 && workerPids()[0] !== (grown.ok && grown.value));
  const fresh = await p.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(fresh.ok && fresh.value.runs).toBe(3); // warmed again (2 runs), then this job
});

test('a warm-up that crashes, overruns or is cut short by close() never strands a waiting job', async () => {
  // The worker dies during its warm-up: the job waiting for it starts on a new (cold) worker.
  const crashing = pool({ size: 1, warmWorkers: 1 });
  crashing.warm({ handler: exit, payload: null, times: 3, timeMs: 60_000 });
  expect(await crashing.run({ handler: echo, payload: 'after a crash', timeMs: 60_000 })).toEqual({ ok: true, value: 'after a crash' });
  // The warm-up overruns its time limit: the worker is dropped, and the job runs on another.
  const slow = pool({ size: 1, warmWorkers: 1 });
  slow.warm({ handler: spin, payload: null, times: 1, timeMs: 200 });
  expect(await slow.run({ handler: echo, payload: 'after a timeout', timeMs: 60_000 })).toEqual({ ok: true, value: 'after a timeout' });
  // Closed during the warm-up: the waiting job is answered.
  const closing = pool({ size: 1, warmWorkers: 1 });
  closing.warm({ handler: spin, payload: null, times: 1, timeMs: 60_000 });
  const waiting = closing.run({ handler: echo, payload: 1, timeMs: 60_000 });
  await closing.close();
  expect(await waiting).toEqual({ ok: false, reason: 'closed' });
});

test('warm() starts no worker in a pool without warm workers, and never more than the pool size', async () => {
  const cold = pool({ size: 1 });
  cold.warm({ handler: runs, payload: null, times: 3, timeMs: 60_000 });
  expect(cold.stats().workers).toBe(0);
  const capped = pool({ size: 1, warmWorkers: 4 });
  capped.warm({ handler: runs, payload: null, times: 3, timeMs: 60_000 });
  expect(capped.stats().workers).toBe(1);
  const job = await capped.run<{ pid: number; runs: number }>({ handler: runs, payload: null, timeMs: 60_000 });
  expect(job.ok && job.value.runs).toBe(4);
});

test('closing answers waiting jobs and refuses new ones', async () => {
  const p = pool({ size: 1 });
  const first = p.run({ handler: spin, payload: null, timeMs: 30_000 });
  const second = p.run({ handler: echo, payload: 1, timeMs: 30_000 });
  await until(() => p.stats().waiting === 1);
  await p.close();
  expect(await second).toEqual({ ok: false, reason: 'closed' });
  expect(await first).toEqual({ ok: false, reason: 'closed' });
  expect(await p.run({ handler: echo, payload: 1, timeMs: 1000 })).toEqual({ ok: false, reason: 'closed' });
});

test('a short job of another account waits in a busy worker whose job is short (pipelining); other jobs, and a third short one, wait in the queue', async () => {
  const p = pool({ size: 1, stallMs: 600_000 });
  const marker = path.join(dir, 'release-pipeline');
  const order: string[] = [];
  const go = <T>(label: string, job: Promise<Outcome<T>>) => job.then((o) => (order.push(label), o));
  const a = go('A', p.run<{ id: string; pid: number }>({ handler: holdPid, payload: { until: marker, id: 'A' }, account: 'a', timeMs: 60_000, short: true }));
  await until(() => p.stats().busy === 1);
  const b = go('B', p.run<number>({ handler: pid, payload: null, account: 'b', timeMs: 60_000, short: true }));
  expect(p.stats()).toEqual({ workers: 1, busy: 1, waiting: 0 }); // B was sent to the worker
  const c = go('C', p.run<number>({ handler: pid, payload: null, account: 'c', timeMs: 60_000 }));
  const d = go('D', p.run<number>({ handler: pid, payload: null, account: 'd', timeMs: 60_000, short: true }));
  expect(p.stats()).toEqual({ workers: 1, busy: 1, waiting: 2 }); // C is not short; D: one job waits per worker
  fs.writeFileSync(marker, '');
  const [oa, ob, oc, od] = await Promise.all([a, b, c, d]);
  expect(oa.ok && ob.ok && oc.ok && od.ok).toBe(true);
  expect(ob.ok && oa.ok && ob.value).toBe(oa.ok && oa.value.pid); // B ran in A's worker, after it
  expect(order).toEqual(['A', 'B', 'C', 'D']);
});

test('a short job waiting behind one that runs long is taken back and runs on the next free worker', async () => {
  const p = pool({ size: 2, stallMs: 300 });
  const slow = path.join(dir, 'release-stall-slow');
  const other = path.join(dir, 'release-stall-other');
  const done: string[] = [];
  const go = <T>(label: string, job: Promise<Outcome<T>>) => job.then((o) => (done.push(label), o));
  const a = go('A', p.run({ handler: hold, payload: { until: slow, id: 'A' }, account: 'a', timeMs: 60_000, short: true }));
  const c = go('C', p.run({ handler: hold, payload: { until: other, id: 'C' }, account: 'c', timeMs: 60_000, short: true }));
  await until(() => p.stats().busy === 2);
  const b = go('B', p.run({ handler: echo, payload: 'b', account: 'b', timeMs: 60_000, short: true }));
  expect(p.stats().waiting).toBe(0); // sent to a busy worker…
  await until(() => p.stats().waiting === 1); // …and taken back once the jobs there ran 300 ms
  fs.writeFileSync(other, '');
  expect(await b).toEqual({ ok: true, value: 'b' });
  expect(done).toEqual(['C', 'B']); // A still runs
  fs.writeFileSync(slow, '');
  expect(await a).toEqual({ ok: true, value: 'A' });
  expect(await c).toEqual({ ok: true, value: 'C' });
});

test('a short job waiting behind one that fails its worker (time limit, crash, heap cap) runs on the next worker', async () => {
  const p = pool({ size: 1, stallMs: 600_000 });
  for (const [failing, reason] of [[spin, 'timeout'], [exit, 'crashed'], [hog, 'memory']] as const) {
    const first = p.run({ handler: failing, payload: null, account: 'a', timeMs: failing === spin ? 300 : 60_000, short: true });
    const behind = p.run({ handler: echo, payload: reason, account: 'b', timeMs: 60_000, short: true });
    expect(p.stats().waiting).toBe(0);
    expect(await first).toMatchObject({ ok: false, reason });
    expect(await behind).toEqual({ ok: true, value: reason });
  }
});

test('aborting a short job waiting in a worker takes it back unstarted; the worker goes on', async () => {
  const p = pool({ size: 1, stallMs: 600_000 });
  const marker = path.join(dir, 'release-abort-pipelined');
  const mark = path.join(dir, 'pipelined-ran');
  const ctl = new AbortController();
  const a = p.run<{ id: string; pid: number }>({ handler: holdPid, payload: { until: marker, id: 'A' }, account: 'a', timeMs: 60_000, short: true });
  await until(() => p.stats().busy === 1);
  const b = p.run({ handler: touch, payload: { mark }, account: 'b', timeMs: 60_000, short: true, signal: ctl.signal });
  expect(p.stats().waiting).toBe(0);
  ctl.abort();
  expect(await b).toEqual({ ok: false, reason: 'aborted' });
  fs.writeFileSync(marker, '');
  const oa = await a;
  const next = await p.run<number>({ handler: pid, payload: null, timeMs: 60_000, short: true });
  expect(oa.ok && next.ok && next.value).toBe(oa.ok && oa.value.pid); // the same worker
  expect(fs.existsSync(mark)).toBe(false); // the worker never started the aborted job
});

test('a worker replaced after its job (job count, memory) hands the job waiting behind it back; it runs on the next worker', async () => {
  const p = pool({ size: 1, maxJobsPerWorker: 1, stallMs: 600_000 });
  const marker = path.join(dir, 'release-recycle-pipelined');
  const a = p.run<{ id: string; pid: number }>({ handler: holdPid, payload: { until: marker, id: 'A' }, account: 'a', timeMs: 60_000, short: true });
  await until(() => p.stats().busy === 1);
  const b = p.run<number>({ handler: pid, payload: null, account: 'b', timeMs: 60_000, short: true, signal: new AbortController().signal });
  expect(p.stats().waiting).toBe(0);
  fs.writeFileSync(marker, '');
  const [oa, ob] = await Promise.all([a, b]);
  expect(oa.ok && ob.ok && ob.value !== oa.value.pid).toBe(true);
});

test('aborting a job waiting in a worker lets a job of the same account start at once', async () => {
  const p = pool({ size: 2, stallMs: 600_000 });
  const slow = path.join(dir, 'release-abort-share-slow');
  const other = path.join(dir, 'release-abort-share-other');
  const a = p.run({ handler: hold, payload: { until: slow, id: 'A' }, account: 'y', timeMs: 60_000, short: true });
  const d = p.run({ handler: hold, payload: { until: other, id: 'D' }, account: 'z', timeMs: 60_000, short: true });
  await until(() => p.stats().busy === 2);
  const ctl = new AbortController();
  const b = p.run({ handler: echo, payload: 'b', account: 'x', timeMs: 60_000, short: true, signal: ctl.signal });
  const c = p.run({ handler: echo, payload: 'c', account: 'x', timeMs: 60_000, short: true });
  expect(p.stats().waiting).toBe(1); // B waits in a worker; C waits for x's share (one job at a time here)
  fs.writeFileSync(other, '');
  expect(await d).toEqual({ ok: true, value: 'D' });
  ctl.abort();
  expect(await b).toEqual({ ok: false, reason: 'aborted' });
  expect(await c).toEqual({ ok: true, value: 'c' }); // while A still runs
  fs.writeFileSync(slow, '');
  expect(await a).toEqual({ ok: true, value: 'A' });
});

test('a job taken back after its worker had started it keeps that worker busy until it ends, never a job behind it', async () => {
  const p = pool({ size: 1, stallMs: 600_000 });
  const started = path.join(dir, 'ghost-started');
  const marker = path.join(dir, 'release-ghost');
  const first = p.run({ handler: echo, payload: 'first', account: 'a', timeMs: 60_000, short: true });
  await until(() => p.stats().busy === 1);
  const ctl = new AbortController();
  const second = p.run({ handler: startHold, payload: { started, until: marker }, account: 'b', timeMs: 60_000, short: true, signal: ctl.signal });
  expect(p.stats().waiting).toBe(0);
  // This process does not read the worker's answers meanwhile: the worker ends the first job and starts the second.
  const deadline = Date.now() + 120_000;
  while (!fs.existsSync(started) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  expect(fs.existsSync(started)).toBe(true);
  ctl.abort(); // too late to cancel: the worker runs it
  expect(await second).toEqual({ ok: false, reason: 'aborted' });
  expect(await first).toEqual({ ok: true, value: 'first' });
  const third = p.run<number>({ handler: pid, payload: null, account: 'c', timeMs: 500, short: true });
  await new Promise((r) => setTimeout(r, 100));
  expect(p.stats()).toEqual({ workers: 1, busy: 1, waiting: 1 }); // not sent to the worker still running the second
  fs.writeFileSync(marker, '');
  const out = await third;
  expect(out.ok).toBe(true); // its 500 ms limit did not include the second job's run
});

test('closing answers the jobs waiting in workers too', async () => {
  const p = pool({ size: 1, stallMs: 600_000 });
  const first = p.run({ handler: spin, payload: null, account: 'a', timeMs: 60_000, short: true });
  const second = p.run({ handler: echo, payload: 1, account: 'b', timeMs: 60_000, short: true });
  expect(p.stats()).toMatchObject({ busy: 1, waiting: 0 });
  await p.close();
  expect(await first).toEqual({ ok: false, reason: 'closed' });
  expect(await second).toEqual({ ok: false, reason: 'closed' });
});

test("a worker starts with the caller's environment but for NODE_EXTRA_CA_CERTS, which only costs it start-up time", async () => {
  const env = handler('env', 'return { certs: process.env.NODE_EXTRA_CA_CERTS ?? null, mark: process.env.REDSITE_POOL_MARK ?? null, arenas: process.env.MALLOC_ARENA_MAX ?? null };');
  const saved = { certs: process.env.NODE_EXTRA_CA_CERTS, mark: process.env.REDSITE_POOL_MARK, arenas: process.env.MALLOC_ARENA_MAX };
  const certs = path.join(dir, 'proxy-ca.pem');
  fs.writeFileSync(certs, '');
  process.env.NODE_EXTRA_CA_CERTS = certs;
  process.env.REDSITE_POOL_MARK = 'kept';
  delete process.env.MALLOC_ARENA_MAX;
  try {
    const p = pool({ size: 1 });
    expect(await p.run({ handler: env, payload: null, timeMs: 60_000 })).toEqual({ ok: true, value: { certs: null, mark: 'kept', arenas: '2' } });
  } finally {
    for (const [name, value] of [['NODE_EXTRA_CA_CERTS', saved.certs], ['REDSITE_POOL_MARK', saved.mark], ['MALLOC_ARENA_MAX', saved.arenas]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  // A MALLOC_ARENA_MAX the caller set is kept; nothing else is dropped.
  expect(workerEnv({ NODE_EXTRA_CA_CERTS: certs, MALLOC_ARENA_MAX: '4', A: 'b' })).toEqual({ MALLOC_ARENA_MAX: '4', A: 'b' });
});
