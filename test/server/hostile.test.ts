/**
 * Hostile uploads through the real server: each gets a 4xx with a Chinese message naming the problem (or is accepted
 * where legitimate), /healthz answers right after, memory stays bounded, and nothing stored changes. Prints a table.
 */
import { testServer, type TestServer } from '../helpers/server';
import { hostileFiles } from '../helpers/hostile';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { validProject, validSubmission } from '../helpers/fixtures';
import { dataVersion } from '../../server/db';
import { formulas, sheetValues } from '../helpers/xlsx-xml';


let s: TestServer;
let good: Buffer;
let hostile: Array<[string, Uint8Array, string | RegExp]>;
const table: string[] = ['| input | status | message |', '|---|---:|---|'];
beforeAll(async () => {
  good = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }]);
  // Built before any request: a zip bomb takes seconds to build and blocks this process (client and in-process server),
  // and a kept-alive connection the server closes meanwhile would then be reused and reset (ECONNRESET under load).
  // The upload limit ('too large') is exercised below with a 60 MB body.
  hostile = hostileFiles(good).filter(([name]) => name !== 'too large').map(([name, make, expected]) => [name, make(), expected]);
  s = await testServer();
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, file: { bytes: good, name: 'good.xlsx' } })).status).toBe(201);
});
afterAll(async () => {
  console.log(table.join('\n'));
  await s.close();
});

async function snapshot() {
  const list = (await s.call<{ items: Array<{ id: string; version: number }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items;
  return { list: JSON.stringify(list), version: dataVersion(s.db) };
}

async function after(before: Awaited<ReturnType<typeof snapshot>>, rss: number) {
  expect((await s.call('GET', '/healthz')).status).toBe(200);
  expect(await snapshot()).toEqual(before);
  expect(process.memoryUsage().rss - rss).toBeLessThan(400 * 1024 * 1024);
}

test('every hostile workbook is refused with its reason; nothing stored changes', async () => {
  expect(hostile.length).toBeGreaterThan(10);
  for (const [name, bytes, expected] of hostile) {
    const before = await snapshot();
    const rss = process.memoryUsage().rss;
    const r = await s.call<{ error: string; code: string }>('POST', '/api/v1/submissions', { token: s.admin, file: { bytes, name: 'upload.xlsx' } });
    table.push(`| ${name} | ${r.status} | ${r.body.error} |`);
    expect(r.status).toBe(422);
    if (typeof expected === 'string') expect(r.body.error).toBe(expected);
    else expect(r.body.error).toMatch(expected);
    await after(before, rss);
  }
});

test('60 MB upload → 413; wrong content type → 415; both in Chinese', async () => {
  const before = await snapshot();
  const rss = process.memoryUsage().rss;
  const big = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: s.admin, file: { bytes: new Uint8Array(60 * 1024 * 1024), name: 'big.xlsx' } });
  table.push(`| 60 MB upload | ${big.status} | ${big.body.error} |`);
  expect(big.status).toBe(413);
  expect(big.body.error).toContain('上传的内容过大');
  const wrong = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: s.admin, headers: { 'content-type': 'application/xml' } });
  table.push(`| wrong content type | ${wrong.status} | ${wrong.body.error} |`);
  expect(wrong.status).toBe(415);
  await after(before, rss);
});

test('formula, DDE and HTML payloads in every text field are accepted as text and exported as text', async () => {
  const payloads = ['=HYPERLINK("http://evil","点我")', "=cmd|' /C calc'!A0", '@SUM(1+1)', '+1+1', '-1+1', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];
  for (const p of payloads) {
    const sub = validSubmission({
      reporter: { unit: `${p}单位`, district: '东河区', contact: p, phone: '13912345678' },
      projects: [validProject(1, { enterprise: `${p}单位`, projectName: p, address: p, scale: p, leader: p, remark: p, notes: { 'A01-1': p } })],
    });
    const r = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: s.admin, json: sub });
    table.push(`| payload ${p.replace(/\|/g, '\\|')} in every text field | ${r.status} | 作为文字接收 |`);
    expect(r.status).toBe(201);
    const detail = (await s.call<{ submission: { projects: Array<{ projectName: string; notes: Record<string, string> }> } }>('GET', `/api/v1/submissions/${r.body.id}`, { token: s.admin })).body;
    expect(detail.submission.projects[0]!.projectName).toBe(p);
    expect(detail.submission.projects[0]!.notes['A01-1']).toBe(p);
  }
  const master = (await s.call('GET', '/api/v1/master.xlsx', { token: s.admin })).body as unknown as Buffer;
  expect(formulas(master)).toEqual([]);
  const values = [...sheetValues(master, '附件2汇总').values()];
  for (const p of payloads) expect(values).toContain(p);
});

test('path traversal in the file name is neutralised; emoji and rare CJK names are accepted', async () => {
  const rare = '𠀀𪚥鿏🏗️红旗建设';
  const file = await fillWorkbook(await buildTemplate({ projects: 3 }), { ...REPORTER, unit: rare }, [{ fields: projectFields(1, { enterprise: rare, projectName: `${rare}工地🚧` }) }]);
  const r = await s.call<{ id: string; unit: string }>('POST', '/api/v1/submissions', { token: s.admin, file: { bytes: file, name: '../../../etc/passwd/..\\..\\x.xlsx' } });
  table.push(`| path traversal file name + rare CJK/emoji | ${r.status} | 接收，文件名保存为 x.xlsx |`);
  expect(r.status).toBe(201);
  expect(r.body.unit).toBe(rare);
  const detail = (await s.call<{ versions: Array<{ fileName: string }> }>('GET', `/api/v1/submissions/${r.body.id}`, { token: s.admin })).body;
  expect(detail.versions[0]!.fileName).toBe('x.xlsx');
});
