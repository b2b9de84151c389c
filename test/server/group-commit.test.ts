/**
 * Group commit (server/db/group-commit.ts) as the upload path uses it: uploads ready in one turn of the event loop
 * share one COMMIT; each is acknowledged only once that COMMIT has returned; a refused upload (quota) rolls back alone
 * and the others in its batch are stored; the result is what one transaction per upload stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DB } from '../../server/db';
import { groupCommit } from '../../server/db/group-commit';
import { listSubmissions, storeSubmission, storeSubmissionGrouped, type StoreInput } from '../../server/submissions';
import { AppError } from '../../server/errors';
import { validProject, validSubmission } from '../helpers/fixtures';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { withLimits } from '../../core/limits';
import { unitStoredBytes } from '../../server/versions';
import { unitKey } from '../../core/identity';

const actor = { id: 1, name: '联盟秘书处', role: 'secretariat' as const };

function submission(unit: string) {
  return validateSubmission(validSubmission({ reporter: { unit, district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1)] }), currentRubric()).submission!;
}

const input = (unit: string, extra: Partial<StoreInput> = {}): StoreInput => ({
  submission: submission(unit),
  issues: [],
  actor,
  deadline: '2099-01-01T00:00:00Z',
  file: { bytes: Buffer.alloc(1000, unit.length), name: `${unit}.xlsx` },
  ...extra,
});

let dir: string;
let db: DB;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-group-commit-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const units = (n: number) => Array.from({ length: n }, (_, i) => `包头市第${i + 1}建筑工程有限公司`);

test('uploads ready together share one COMMIT, and each is on disk (seen by another connection) when it is acknowledged', async () => {
  const g = groupCommit(db);
  const before = { ...g.stats };
  const other = openDatabase(dir, { readonly: true });
  try {
    const stored = await Promise.all(
      units(8).map((u) =>
        storeSubmissionGrouped(db, input(u)).then((r) => {
          // Acknowledged: a separate connection already reads it.
          expect(other.prepare('SELECT COUNT(*) AS n FROM submissions WHERE id = ?').get(r.id)).toEqual({ n: 1 });
          return r;
        }),
      ),
    );
    expect(stored.map((r) => r.version)).toEqual(Array(8).fill(1));
    expect({ commits: g.stats.commits - before.commits, jobs: g.stats.jobs - before.jobs }).toEqual({ commits: 1, jobs: 8 });
  } finally {
    other.close();
  }
});

test('a refused upload in a batch rolls back alone: the others are stored, its audit entry and version are not', async () => {
  const unit = '包头市甲建筑工程有限公司';
  storeSubmission(db, input(unit));
  // Room for one upload per unit: the unit that already has one goes over with a second.
  const limits = withLimits({ unitStoredBytes: unitStoredBytes(db, unitKey(unit, '东河区')) + 500 });
  const outcomes = await Promise.allSettled([
    storeSubmissionGrouped(db, input('包头市乙建筑工程有限公司', { limits })),
    storeSubmissionGrouped(db, input(unit, { limits })),
    storeSubmissionGrouped(db, input('包头市丙建筑工程有限公司', { limits })),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const refusal = (outcomes[1] as PromiseRejectedResult).reason as AppError;
  expect(refusal).toBeInstanceOf(AppError);
  expect(refusal.code).toBe('QUOTA_EXCEEDED');
  const listed = listSubmissions(db, {}).items;
  expect(listed.map((i) => i.unit).sort()).toEqual(['包头市丙建筑工程有限公司', '包头市乙建筑工程有限公司', unit].sort());
  expect(db.prepare('SELECT COUNT(*) AS n FROM versions').get()).toEqual({ n: 3 });
  expect(db.prepare('SELECT COUNT(*) AS n FROM audit').get()).toEqual({ n: 3 });
});

test('stores in a batch give what one transaction per upload gives, new versions included', async () => {
  const one = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-group-commit-one-')));
  try {
    const inputs = units(5).map((u) => input(u));
    // The same workbook again in the same batch: a second version, as when stored one after the other.
    const again = { ...inputs[0]!, submission: { ...inputs[0]!.submission, projects: [{ ...inputs[0]!.submission.projects[0]!, scale: '第二版' }] } };
    const grouped = await Promise.all([...inputs, again].map((i) => storeSubmissionGrouped(db, i)));
    const single = [...inputs, again].map((i) => storeSubmission(one, i));
    const shape = (r: { version: number; unchanged: boolean }) => ({ version: r.version, unchanged: r.unchanged });
    expect(grouped.map(shape)).toEqual(single.map(shape));
    const view = (d: DB) => listSubmissions(d, {}).items.map((i) => ({ unit: i.unit, version: i.version, projects: i.projects })).sort((a, b) => a.unit.localeCompare(b.unit));
    expect(view(db)).toEqual(view(one));
  } finally {
    one.close();
  }
});
