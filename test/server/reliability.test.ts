/**
 * Reliability: SIGKILL during a bounded loopback load loses no acknowledged submission (3 rounds); concurrent sends of
 * one submission ID keep versions consistent; online backup during load restores to identical exports.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { testServer } from '../helpers/server';
import { validProject, validSubmission, randomAnswers, seeded } from '../helpers/fixtures';
import { contentHash } from '../../server/submissions';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { backup, restore } from '../../cli/commands/backup';
import { serve as serveProcess } from '../helpers/cli';


const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
const serve = async (data: string) => {
  const server = await serveProcess(data, { env: { REDSITE_RATE_PER_MINUTE: '100000' } });
  children.push(server.child);
  return server;
};

const canonical = (s: unknown) => contentHash(validateSubmission(s, currentRubric()).submission!);

test('SIGKILL mid-load, 3 rounds: every acknowledged submission is there, identical; integrity ok', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-crash-'));
  let token = '';
  const acked = new Map<string, string>(); // submissionId → content hash the server acknowledged
  const figures: string[] = [];
  for (let round = 1; round <= 3; round++) {
    const server = await serve(data);
    token ||= server.token!;
    let sent = 0;
    let ok = 0;
    let killed = false;
    const clients = Array.from({ length: 20 }, async (_, c) => {
      for (let i = 0; i < 10 && !killed; i++) {
        const rand = seeded(round * 1000 + c * 10 + i);
        const sub = validSubmission({ projects: [validProject(1, { answers: randomAnswers(rand) })] });
        sent++;
        try {
          const res = await fetch(`${server.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(sub) });
          if (res.status === 201 || res.status === 200) {
            acked.set(sub.submissionId, canonical(sub));
            ok++;
          }
        } catch {
          // the server was killed under this request: not acknowledged, may or may not be stored
        }
      }
    });
    // Kill once about a third of the load has been acknowledged.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (ok >= 60 || sent >= 200) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    killed = true;
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGKILL');
    await Promise.all(clients);
    await exited;

    const db = new Database(path.join(data, 'redsite.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const again = await serve(data);
    // One page holding every submission (the list answers 200 per page by default; three rounds can pass that).
    const list = (await (await fetch(`${again.url}/api/v1/submissions?limit=1000`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Array<{ id: string }>; total: number };
    expect(list.items).toHaveLength(list.total);
    const ids = new Set(list.items.map((i) => i.id));
    let present = 0;
    for (const [id, hash] of acked) {
      expect(ids.has(id)).toBe(true);
      const detail = (await (await fetch(`${again.url}/api/v1/submissions/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { versions: Array<{ contentHash: string }> };
      expect(detail.versions.at(-1)!.contentHash).toBe(hash);
      present++;
    }
    figures.push(`round ${round}: ${ok} acknowledged this round, ${acked.size} in all, ${present} present, 0 lost`);
    const stopped = new Promise((r) => again.child.once('exit', r));
    again.child.kill('SIGTERM');
    await stopped;
  }
  console.log(figures.join('\n'));
});

test('concurrent sends of one submission ID: one submission, consistent versions', async () => {
  const s = await testServer();
  try {
    const sub = validSubmission();
    const same = await Promise.all(Array.from({ length: 10 }, () => s.call('POST', '/api/v1/submissions', { token: s.admin, json: sub })));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const edits = await Promise.all(Array.from({ length: 8 }, (_, i) => s.call<{ version: number }>('POST', '/api/v1/submissions', { token: s.admin, json: { ...sub, projects: [validProject(1, { scale: `第${i}版规模` })] } })));
    expect(edits.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const detail = (await s.call<{ versions: Array<{ version: number }> }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: s.admin })).body;
    expect(detail.versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await s.call<{ items: unknown[] }>('GET', '/api/v1/submissions', { token: s.admin })).body.items).toHaveLength(1);
  } finally {
    await s.close();
  }
});

async function masterRows(call: (m: string, u: string, o?: object) => Promise<{ body: unknown }>, token: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await call('GET', '/api/v1/master.xlsx', { token })).body as ArrayBuffer);
  const rows: unknown[][] = [];
  wb.getWorksheet('附件2汇总')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  return rows;
}

test('backup during load is consistent; restore into a fresh folder gives identical exports', async () => {
  const s = await testServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-backup-'));
  try {
    const load = Promise.all(Array.from({ length: 40 }, (_, i) => s.call('POST', '/api/v1/submissions', { token: s.admin, json: validSubmission({ projects: [validProject(1, { answers: randomAnswers(seeded(i)) })] }) })));
    const during = await backup(s.dataDir, path.join(dir, 'during.sqlite'));
    await load;
    expect(during.submissions).toBeGreaterThanOrEqual(0);
    const after = await backup(s.dataDir, path.join(dir, 'after.sqlite'));
    expect(after.submissions).toBe(40);
    // The server is running on that folder: refused whatever the flags (data-lock.test.ts).
    expect(() => restore(path.join(dir, 'after.sqlite'), s.dataDir, true)).toThrow('服务正在使用这个数据目录');
    restore(path.join(dir, 'after.sqlite'), path.join(dir, 'restored'));
    const restored = await testServer({ dataDir: path.join(dir, 'restored') });
    try {
      expect(await masterRows(restored.call, s.admin)).toEqual(await masterRows(s.call, s.admin));
    } finally {
      await restored.close();
    }
    fs.writeFileSync(path.join(dir, 'junk.sqlite'), 'not a database');
    expect(() => restore(path.join(dir, 'junk.sqlite'), path.join(dir, 'x'))).toThrow('不是 SQLite 数据库');
  } finally {
    await s.close();
  }
});
