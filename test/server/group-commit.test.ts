/**
 * Group commit (server/db/group-commit.ts): an upload commits without syncing, and is answered only after an fsync of
 * the WAL that began after its commit; commits made while one fsync runs share the next. Observed with jest spies on
 * the real `fs.open`/`fs.fsync` (the spy can hold an fsync until the test lets it go, so nothing here depends on timing
 * to pass).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DB } from '../../server/db';
import { GroupCommit } from '../../server/db/group-commit';
import { storeSubmission } from '../../server/submissions';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { validSubmission } from '../helpers/fixtures';
import { testServer } from '../helpers/server';
import { until } from '../helpers/until';

const tmpdir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `redsite-${name}-`));
const linux = process.platform !== 'darwin';

interface Held {
  path: string;
  release: (err?: NodeJS.ErrnoException) => void;
}

/** Records every fs.fsync by the path its descriptor was opened with; `hold` keeps the matching ones until released. */
function watchSyncs(hold: (p: string) => boolean = () => false) {
  const synced: string[] = [];
  const held: Held[] = [];
  const fds = new Map<number, string>();
  const real = { open: fs.open, fsync: fs.fsync };
  const spies = [
    jest.spyOn(fs, 'open').mockImplementation(((p: fs.PathLike, flags: string, cb: (e: Error | null, fd: number) => void) =>
      real.open(p, flags, (e, fd) => {
        if (!e) fds.set(fd, path.resolve(String(p)));
        cb(e, fd);
      })) as unknown as typeof fs.open),
    jest.spyOn(fs, 'fsync').mockImplementation(((fd: number, cb: (e: Error | null) => void) => {
      const p = fds.get(fd) ?? `fd ${fd}`;
      const run = (err?: NodeJS.ErrnoException) => (err ? cb(err) : real.fsync(fd, (e) => (synced.push(p), cb(e))));
      if (hold(p)) held.push({ path: p, release: run });
      else run();
    }) as typeof fs.fsync),
  ];
  return { synced, held, restore: () => spies.forEach((s) => s.mockRestore()) };
}

const actor = { id: 1, name: '联盟秘书处', role: 'secretariat' as const };
const store = (db: DB, commits: GroupCommit) =>
  commits.write(() => storeSubmission(db, { submission: validateSubmission(validSubmission(), currentRubric()).submission!, issues: [], actor, deadline: '2099-01-01T00:00:00Z' }));

let watch: ReturnType<typeof watchSyncs> | undefined;
afterEach(() => watch?.restore());

/** A database whose WAL fsyncs are held until the test releases them, with one upload committed through GroupCommit. */
function heldDatabase(name: string) {
  const db = openDatabase(tmpdir(name));
  const commits = new GroupCommit(db);
  watch = watchSyncs((p) => p.endsWith('-wal'));
  store(db, commits);
  return { db, commits };
}

/** The next WAL fsync, once it has been asked for. */
async function nextHeld(): Promise<Held> {
  await until(() => watch!.held.length === 1);
  return watch!.held.shift()!;
}

(linux ? test : test.skip)('a commit through GroupCommit does not sync; durable() then syncs the WAL, and the connection is FULL again', async () => {
  const db = openDatabase(tmpdir('gc-one'));
  const commits = new GroupCommit(db);
  watch = watchSyncs();
  expect(commits.write(() => db.pragma('synchronous', { simple: true }))).toBe(1); // NORMAL inside
  expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL again after
  const stored = store(db, commits);
  expect(watch.synced).toEqual([]);
  await commits.durable();
  expect(watch.synced).toEqual([`${db.name}-wal`]);
  expect(db.prepare('SELECT COUNT(*) AS n FROM submissions WHERE id = ?').get(stored.id)).toEqual({ n: 1 });
  db.close();
});

(linux ? test : test.skip)('commits made while an fsync runs wait for the next one, which they share', async () => {
  const { db, commits } = heldDatabase('gc-share');
  let firstDone = false;
  const first = commits.durable().then(() => (firstDone = true));
  const firstSync = await nextHeld();
  // Four more uploads commit while the first fsync is under way: it may have started before their commits.
  const later: boolean[] = [false, false, false, false];
  const waits = later.map((_, i) => (store(db, commits), commits.durable().then(() => (later[i] = true))));
  firstSync.release();
  await first;
  expect(firstDone).toBe(true);
  const secondSync = await nextHeld(); // the second fsync, for all four
  expect(later).toEqual([false, false, false, false]);
  secondSync.release();
  await Promise.all(waits);
  expect(watch!.synced).toEqual([`${db.name}-wal`, `${db.name}-wal`]); // five commits, two fsyncs
  db.close();
});

(linux ? test : test.skip)('a failed fsync fails the wait; the next wait syncs again', async () => {
  const { db, commits } = heldDatabase('gc-fail');
  const failed = commits.durable();
  (await nextHeld()).release(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await expect(failed).rejects.toThrow('EIO');
  const again = commits.durable();
  (await nextHeld()).release();
  await again;
  expect(watch!.synced).toEqual([`${db.name}-wal`]);
  db.close();
});

(linux ? test : test.skip)('the server answers an upload only after the WAL holding it is synced', async () => {
  const s = await testServer();
  try {
    watch = watchSyncs((p) => p.endsWith('-wal'));
    const sub = validSubmission();
    let answered = false;
    const upload = s.call('POST', '/api/v1/submissions', { token: s.admin, json: sub }).then((r) => ((answered = true), r));
    const sync = await nextHeld();
    // Committed (readable by others), not yet acknowledged.
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM submissions').get()).toEqual({ n: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    sync.release();
    expect((await upload).status).toBe(201);
  } finally {
    watch?.restore();
    watch = undefined;
    await s.close();
  }
});
