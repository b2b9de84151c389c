/**
 * Parse workers run their handler from its bundle (dist/core/node/workbook/parse-worker.bundle.js, built by
 * scripts/build-cli.js) with a V8 code cache (core/node/code-cache.ts): the answers are those of the handler in this
 * process, the cache is written by a worker that found none (after its first job), kept when it is good, and made anew
 * when V8 refuses it. A copy of the bundle in a temp folder stands for an installation, so the cache this test writes,
 * changes and removes is its own: the handler path names a `.js` file that does not exist there, so an answer at all
 * means the bundle ran.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool, type PoolOptions } from '../../../../core/node/workers/pool';
import { handle } from '../../../../core/node/workbook/parse-worker';
import { withLimits } from '../../../../core/limits';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';
import { randomAnswers, seeded } from '../../../helpers/fixtures';

const BUNDLE = path.join(__dirname, '../../../../dist/core/node/workbook/parse-worker.bundle.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-worker-bundle-'));
const handler = path.join(dir, 'parse-worker.js');
const cacheFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith('.cache'));

const options: PoolOptions = {
  size: 1, heapMb: 256, idleMs: 60_000, recycleMb: 1024, maxJobsPerWorker: 1000,
  queuePerAccount: 10, queueBytesPerAccount: 1e9, queueTotal: 100, queueBytesTotal: 1e9, preload: [handler],
};
const pools: WorkerPool[] = [];
/** One job in a new worker process (a new pool each time: every worker loads the bundle afresh). */
async function inNewWorker(payload: unknown) {
  const pool = new WorkerPool(options);
  pools.push(pool);
  try {
    return await pool.run({ handler, payload, timeMs: 120_000 });
  } finally {
    await pool.close();
  }
}

let payload: { format: 'xlsx'; data: Uint8Array; limits: ReturnType<typeof withLimits> };
beforeAll(async () => {
  fs.copyFileSync(BUNDLE, path.join(dir, 'parse-worker.bundle.js'));
  const data = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [
    { fields: projectFields(1), answers: randomAnswers(seeded(31)) },
    { fields: projectFields(2), answers: randomAnswers(seeded(32)) },
  ]);
  payload = { format: 'xlsx', data, limits: withLimits() };
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a worker answers from the bundle as the handler does in process; its code cache is written, kept, and remade when refused', async () => {
  const expected = JSON.parse(JSON.stringify(await handle(payload)));
  expect(expected).toMatchObject({ kind: 'unit' });
  expect(expected.projects).toHaveLength(2);

  // No cache yet: the worker answers, then there is one, for the flags workers start with.
  expect(cacheFiles()).toEqual([]);
  expect(await inNewWorker(payload)).toEqual({ ok: true, value: expected });
  const [name] = cacheFiles();
  expect(cacheFiles()).toHaveLength(1);
  const cache = path.join(dir, name!);
  const written = fs.readFileSync(cache);
  // The header names the bundle (its byte length), then V8's data: the bytecode of what the first job ran.
  expect(written.subarray(0, 4).toString('latin1')).toBe('RSC1');
  expect(written.readUInt32BE(4)).toBe(fs.statSync(BUNDLE).size);
  expect(written.length).toBeGreaterThan(100_000);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

  // A good cache is used as it is: the next worker does not write it again.
  fs.utimesSync(cache, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(await inNewWorker(payload)).toEqual({ ok: true, value: expected });
  expect(fs.statSync(cache).mtime.getFullYear()).toBe(2000);

  // Our header, but data V8 refuses: the worker answers the same and writes a good cache again, which the next keeps.
  fs.writeFileSync(cache, Buffer.concat([written.subarray(0, 12), crypto.randomBytes(written.length - 12)]));
  fs.utimesSync(cache, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(await inNewWorker(payload)).toEqual({ ok: true, value: expected });
  expect(fs.statSync(cache).mtime.getFullYear()).toBeGreaterThan(2000);
  fs.utimesSync(cache, new Date(2001, 0, 1), new Date(2001, 0, 1));
  expect(await inNewWorker(payload)).toEqual({ ok: true, value: expected });
  expect(fs.statSync(cache).mtime.getFullYear()).toBe(2001);

  // A cache of another bundle (another length in the header) is never handed to V8: remade too.
  const other = Buffer.from(fs.readFileSync(cache));
  other.writeUInt32BE(other.readUInt32BE(4) + 1, 4);
  fs.writeFileSync(cache, other);
  fs.utimesSync(cache, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(await inNewWorker(payload)).toEqual({ ok: true, value: expected });
  expect(fs.readFileSync(cache).readUInt32BE(4)).toBe(fs.statSync(BUNDLE).size);
  expect(cacheFiles()).toEqual([name]);
});

test('a refusal from the bundle is the same as in process (a file that is not a workbook)', async () => {
  const bad = { ...payload, data: new TextEncoder().encode('这不是工作簿') };
  const expected = JSON.parse(JSON.stringify(await handle(bad)));
  expect(expected.kind).toBe('rejected');
  expect(await inNewWorker(bad)).toEqual({ ok: true, value: expected });
});
