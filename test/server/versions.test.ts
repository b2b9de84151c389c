/**
 * server/versions.ts and migration 4: a database from before the summaries gets one per stored version, the same as
 * the server writes for new ones, so lists and figures answer exactly as before the upgrade.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/db';
import { listSubmissions, storeSubmission } from '../../server/submissions';
import { districtStats } from '../../server/roster';
import { achievedWithoutEvidence } from '../../server/evidence-stats';
import { unitStoredBytes } from '../../server/versions';
import { randomAnswers, seeded, validProject, validSubmission } from '../helpers/fixtures';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { unitKey } from '../../core/identity';

const actor = { id: 1, name: '联盟秘书处', role: 'secretariat' as const };

test('migration 4 summarises the versions stored before it: lists, 概览 and quota usage are the same as for versions stored after it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-summaries-'));
  let db = openDatabase(dir);
  const rand = seeded(11);
  const subs = Array.from({ length: 6 }, (_, i) =>
    validateSubmission(validSubmission({ projects: [validProject(1, { answers: randomAnswers(rand) }), validProject(2 + (i % 2), { answers: randomAnswers(rand) })] }), currentRubric()).submission!,
  );
  for (const submission of subs) storeSubmission(db, { submission, issues: [], actor, deadline: '2099-01-01T00:00:00Z', file: { bytes: Buffer.from(submission.submissionId), name: 'a.xlsx' } });
  // A second version of the first one.
  storeSubmission(db, { submission: { ...subs[0]!, projects: [{ ...subs[0]!.projects[0]!, scale: '第二版' }] }, issues: [], actor, deadline: '2099-01-01T00:00:00Z' });
  const view = () => ({
    list: listSubmissions(db, {}).items,
    search: listSubmissions(db, { q: '安置房3号楼' }).items.map((i) => i.id),
    stats: districtStats(db),
    evidence: [...achievedWithoutEvidence(db).entries()],
    bytes: unitStoredBytes(db, unitKey(subs[0]!.reporter.unit, subs[0]!.reporter.district)),
  });
  const after = view();
  expect(after.list).toHaveLength(6);
  expect(after.search).toHaveLength(3);

  // The same data as a database at migration 3 (no summaries), opened again.
  db.exec("DROP INDEX submissions_updated; DROP TABLE version_summaries; ALTER TABLE versions DROP COLUMN pruned_at; DELETE FROM schema_migrations WHERE version >= 4;");
  db.close();
  db = openDatabase(dir);
  expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(5);
  expect((db.prepare('SELECT COUNT(*) AS n FROM version_summaries').get() as { n: number }).n).toBe(7);
  expect(view()).toEqual(after);
  db.close();
});
