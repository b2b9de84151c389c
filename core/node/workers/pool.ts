/**
 * The one runner for work that must not run on the request thread: parsing uploads, annotating workbooks, writing
 * exports, reading rosters. Every job runs in a worker process with a heap cap and a time limit; a worker that runs
 * out of memory, crashes, exits or overruns is replaced and the caller gets a reason, never an exception. The queue
 * is bounded and fair: one account never holds every worker (others always find one free), waits in line behind no
 * more than its own jobs, and may only queue a few. Workers are recycled after heavy jobs and leave when idle.
 *
 * Workers are child processes rather than threads: memory a worker thread took stays in the server's malloc arenas
 * after the thread ends (measured: 93 → 188 MB after 24 hostile files, unchanged after idling), while an exited
 * process gives all of it back. A spare worker is started (its handlers loaded) after one is replaced, so the next
 * job does not wait for a cold start.
 *
 * A server keeps its workers warm (`warmWorkers`, `warm()`): they start with the server, run a sample job a few dozen
 * times so V8 has compiled the handler's hot code before the first upload, and do not leave when idle. A cold worker
 * costs its first jobs about twice the CPU, and a burst of uploads after a quiet spell met two cold workers at once.
 * A warm worker that grew since its warm-up (warmGrowthMb) is replaced by a fresh warm one when it goes idle, so the
 * memory a hostile file left it holding returns.
 *
 * Jobs name a handler module (compiled JavaScript exporting `handle(payload)`); one worker can run any handler. A
 * worker runs its jobs one at a time, in the order sent; a short job (an upload's parse) may be sent to a busy worker
 * to start the moment its running job ends (Job.short, pipelining).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The environment a worker starts with: the caller's, with two changes.
 * - Fewer malloc arenas (MALLOC_ARENA_MAX=2 unless set): a worker that runs for a while keeps less memory it no longer
 *   uses.
 * - No NODE_EXTRA_CA_CERTS. Node reads and parses that certificate file when it starts, before any code runs, whether
 *   or not the process ever opens a TLS connection; a worker reads files and writes workbooks and opens none. On a
 *   machine that sets it for a proxy's certificate (this one: 144 certificates), each start took ~90 ms more CPU
 *   (`node -e 0`: 130 ms against 40 ms), paid by every worker of every `redsite merge`.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return { ...rest, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}

export interface PoolOptions {
  /** Workers at most (≥ 1). */
  size: number;
  /** Old-generation heap cap of each worker, MB. */
  heapMb: number;
  /** An idle worker leaves after this long, ms. */
  idleMs: number;
  /** A worker whose memory (resident set) is above this after a job is replaced, MB. */
  recycleMb: number;
  /** A worker is replaced after this many jobs. */
  maxJobsPerWorker: number;
  /**
   * Whether one account may run jobs on every worker. False (a server): all workers but one, so another account
   * always finds one free. True: the pool of a command run by one person, whose files are its only jobs.
   */
  soleAccount?: boolean;
  /** Jobs one account may have waiting (running ones not counted), and their payload bytes. */
  queuePerAccount: number;
  queueBytesPerAccount: number;
  /** Jobs waiting in all, and their payload bytes. */
  queueTotal: number;
  queueBytesTotal: number;
  /** Handler modules a new worker loads before its first job. */
  preload?: string[];
  /** Workers kept running while idle, started and warmed by `warm()` (default none: workers start with a job). */
  warmWorkers?: number;
  /** Short jobs waiting in a worker are taken back once its running job has run this long, ms (default STALL_MS). */
  stallMs?: number;
  /**
   * A warm worker that has grown by more than this since its warm-up (MB, default WARM_GROWTH_MB) is replaced by a
   * fresh warm one when it goes idle: warm workers never leave, so memory a hostile file made one keep would
   * otherwise stay taken.
   */
  warmGrowthMb?: number;
}

/** What a warm worker runs before its first real job (the answers are dropped). */
export interface WarmUp {
  handler: string;
  payload: unknown;
  /** How many times: V8 optimizes a function once it has run often enough (a few dozen files, measured). */
  times: number;
  /** Time limit of each run, ms. */
  timeMs: number;
}

