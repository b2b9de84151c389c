/**
 * Files written for keeps reach the disk before they count: observed with jest spies on the real `fs` calls (calling
 * through), every export, backup, restored database and certificate is fsync'ed under a temporary name, renamed
 * into place, and then its folder is fsync'ed. Exactly the order a power loss cannot tear.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/db';
import { Exporter } from '../../server/exports';
import { ParsePool } from '../../core/node/workbook/pool';
import { withLimits } from '../../core/limits';
import { storeSubmission } from '../../server/submissions';
import { writeFileDurable } from '../../server/durable';
import { backup, restore } from '../../cli/commands/backup';
import { makeCerts } from '../../cli/commands/serve';
import { validSubmission } from '../helpers/fixtures';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';


type Event = { op: 'fsync' | 'rename'; path: string; to?: string };

/** Records fsync (by the path its descriptor was opened with) and rename calls, in order; every call goes through. */
function recordSyncs(): { events: Event[]; restore: () => void } {
  const events: Event[] = [];
  const fds = new Map<number, string>();
  const real = { openSync: fs.openSync, open: fs.open, fsyncSync: fs.fsyncSync, fsync: fs.fsync, renameSync: fs.renameSync, rename: fs.promises.rename };
  const spies = [
    jest.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      const fd = (real.openSync as (...a: unknown[]) => number)(p, ...rest);
      fds.set(fd, path.resolve(String(p)));
      return fd;
    }) as typeof fs.openSync),
    jest.spyOn(fs, 'open').mockImplementation(((p: fs.PathLike, flags: string, cb: (e: Error | null, fd: number) => void) =>
      real.open(p, flags, (e, fd) => {
        if (!e) fds.set(fd, path.resolve(String(p)));
        cb(e, fd);
      })) as unknown as typeof fs.open),
    jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      events.push({ op: 'fsync', path: fds.get(fd) ?? `fd ${fd}` });
      real.fsyncSync(fd);
    }),
    jest.spyOn(fs, 'fsync').mockImplementation(((fd: number, cb: (e: Error | null) => void) => {
      events.push({ op: 'fsync', path: fds.get(fd) ?? `fd ${fd}` });
      real.fsync(fd, cb);
    }) as typeof fs.fsync),
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      events.push({ op: 'rename', path: path.resolve(String(from)), to: path.resolve(String(to)) });
      real.renameSync(from, to);
    }),
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      events.push({ op: 'rename', path: path.resolve(String(from)), to: path.resolve(String(to)) });
      await real.rename(from, to);
    }),
  ];
  return { events, restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** `file` arrived by: fsync of a temporary file, rename of that file onto `file`, then fsync of its folder. */
function expectDurablyWritten(events: Event[], file: string): void {
  const target = path.resolve(file);
  const rename = events.findIndex((e) => e.op === 'rename' && e.to === target);
  expect(rename).toBeGreaterThan(-1);
  const tmp = events[rename]!.path;
  expect(path.dirname(tmp)).toBe(path.dirname(target));
  const fileSync = events.findIndex((e) => e.op === 'fsync' && e.path === tmp);
  expect(fileSync).toBeGreaterThan(-1);
  expect(fileSync).toBeLessThan(rename);
  const dirSync = events.findIndex((e, i) => i > rename && e.op === 'fsync' && e.path === path.dirname(target));
  expect(dirSync).toBeGreaterThan(rename);
  expect(fs.existsSync(target)).toBe(true);
  expect(fs.existsSync(tmp)).toBe(false);
}

const tmpdir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `redsite-${name}-`));
let rec: ReturnType<typeof recordSyncs>;
beforeEach(() => (rec = recordSyncs()));
afterEach(() => rec.restore());

test('writeFileDurable: complete content, fsync before rename, folder fsync after', () => {
  const file = path.join(tmpdir('durable'), '证书.pem');
  fs.writeFileSync(file, 'old');
  writeFileDurable(file, 'new content');
  expectDurablyWritten(rec.events, file);
  expect(fs.readFileSync(file, 'utf8')).toBe('new content');
  expect(fs.readdirSync(path.dirname(file))).toEqual(['证书.pem']);
});

test('exports: the cached workbook is fsync’ed, renamed, and the exports folder fsync’ed', async () => {
  const data = tmpdir('export-sync');
  const db = openDatabase(data);
  try {
    const submission = validateSubmission(validSubmission(), currentRubric()).submission!;
    storeSubmission(db, { submission, issues: [], actor: { id: 1, name: '联盟秘书处', role: 'secretariat' }, deadline: '2099-01-01T00:00:00Z' });
    const pool = new ParsePool(withLimits());
    const out = await new Exporter(path.join(data, 'exports'), pool, pool.limits).get(db).finally(() => pool.close());
    expect(out.bytes).toBeUndefined();
    expectDurablyWritten(rec.events, out.file);
    expect(fs.readFileSync(out.file).subarray(0, 2).toString()).toBe('PK');
  } finally {
    db.close();
  }
});

test('backup and restore: the backup file and the restored database are fsync’ed with their folders', async () => {
  const data = tmpdir('backup-sync');
  openDatabase(data).close();
  const file = path.join(tmpdir('backup-out'), '备份.sqlite');
  await backup(data, file);
  expectDurablyWritten(rec.events, file);
  const target = tmpdir('restore-sync');
  restore(file, target);
  expectDurablyWritten(rec.events, path.join(target, 'redsite.sqlite'));
});

test('certificates: key and certificate are fsync’ed with their folder', async () => {
  const data = tmpdir('certs-sync');
  const paths = await makeCerts(data, 30);
  expectDurablyWritten(rec.events, paths.key);
  expectDurablyWritten(rec.events, paths.cert);
  expect(fs.statSync(paths.key).mode & 0o777).toBe(0o600);
});
