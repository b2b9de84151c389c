/**
 * `redsite serve` keeps its parse workers warm (startServer's warmWorkers): they start with the server, read the
 * blank template before the first upload, and do not leave when idle; uploads then run on them. A server started
 * without it (every other test's) starts no worker until a job needs one.
 */
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { until } from '../helpers/until';

const start = perTestServers();

test('warm workers: running and idle before the first upload, still there after the idle time, and the upload runs on them', async () => {
  const s = await start({ warmWorkers: true, limits: { workerIdleMs: 100 } });
  const workers = s.pool.limits.parseWorkers;
  // Busy while they read the template, then idle and ready.
  await until(() => s.pool.stats().workers === workers && s.pool.stats().busy === 0);
  await new Promise((r) => setTimeout(r, 600)); // six idle times
  expect(s.pool.stats()).toEqual({ workers, busy: 0, waiting: 0 });
  const { unit } = await eastRiverAccounts(s);
  const bytes = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: randomAnswers(seeded(5)) }]);
  const up = await s.call<{ id: string; scores: unknown[] }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: '一建申报.xlsx' } });
  expect(up.status).toBe(201);
  expect(up.body.scores).toHaveLength(1);
  expect(s.pool.stats().workers).toBe(workers);
});

test('without warmWorkers a server starts no worker until an upload needs one', async () => {
  const s = await start({ limits: { workerIdleMs: 60_000 } });
  expect(s.pool.stats().workers).toBe(0);
  const { unit } = await eastRiverAccounts(s);
  const bytes = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: randomAnswers(seeded(6)) }]);
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: '一建申报.xlsx' } })).status).toBe(201);
  expect(s.pool.stats().workers).toBeGreaterThan(0);
});