export interface Job {
  /** Absolute path of the compiled handler module. */
  handler: string;
  payload: unknown;
  /** Whose job this is (user id); jobs without one share the key ''. */
  account?: string;
  /** Time limit once a worker has taken the job, ms. */
  timeMs: number;
  /** Size of the payload (the uploaded file), counted against the queue's byte limits. */
  bytes?: number;
  /** Aborting drops a waiting job, or stops the worker running it (the client went away). */
  signal?: AbortSignal;
  /**
   * A short job (one upload's parse): when every worker is busy, it may be sent to a worker whose one running job is
   * short too, to start the moment that one ends (pipelining). Otherwise a worker that answered sat idle until this
   * process — busy with other requests on the same cores — read the answer and sent the next job: a median 5.5 ms per
   * job under `npm run bench:server`. A short job still waiting behind one that has run `stallMs` (STALL_MS) is taken
   * back and goes to the next free worker, so a file that takes a worker to its time limit holds up no other upload
   * for longer than that.
   */
  short?: boolean;
}

export type Failure = 'timeout' | 'memory' | 'crashed' | 'failed' | 'busy' | 'aborted' | 'closed';
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: Failure; message?: string; name?: string };

interface Reply {
  /** The job's id (dispatch); a warm-up run has none. */
  id?: number;
  /** The answer to `{ cancel: id }` for a job the worker had not started: dropped, never run. */
  cancelled?: boolean;
  ok: boolean;
  value?: unknown;
  message?: string;
  name?: string;
  /** The worker's resident memory after the job, bytes. */
  rss: number;
}

interface Slot {
  worker: ChildProcess;
  /** Running its warm-up (prime): no job is sent to it meanwhile. */
  warming: boolean;
  /** Jobs sent to the worker, in order: the first is running, the others wait in the worker for it (pipelined). */
  sent: Waiting[];
  jobs: number;
  idle?: NodeJS.Timeout;
  /** When the running job started (performance.now()). */
  since: number;
  /** Resident memory the worker reported with its last answer, and after its warm-up (a warm worker), bytes. */
  rss: number;
  warmRss?: number;
  /** Takes back the pipelined jobs when the running one has run stallMs. */
  stall?: NodeJS.Timeout;
  /**
   * Jobs taken back from this worker (or aborted) whose fate it has not told yet, with their time limits: it answers
   * each either “cancelled” (never started) or with the job's answer (it had started it before the cancel came, and
   * ran it; the answer is not taken). Until then the worker counts as busy, so no job waits behind one running there.
   */
  ghosts: Map<number, number>;
  /** The time limit of a ghost the worker may be running now. */
  ghostTimer?: NodeJS.Timeout;
  exited: boolean;
}

interface Waiting {
  job: Job;
  account: string;
  bytes: number;
  seq: number;
  /** Set when sent to a worker: the id its answer comes back with. */
  id: number;
  state: 'queued' | 'sent' | 'done';
  slot?: Slot;
  /** The time limit, armed when the job is the one its worker runs. */
  timer?: NodeJS.Timeout;
  /** When dispatch counted it as its account's last start, and the account's last start before that. */
  served?: { at: number; before: number | undefined };
  resolve: (o: Outcome<unknown>) => void;
  detach: () => void;
}

/** See PoolOptions.warmGrowthMb. */
export const WARM_GROWTH_MB = 32;

/**
 * A running short job that has not answered after this long (ms) gives back the jobs waiting behind it. An upload's
 * parse takes 5–20 ms; a file that runs for a second is an unusual one, likely to run to the time limit.
 */
export const STALL_MS = 1000;

const isBusy = (slot: Slot) => slot.warming || slot.sent.length > 0 || slot.ghosts.size > 0;

/**
 * Worker scripts run compiled JavaScript. From dist/ the script sits beside its caller; when the caller runs from the
 * TypeScript sources (jest), the compiled copy under dist/ is used — `npm test` builds before testing.
 * `callerFile` is the caller's __filename, `script` the worker's path relative to the caller's folder.
 */
