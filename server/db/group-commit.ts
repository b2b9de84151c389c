/**
 * Group commit for the upload path. Every COMMIT syncs the WAL (synchronous = FULL, server/db/index.ts), which costs
 * milliseconds of blocked event loop (2–8 ms on this machine kind: the largest single cost of an upload on the
 * request thread once parsing became cheap); uploads that become ready in the same turn of the event loop share one
 * IMMEDIATE transaction and one COMMIT: their parse results arrive while an earlier COMMIT holds the thread. Nothing is promised earlier than before: a job's promise settles only after
 * the COMMIT holding it has returned (its writes are then on stable storage), and when that COMMIT fails every job
 * in it fails with the error (none of them was acknowledged).
 *
 * Each job runs in a savepoint of its own (better-sqlite3 nests transactions as savepoints), in arrival order: a job
 * that throws (a quota refusal, say) rolls back its own writes only and rejects with its own error; the others still
 * commit. If SQLite itself had to abandon the transaction (an I/O error or a full disk), the whole batch fails.
 */
import type { DB } from './index';

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Jobs per transaction at most: bounds how long one COMMIT keeps the event loop. */
export const MAX_BATCH = 32;

export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  /** COMMITs done and jobs they held (bench and tests read them). */
  readonly stats = { commits: 0, jobs: 0 };

  constructor(private readonly db: DB) {}

  /** Runs `fn` inside a transaction shared with the other jobs ready now; settles after that transaction's COMMIT. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.queue.length) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every upload whose parse answered meanwhile joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    this.schedule();
    if (!batch.length) return;
    const outcomes: Outcome[] = [];
    const { db } = this;
    try {
      db.transaction(() => {
        for (const job of batch) {
          try {
            outcomes.push({ ok: true, value: db.transaction(job.run)() });
          } catch (error) {
            // SQLite rolled the whole transaction back (I/O error, disk full): nothing of this batch is stored.
            if (!db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.commits++;
    this.stats.jobs += batch.length;
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}

const committers = new WeakMap<DB, GroupCommit>();

/** The group committer of a connection (one per connection: its transactions must not interleave). */
export function groupCommit(db: DB): GroupCommit {
  let g = committers.get(db);
  if (!g) committers.set(db, (g = new GroupCommit(db)));
  return g;
}
