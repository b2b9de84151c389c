/**
 * server/submissions.ts over real HTTP: uploads (JSON, xlsx, the add-in's JSON plus file), versions, review, the
 * per-unit quota (bytes stored, versions kept), lists and figures answered from the version summaries without
 * reading a stored body, and /healthz answering while an export waits for a worker. Every test starts its own
 * server with its own data.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded, validProject, validSubmission } from '../helpers/fixtures';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';


const start = perTestServers();

const UNIT = { name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' };
const bodyBytes = (sub: unknown) => Buffer.byteLength(JSON.stringify(validateSubmission(sub, currentRubric()).submission));
type Audit = { items: Array<{ id: number; action: string }> };

test('bytes stored per unit: the upload over the quota is refused (413, what the limit is and what to do), nothing stored changes', async () => {
  const first = validSubmission({ projects: [validProject(1), validProject(2)] });
  const size = bodyBytes(first);
  const s = await start({ limits: { unitStoredBytes: Math.floor(size * 2.5) } });
  const unit = await s.user(UNIT);
  const other = await s.user({ ...UNIT, name: '二建', unit: '包头市第二建筑工程有限公司' });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: first })).status).toBe(201);
  const second = validSubmission({ projects: [validProject(3), validProject(4)] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: second })).status).toBe(201);
  const before = (await s.call('GET', '/api/v1/submissions', { token: s.admin })).body;
  const auditBefore = (await s.call<Audit>('GET', '/api/v1/audit', { token: s.admin })).body.items.length;

  const third = await s.call<{ code: string; error: string }>('POST', '/api/v1/submissions', { token: unit, json: validSubmission({ projects: [validProject(5), validProject(6)] }) });
  expect(third.status).toBe(413);
  expect(third.body.code).toBe('QUOTA_EXCEEDED');
  expect(third.body.error).toMatch(/^保存这一份后，本单位的申报.*将达到 \d+ KB，超过每个单位 \d+ KB 的上限，本次未保存（已保存的申报不受影响）：请删除工作簿中无关的工作表和图片后重新上传，或联系联盟秘书处调整上限$/);
  // A new version of a stored submission counts too; the refused one leaves the stored one as it was.
  const edit = await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...first, projects: [validProject(1, { scale: '第二版' }), validProject(2)] } });
  expect(edit.status).toBe(413);
  expect((await s.call('GET', '/api/v1/submissions', { token: s.admin })).body).toEqual(before);
  expect((await s.call<Audit>('GET', '/api/v1/audit', { token: s.admin })).body.items).toHaveLength(auditBefore);
  expect((await s.call<{ version: number }>('GET', `/api/v1/submissions/${first.submissionId}`, { token: unit })).body.version).toBe(1);
  // Resending what is stored is still answered (nothing new is stored), and another unit has its own quota.
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: first })).status).toBe(200);
  expect((await s.call('POST', '/api/v1/submissions', { token: other, json: validSubmission({ reporter: { ...first.reporter, unit: '包头市第二建筑工程有限公司' } }) })).status).toBe(201);
});

test('versions kept: the newest N keep their content and original file, older ones their record; diffs of a cleared version say why', async () => {
  const s = await start({ limits: { versionsKept: 2 } });
  const unit = await s.user(UNIT);
  const sub = validSubmission({ source: 'addin' });
  const files: Buffer[] = [];
  for (let v = 1; v <= 3; v++) {
    const bytes = crypto.randomBytes(2000);
    files.push(bytes);
    const r = await s.call<{ version: number }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: `第${v}版.xlsx`, extra: { submission: JSON.stringify({ ...sub, projects: [validProject(1, { scale: `第 ${v} 版` })] }) } } });
    expect(r.body.version).toBe(v);
  }
  const detail = (await s.call<{ versions: Array<{ version: number; pruned?: boolean; fileName: string }> }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: unit })).body;
  expect(detail.versions.map((v) => [v.version, v.pruned ?? false, v.fileName])).toEqual([[1, true, '第1版.xlsx'], [2, false, '第2版.xlsx'], [3, false, '第3版.xlsx']]);
  const old = await s.call<{ error: string }>('GET', `/api/v1/submissions/${sub.submissionId}/diff?from=1&to=2`, { token: unit });
  expect(old.status).toBe(404);
  expect(old.body.error).toBe(`申报 ${sub.submissionId} 的第 1 版只保留了记录（时间、提交人、得分），内容已按保留规则清除：每份申报保留最近 2 个版本的内容`);
  expect((await s.call('GET', `/api/v1/submissions/${sub.submissionId}/original?version=1`, { token: unit })).status).toBe(404);
  expect((await s.call<{ fields: unknown[] }>('GET', `/api/v1/submissions/${sub.submissionId}/diff?from=2&to=3`, { token: unit })).body.fields).toHaveLength(1);
  const original = await s.call('GET', `/api/v1/submissions/${sub.submissionId}/original?version=2`, { token: unit });
  expect(Buffer.compare(original.body as unknown as Buffer, files[1]!)).toBe(0);
  // The cleared version's file has left the database; the kept ones are there.
  const shas = (s.db.prepare('SELECT sha256 FROM files').all() as Array<{ sha256: string }>).map((r) => r.sha256).sort();
  expect(shas).toEqual(files.slice(1).map((f) => crypto.createHash('sha256').update(f).digest('hex')).sort());
  const audit = (await s.call<{ audit: Array<{ action: string; detail: { prunedVersions?: number[] } }> }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: s.admin })).body.audit;
  expect(audit.at(-1)).toMatchObject({ action: '提交新版本', detail: { version: 3, prunedVersions: [1] } });
});

test('lists, 概览 and 报送名单 answer from the summaries: with every stored body unreadable, they answer the same', async () => {
  const s = await start();
  const unit = await s.user(UNIT);
  const rand = seeded(7);
  // Two submissions of one unit share a project (重复项目), others with random answers in two districts.
  const a = validSubmission({ projects: [validProject(1, { answers: randomAnswers(rand) }), validProject(2, { answers: randomAnswers(rand) })] });
  const b = validSubmission({ projects: [validProject(1, { answers: randomAnswers(rand) })] });
  for (const sub of [a, b]) expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  const all = Object.fromEntries(currentRubric().criteria.map((c) => [c.id, '达到']));
  const qs = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区', projectName: '青山 A 座', answers: all })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: qs })).status).toBe(201);

  const views = ['/api/v1/submissions', '/api/v1/submissions?q=青山%20a', '/api/v1/submissions?met=true', '/api/v1/submissions?district=东河区', '/api/v1/districts', '/api/v1/roster'];
  const read = async () => Promise.all(views.map(async (v) => {
    const r = await s.call('GET', v, { token: s.admin });
    expect(r.status).toBe(200);
    return r.body;
  }));
  const before = await read();
  const list = before[0] as { items: Array<{ id: string; projects: number; duplicateProjects: number; projectNames: string[] }> };
  expect(list.items.find((i) => i.id === a.submissionId)).toMatchObject({ projects: 2, duplicateProjects: 1, projectNames: ['北梁棚户区改造安置房1号楼', '北梁棚户区改造安置房2号楼'] });
  expect((before[1] as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual([qs.submissionId]);
  expect((before[2] as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(qs.submissionId);
  expect((before[4] as { items: Array<{ district: string; projects: number; achieved: number }> }).items.find((d) => d.district === '青山区')).toMatchObject({ projects: 1, achieved: currentRubric().criteria.length });
  // 东河区 counts the shared project once: 2 projects from 3 listed.
  expect((before[4] as { items: Array<{ district: string; projects: number }> }).items.find((d) => d.district === '东河区')).toMatchObject({ projects: 2 });

  s.db.prepare("UPDATE versions SET body = '{not json'").run();
  expect(await read()).toEqual(before);
});

test('/healthz and the lists answer while an export waits for the only worker', async () => {
  const s = await start({ limits: { parseWorkers: 1 } });
  const unit = await s.user(UNIT);
  for (let i = 0; i < 5; i++) expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
  // A real job that holds the pool's only worker until the marker file appears.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-held-'));
  const handler = path.join(dir, 'hold.js');
  fs.writeFileSync(handler, "exports.handle = async (p) => { const fs = require('node:fs'); while (!fs.existsSync(p.until)) await new Promise((r) => setTimeout(r, 20)); return 1; };\n");
  const marker = path.join(dir, 'release');
  const held = s.pool.run({ handler, payload: { until: marker }, timeMs: 120_000, account: 'test' });
  let exported = false;
  const master = s.call('GET', '/api/v1/master.xlsx', { token: s.admin }).then((r) => {
    exported = true;
    return r;
  });
  for (const url of ['/healthz', '/api/v1/submissions', '/api/v1/districts', '/api/v1/roster']) {
    const r = await s.call('GET', url, { token: s.admin });
    expect(r.status).toBe(200);
  }
  expect((await s.call('GET', '/healthz')).body).toMatchObject({ ok: true });
  // The export is still waiting behind the held job: everything above answered without it.
  expect(exported).toBe(false);
  fs.writeFileSync(marker, '');
  expect(await held).toEqual({ ok: true, value: 1 });
  const m = await master;
  expect(m.status).toBe(200);
  expect((m.body as unknown as Buffer).subarray(0, 2).toString()).toBe('PK');
});

test('JSON upload → resend is a no-op → edit is a new version → return → resubmit → approve; diff and audit', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  const sub = validSubmission({ source: 'addin', projects: [validProject(1, { answers: { 'A01-1': '达到' } })] });
  const first = await s.call('POST', '/api/v1/submissions', { token: unit, json: sub });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ id: sub.submissionId, version: 1, unchanged: false, state: '已提交', late: true, unit: sub.reporter.unit, district: '东河区' });
  const again = await s.call('POST', '/api/v1/submissions', { token: unit, json: sub });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ version: 1, unchanged: true });

  const edited = { ...sub, projects: [validProject(1, { scale: '建筑面积 3.5 万平方米', answers: { 'A01-1': '达到', 'A01-2': '部分达到' } })] };
  const second = await s.call('POST', '/api/v1/submissions', { token: unit, json: edited });
  expect(second.body).toMatchObject({ version: 2, unchanged: false });

  const diff = await s.call('GET', `/api/v1/submissions/${sub.submissionId}/diff?from=1&to=2`, { token: district });
  expect(diff.body).toEqual({
    from: 1, to: 2,
    fields: [{ project: 1, field: 'scale', label: '建设规模', before: '建筑面积 3.2 万平方米，地上 18 层', after: '建筑面积 3.5 万平方米' }],
    answers: [{ project: 1, criterion: 'A01-2', before: '未填', after: '部分达到' }],
  });

  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: {} })).body).toMatchObject({ code: 'INVALID', error: expect.stringContaining('请填写退回原因') });
  const ret = await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: { reason: '请补充 A01-2 的佐证说明' } });
  expect(ret.body).toEqual({ id: sub.submissionId, state: '退回修改', returnReason: '请补充 A01-2 的佐证说明', annotated: `/api/v1/submissions/${sub.submissionId}/annotated.xlsx` });
  expect((await s.call('GET', `/api/v1/submissions/${sub.submissionId}`, { token: unit })).body).toMatchObject({ state: '退回修改', returnReason: '请补充 A01-2 的佐证说明' });
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: district })).status).toBe(409);

  const third = await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...edited, projects: [{ ...edited.projects[0]!, notes: { 'A01-2': '组织架构图' } }] } });
  expect(third.body).toMatchObject({ version: 3, state: '已提交' });
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: district })).body).toEqual({ id: sub.submissionId, state: '已审核' });

  const detail = (await s.call<{ versions: unknown[]; audit: Array<{ action: string; actor: string }>; submission: { projects: Array<{ notes: unknown }> } }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: district })).body;
  expect(detail.versions).toHaveLength(3);
  expect(detail.submission.projects[0]!.notes).toEqual({ 'A01-2': '组织架构图' });
  expect(detail.audit.map((a) => a.action)).toEqual(['提交申报', '重复提交（内容未变）', '提交新版本', '退回修改', '退回后重新提交', '审核通过']);
  expect(detail.audit[3]!.actor).toBe('东河区委组织部');
});


test('xlsx upload: parsed off the event loop, original kept, issues answered 422 with cells', async () => {
  const s = await start();
  const { unit } = await eastRiverAccounts(s);
  const template = await buildTemplate({ projects: 3 });
  const good = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1), answers: randomAnswers(seeded(3)) }]);
  const up = await s.call<{ id: string; version: number; scores: unknown[] }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: good, name: '../../一建申报.xlsx' } });
  expect(up.status).toBe(201);
  expect(up.body.scores).toHaveLength(1);
  const orig = await s.call('GET', `/api/v1/submissions/${up.body.id}/original`, { token: unit });
  expect(Buffer.compare(orig.body as unknown as Buffer, good)).toBe(0);
  expect(orig.headers.get('content-disposition')).toContain('.xlsx');
  const detail = (await s.call<{ versions: Array<{ fileName: string }> }>('GET', `/api/v1/submissions/${up.body.id}`, { token: unit })).body;
  expect(detail.versions[0]!.fileName).toBe('一建申报.xlsx');

  const bad = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1, { phone: '123' }) }]);
  const r = await s.call<{ error: string; issues: Array<{ sheet: string; cell: string; message: string }> }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: bad, name: 'bad.xlsx' } });
  expect(r.status).toBe(422);
  expect(r.body.error).toBe('申报内容有 1 处需要修改，请按问题清单逐条修改后重新提交');
  expect(r.body.issues).toContainEqual(expect.objectContaining({ sheet: '申报表', cell: 'G7', message: expect.stringContaining('联系电话格式不正确') }));

  const pdf = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: Buffer.from('%PDF-1.4'), name: 'x.xlsx' } });
  expect(pdf.status).toBe(422);
  expect(pdf.body.error).toContain('这是 PDF 文件');
  const text = await s.call('POST', '/api/v1/submissions', { token: unit, headers: { 'content-type': 'text/plain' } });
  expect(text.status).toBe(415);
});


test('a unit cannot write another unit; district officers review only their district', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  const other = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  const r = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, json: other });
  expect(r.status).toBe(403);
  expect(r.body.error).toContain('只能提交本单位的申报');
  const byAdmin = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: s.admin, json: other });
  expect(byAdmin.status).toBe(201);
  const look = await s.call<{ error: string }>('POST', `/api/v1/submissions/${byAdmin.body.id}/approve`, { token: district });
  // Another district's submission answers like an unknown id: no one learns which ids exist elsewhere.
  expect(look.status).toBe(404);
  expect(look.body.error).toBe(`找不到提交编号为 ${byAdmin.body.id} 的申报`);
});


test('the add-in’s upload: Submission JSON plus the workbook file kept as the original', async () => {
  const s = await start();
  const { unit } = await eastRiverAccounts(s);
  const sub = validSubmission({ source: 'addin' });
  const bytes = await buildTemplate({ projects: 1 });
  const r = await s.call<{ id: string; version: number }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: '申报工作簿.xlsx', extra: { submission: JSON.stringify(sub) } } });
  expect(r.status).toBe(201);
  const detail = (await s.call<{ hasFile: boolean; submission: { source: string } }>('GET', `/api/v1/submissions/${r.body.id}`, { token: unit })).body;
  expect(detail).toMatchObject({ hasFile: true, submission: { source: 'addin' } });
  expect(Buffer.compare((await s.call('GET', `/api/v1/submissions/${r.body.id}/original`, { token: unit })).body as unknown as Buffer, bytes)).toBe(0);
  const bad = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: 'x.xlsx', extra: { submission: '{not json' } } });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toBe('submission 字段不是有效的 JSON');
});


test('the list comes a page at a time: newest first, pages neither overlap nor skip, bad paging answered in Chinese', async () => {
  const s = await start({ limits: { listPage: 2, listPageMax: 3 } });
  const unit = await s.user(UNIT);
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const sub = validSubmission({ projects: [validProject(i)] });
    expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
    ids.push(sub.submissionId);
  }
  type Page = { items: Array<{ id: string; updatedAt: string }>; total: number; limit: number; offset: number };
  const first = (await s.call<Page>('GET', '/api/v1/submissions', { token: s.admin })).body;
  expect({ n: first.items.length, total: first.total, limit: first.limit, offset: first.offset }).toEqual({ n: 2, total: 5, limit: 2, offset: 0 });
  const seen = [...first.items];
  for (let offset = 2; offset < 5; offset += 2) seen.push(...(await s.call<Page>('GET', `/api/v1/submissions?offset=${offset}`, { token: s.admin })).body.items);
  expect(seen.map((i) => i.id).sort()).toEqual([...ids].sort()); // every one once
  const times = seen.map((i) => i.updatedAt);
  expect(times).toEqual([...times].sort().reverse()); // most recently updated first
  const unitPage = (await s.call<Page>('GET', '/api/v1/submissions?limit=3&offset=3', { token: unit })).body;
  expect({ total: unitPage.total, ids: unitPage.items.map((i) => i.id) }).toEqual({ total: 5, ids: seen.slice(3).map((i) => i.id) });
  // Filters apply before paging: total counts the matches.
  expect((await s.call<Page>('GET', `/api/v1/submissions?q=${encodeURIComponent(validProject(4).projectName)}`, { token: s.admin })).body.total).toBe(1);
  // A search that matches all five pages the same way, in the list's order (its rows are read by id, page by page).
  const searched: Page['items'] = [];
  for (let offset = 0; offset < 6; offset += 2) {
    const p = (await s.call<Page>('GET', `/api/v1/submissions?q=${encodeURIComponent('北梁')}&offset=${offset}`, { token: s.admin })).body;
    expect(p.total).toBe(5);
    searched.push(...p.items);
  }
  expect(searched.map((i) => i.id)).toEqual(seen.map((i) => i.id));
  expect((await s.call<Page>('GET', `/api/v1/submissions?q=${encodeURIComponent('北梁')}&offset=5`, { token: s.admin })).body).toMatchObject({ items: [], total: 5 });
  expect((await s.call<Page>('GET', `/api/v1/submissions?met=false&limit=3&offset=3`, { token: s.admin })).body).toMatchObject({ items: seen.slice(3).map((i) => ({ id: i.id })), total: 5 });
  for (const [query, message] of [['limit=4', '每页条数（limit）最多 3'], ['limit=0', '每页条数（limit）须为 1 至 3 的整数'], ['limit=abc', '每页条数（limit）须为 1 至 3 的整数'], ['offset=-1', '起始位置（offset）须为 0 或正整数']] as const) {
    const r = await s.call<{ error: string }>('GET', `/api/v1/submissions?${query}`, { token: s.admin });
    expect([query, r.status, r.body.error]).toEqual([query, 422, message]);
  }
});