export function compiledScript(callerFile: string, script: string): string {
  const dir = path.dirname(callerFile);
  if (callerFile.endsWith('.js')) return path.join(dir, script);
  let root = dir;
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const compiled = path.join(root, 'dist', path.relative(root, dir), script);
  if (!fs.existsSync(compiled)) throw new Error(`找不到编译后的程序 ${compiled}：请先运行 npm run build`);
  return compiled;
}

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Waiting[] = [];
  private readonly running = new Map<string, number>();
  private readonly lastServed = new Map<string, number>();
  /**
   * One clock for arrivals and starts: a job's `seq` is when it arrived, `lastServed` when its account's last job
   * started. An account never served counts from its job's arrival, so a stream of new accounts cannot keep an
   * account that was served once (the secretariat's exports, a 旗县区 uploading again) waiting behind them for ever.
   */
  private clock = 0;
  private ids = 0;
  private closed = false;
  private warmup: WarmUp | undefined;
  private readonly entry = compiledScript(__filename, 'entry.js');

  constructor(readonly options: PoolOptions) {}

  /** Workers at most (at least one, whatever the options say). */
  private get capacity(): number {
    return Math.max(1, this.options.size);
  }

  private get stallMs(): number {
    return this.options.stallMs ?? STALL_MS;
  }

  /** Jobs running at most per account: all workers but one, so another account always finds one free (or all of them for a sole account). */
  get perAccount(): number {
    return this.options.soleAccount ? this.capacity : Math.max(1, this.options.size - 1);
  }

  stats(): { workers: number; busy: number; waiting: number } {
    return { workers: this.slots.length, busy: this.slots.filter(isBusy).length, waiting: this.queue.length };
  }

  run<T>(job: Job): Promise<Outcome<T>> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'closed' });
    if (job.signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
    const account = job.account ?? '';
    const bytes = job.bytes ?? 0;
    // The queue is bounded per account and in all, by jobs and by the bytes they hold: the excess is refused at once
    // (the caller answers “busy, retry”) instead of piling up memory.
    const mine = this.queue.filter((w) => w.account === account);
    const sum = (list: Waiting[]) => list.reduce((n, w) => n + w.bytes, 0);
    if (
      mine.length >= this.options.queuePerAccount || this.queue.length >= this.options.queueTotal ||
      (mine.length > 0 && sum(mine) + bytes > this.options.queueBytesPerAccount) ||
      (this.queue.length > 0 && sum(this.queue) + bytes > this.options.queueBytesTotal)
    ) return Promise.resolve({ ok: false, reason: 'busy' });
    return new Promise((resolve) => {
      const waiting: Waiting = { job, account, bytes, seq: ++this.clock, id: 0, state: 'queued', resolve: resolve as (o: Outcome<unknown>) => void, detach: () => undefined };
      if (job.signal) {
        const onAbort = () => this.abort(waiting);
        job.signal.addEventListener('abort', onAbort, { once: true });
        waiting.detach = () => job.signal!.removeEventListener('abort', onAbort);
      }
      this.queue.push(waiting);
      this.pump();
    });
  }

  /** The client went away: a waiting job is dropped, a running one stops its worker, a pipelined one is taken back. */
  private abort(w: Waiting): void {
    if (w.state === 'queued') {
      this.queue = this.queue.filter((x) => x !== w);
      this.settle(w, { ok: false, reason: 'aborted' });
    } else if (w.state === 'sent') {
      const slot = w.slot;
      if (slot && slot.sent[0] === w) return this.lose(slot, { ok: false, reason: 'aborted' });
      if (slot) this.cancel(slot, w);
      this.settle(w, { ok: false, reason: 'aborted' });
      // Its account runs one job fewer: a job of its that waited for its share may start.
      this.pump();
    }
  }

  /** A job's answer: told once; its account's running count and listeners are let go. */
  private settle(w: Waiting, outcome: Outcome<unknown>): void {
    if (w.state === 'done') return;
    if (w.state === 'sent') this.release(w);
    w.state = 'done';
    w.detach();
    w.resolve(outcome);
  }

  /** A sent job leaves its worker (answered, failed, or taken back). */
  private release(w: Waiting): void {
    clearTimeout(w.timer);
    const slot = w.slot;
    if (!slot) return;
    slot.sent = slot.sent.filter((x) => x !== w);
    w.slot = undefined;
    const n = (this.running.get(w.account) ?? 1) - 1;
    if (n > 0) this.running.set(w.account, n);
    else this.running.delete(w.account);
  }

  /** Jobs sent to a worker go back to the queue (with their place by arrival); the worker is told not to start them. */
  private takeBack(slot: Slot, jobs: Waiting[]): void {
    for (const w of jobs) {
      this.cancel(slot, w);
      // Its start there does not count: its account's last start is the one before, so it keeps its place in line.
      if (w.served && this.lastServed.get(w.account) === w.served.at) {
        if (w.served.before === undefined) this.lastServed.delete(w.account);
        else this.lastServed.set(w.account, w.served.before);
      }
      if (this.closed) {
        this.settle(w, { ok: false, reason: 'closed' });
        continue;
      }
      w.state = 'queued';
      this.queue.push(w);
    }
  }

  /** A pipelined job leaves its worker, which is told not to start it (an answer it sends anyway is not taken). */
  private cancel(slot: Slot, w: Waiting): void {
    this.release(w);
    if (slot.exited || !slot.worker.connected) return;
    slot.ghosts.set(w.id, w.job.timeMs);
    slot.worker.send({ cancel: w.id }, () => undefined);
  }

  /**
   * The next job to start: among accounts below their share, the one with fewest running, then the one whose last job
   * started longest ago (an account never served: when its job arrived), then the oldest job.
   */
  private next(): Waiting | undefined {
    let best: Waiting | undefined;
    for (const w of this.queue) {
      const running = this.running.get(w.account) ?? 0;
      if (running >= this.perAccount) continue;
      if (!best) {
        best = w;
        continue;
      }
      const b = this.running.get(best.account) ?? 0;
      const key = (x: Waiting, r: number) => [r, this.lastServed.get(x.account) ?? x.seq, x.seq];
      const [r1, l1, s1] = key(w, running);
      const [r2, l2, s2] = key(best, b);
      if (r1! < r2! || (r1 === r2 && (l1! < l2! || (l1 === l2 && s1! < s2!)))) best = w;
    }
    return best;
  }

  private pump(): void {
    while (!this.closed) {
      const waiting = this.next();
      if (!waiting) return;
      let slot = this.slots.find((s) => !isBusy(s));
      if (!slot && this.slots.length < this.capacity) slot = this.spawn();
      // Every worker busy: a short job waits in a worker whose one job is short and has not stalled.
      if (!slot && waiting.job.short) slot = this.slots.find((s) => !s.warming && !s.exited && s.sent.length === 1 && s.ghosts.size === 0 && s.sent[0]!.job.short && performance.now() - s.since < this.stallMs);
      if (!slot) return;
      this.queue = this.queue.filter((w) => w !== waiting);
      this.dispatch(slot, waiting);
    }
  }

  private spawn(): Slot {
    const worker = fork(this.entry, this.options.preload ?? [], {
      // No background GC threads: a worker runs one short job at a time on a small heap, and with as many workers as
      // cores each worker's GC helpers only took CPU from the other workers (two workers on two cores: 10.5 ms of CPU
      // per workbook with them, 8.4 without; `redsite merge` of 1,000 files 20 % faster).
      execArgv: [`--max-old-space-size=${this.options.heapMb}`, '--single-threaded-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: workerEnv(process.env),
    });
    worker.unref();
    worker.channel?.unref();
    const slot: Slot = { worker, warming: false, sent: [], jobs: 0, since: 0, rss: 0, ghosts: new Map(), exited: false };
    worker.on('error', () => undefined);
    worker.on('message', (reply: Reply) => this.answered(slot, reply));
    // An idle worker that dies is simply forgotten. V8 aborts the process when the heap cap is reached (SIGABRT); any
    // other end of a process running a job is a crash.
    worker.on('exit', (_code: number | null, signal: NodeJS.Signals | null) => {
      slot.exited = true;
      if (slot.sent.length) this.lose(slot, { ok: false, reason: this.closed ? 'closed' : signal === 'SIGABRT' ? 'memory' : 'crashed' });
      else this.forget(slot);
    });
    this.slots.push(slot);
    this.armIdle(slot);
    return slot;
  }

  /**
   * Starts workers up to the pool's size now, before any job: a command that is about to read many files (merge,
   * import) has them load their handlers while it is still listing the files. They leave when idle, as usual.
   */
  start(): void {
    while (!this.closed && this.slots.length < this.capacity) this.spawn();
  }

  /** Workers kept while idle: `warmWorkers` once `warm()` was called, never more than the pool's size. */
  private get warmCount(): number {
    return this.warmup ? Math.min(this.options.warmWorkers ?? 0, this.capacity) : 0;
  }

  /**
   * Starts the warm workers (up to `warmWorkers`), each running `job` `times` times before it takes a real job. A warm
   * worker replaced later (memory, job count, crash) is warmed the same way when no job is waiting; when one is, the
   * replacement takes that job at once, cold. A worker that fails its warm-up is not replaced until a job needs one.
   */
  warm(job: WarmUp): void {
    if (this.closed) return;
    this.warmup = job;
    this.fillWarm();
  }

  private fillWarm(): void {
    while (!this.closed && this.slots.length < this.warmCount) this.prime(this.spawn());
  }

  /** Runs the warm-up on a new worker; it stays busy (no real job is sent to it) until the runs are done. */
  private prime(slot: Slot): void {
    const job = this.warmup;
    if (!job || job.times <= 0) return;
    const { worker } = slot;
    slot.warming = true;
    clearTimeout(slot.idle);
    let left = job.times;
    let timer: NodeJS.Timeout | undefined;
    // Whether the warm-up ended, the worker died during it (crash, heap cap) or was dropped, the queue moves on: a job
    // that waited for this worker starts on another, or on a new cold one (never a new warm-up, so a warm-up that
    // always fails cannot start workers for ever).
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', done);
      if (this.closed) return;
      if (!slot.exited && this.slots.includes(slot)) {
        slot.warming = false;
        this.armIdle(slot);
      }
      this.pump();
    };
    // A worker whose warm-up overruns or cannot be sent to is not kept.
    const drop = () => {
      this.retire(slot);
      done();
    };
    const send = () => {
      clearTimeout(timer);
      timer = setTimeout(drop, job.timeMs);
      worker.send({ handler: job.handler, payload: job.payload }, (err) => {
        if (err) drop();
      });
    };
    const onMessage = (reply: Reply) => {
      slot.rss = slot.warmRss = reply.rss;
      if (--left > 0 && !this.closed) send();
      else done();
    };
    worker.on('message', onMessage);
    worker.on('exit', done);
    send();
  }

  private armIdle(slot: Slot): void {
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      if (isBusy(slot)) return;
      if (this.slots.length > this.warmCount) return this.retire(slot);
      // A warm worker stays, unless it grew (a hostile file, say): a fresh one, warmed again, takes its place.
      const growth = (this.options.warmGrowthMb ?? WARM_GROWTH_MB) * 1024 * 1024;
      if (slot.warmRss !== undefined && slot.rss > slot.warmRss + growth) {
        this.retire(slot);
        this.fillWarm();
      }
    }, this.options.idleMs);
    slot.idle.unref();
  }

  private forget(slot: Slot): void {
    clearTimeout(slot.idle);
    clearTimeout(slot.stall);
    clearTimeout(slot.ghostTimer);
    this.slots = this.slots.filter((s) => s !== slot);
  }

  private retire(slot: Slot): void {
    this.forget(slot);
    if (!slot.exited) slot.worker.kill('SIGKILL');
  }

  /** After a worker was replaced, one idle worker is kept ready (it leaves again when idle, unless it is a warm one). */
  private keepWarm(): void {
    if (this.slots.length < this.warmCount) return this.fillWarm();
    if (this.closed || this.slots.some((s) => !isBusy(s)) || this.slots.length >= this.capacity) return;
    this.spawn();
  }

  private dispatch(slot: Slot, waiting: Waiting): void {
    const { job, account } = waiting;
    waiting.state = 'sent';
    waiting.slot = slot;
    waiting.id = ++this.ids;
    slot.sent.push(waiting);
    clearTimeout(slot.idle);
    this.running.set(account, (this.running.get(account) ?? 0) + 1);
    waiting.served = { at: ++this.clock, before: this.lastServed.get(account) };
    this.lastServed.set(account, waiting.served.at);
    if (slot.sent.length === 1) this.started(slot);
    else this.watchStall(slot);
    if (slot.exited || !slot.worker.connected) return this.lose(slot, { ok: false, reason: 'crashed' });
    slot.worker.send({ id: waiting.id, handler: job.handler, payload: job.payload }, (err) => {
      if (err && waiting.state === 'sent' && waiting.slot === slot) this.lose(slot, { ok: false, reason: 'crashed', message: err.message });
    });
  }

  /** The worker's first sent job is the one it runs now: its time limit starts. */
  private started(slot: Slot): void {
    const head = slot.sent[0];
    if (!head) return;
    clearTimeout(head.timer);
    head.timer = setTimeout(() => this.lose(slot, { ok: false, reason: 'timeout' }), head.job.timeMs);
    slot.since = performance.now();
  }

  /** Jobs wait behind the running one: they are taken back if it has not answered stallMs after it started. */
  private watchStall(slot: Slot): void {
    clearTimeout(slot.stall);
    slot.stall = setTimeout(() => this.stalled(slot), Math.max(0, this.stallMs - (performance.now() - slot.since)));
  }

  /** The running job has not answered after stallMs: the jobs waiting behind it go to the next free worker. */
  private stalled(slot: Slot): void {
    slot.stall = undefined;
    if (slot.sent.length < 2) return;
    this.takeBack(slot, slot.sent.slice(1));
    this.pump();
  }

  /** A worker answered its running job. */
  private answered(slot: Slot, reply: Reply): void {
    if (reply.id !== undefined && slot.ghosts.has(reply.id)) return this.laid(slot, reply);
    const head = slot.sent[0];
    // A warm-up's answer (no id): not ours to tell.
    if (!head || reply.id !== head.id) return;
    clearTimeout(slot.stall);
    slot.stall = undefined;
    this.settle(head, reply.ok ? { ok: true, value: reply.value } : { ok: false, reason: 'failed', message: reply.message, name: reply.name });
    if (this.ran(slot, reply)) return;
    if (slot.sent.length) {
      this.started(slot);
      if (slot.sent.length > 1) this.watchStall(slot);
    } else if (slot.ghosts.size) this.watchGhosts(slot);
    else this.armIdle(slot);
    this.pump();
  }

  /** The worker ran a job: whether it grew too big or ran enough jobs, and was given up for it. */
  private ran(slot: Slot, reply: Reply): boolean {
    slot.jobs++;
    slot.rss = reply.rss;
    // A worker warmed by its first job (a stand-in that took a job at once) grows from there.
    slot.warmRss ??= reply.rss;
    const heavy = reply.rss > this.options.recycleMb * 1024 * 1024 || slot.jobs >= this.options.maxJobsPerWorker;
    if (heavy || this.closed) this.lose(slot);
    return heavy || this.closed;
  }

  /** The worker told the fate of a job taken back: dropped unstarted, or run to its end (its answer is not taken). */
  private laid(slot: Slot, reply: Reply): void {
    slot.ghosts.delete(reply.id!);
    if (!reply.cancelled && this.ran(slot, reply)) return;
    if (slot.ghosts.size) return;
    clearTimeout(slot.ghostTimer);
    if (isBusy(slot)) return;
    this.armIdle(slot);
    this.pump();
  }

  /** The worker answered its last job, and may now be running one taken back: that one has its time limit. */
  private watchGhosts(slot: Slot): void {
    clearTimeout(slot.ghostTimer);
    slot.ghostTimer = setTimeout(() => this.lose(slot), Math.max(...slot.ghosts.values()));
  }

  /**
   * A worker is given up. When its running job failed it (time limit, heap cap, crash, abort), that job gets `outcome`
   * and the jobs waiting behind it go back to the queue; when it grew too big, ran enough jobs or overran with a job
   * taken back (no `outcome`), every job still sent to it goes back. The worker is stopped; a spare is started when
   * none is free.
   */
  private lose(slot: Slot, outcome?: Outcome<unknown>): void {
    const [head, ...behind] = slot.sent;
    if (head && outcome) {
      if (behind.length) this.takeBack(slot, behind);
      this.settle(head, outcome);
    } else if (slot.sent.length) this.takeBack(slot, [...slot.sent]); // none of its jobs failed it: all go back
    this.retire(slot);
    if (this.closed) return;
    this.pump();
    this.keepWarm();
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) for (const w of [...s.sent]) this.settle(w, { ok: false, reason: 'closed' });
    const queued = this.queue;
    this.queue = [];
    for (const w of queued) this.settle(w, { ok: false, reason: 'closed' });
    await Promise.all(
      slots.map((s) => {
        clearTimeout(s.idle);
        if (s.exited) return undefined;
        const gone = new Promise<void>((resolve) => s.worker.once('exit', () => resolve()));
        // Workers do not keep the process alive, but waiting for this one to end must.
        s.worker.ref();
        s.worker.kill('SIGKILL');
        return gone;
      }),
    );
  }
}
