/**
 * The 观摩 pack through the real server: a zip streamed to the 秘书处 with the shortlist and one folder per
 * shortlisted project (旗县区-单位-项目) holding 项目概况.xlsx and the evidence named by criterion; read back with an
 * independent zip reader (yauzl), photos without GPS, documents byte for byte.
 */
import ExcelJS from 'exceljs';
import exifr from 'exifr';
import yauzl from 'yauzl';
import zlib from 'node:zlib';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { currentRubric, type AnswerOption } from '../../core/rubric';
import { attach, docx, pdf, photo } from '../helpers/evidence';


const met = (): Record<string, AnswerOption> => Object.fromEntries(currentRubric().criteria.map((c) => [c.id, '达到' as AnswerOption]));

/** Every entry of a zip: name, whether the UTF-8 flag is set, and the bytes (sizes checked by yauzl, CRC here). */
function readZip(bytes: Buffer): Promise<Array<{ name: string; utf8: boolean; data: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Array<{ name: string; utf8: boolean; data: Buffer }> = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            // yauzl checks sizes, not checksums: compare the CRC-32 the zip declares with the bytes.
            if (zlib.crc32(Buffer.concat(chunks)) !== e.crc32) return reject(new Error(`CRC mismatch in ${e.fileName}`));
            out.push({ name: e.fileName, utf8: (e.generalPurposeBitFlag & 0x800) !== 0, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

let s: TestServer;
let ids: Record<string, string>;
const files: Record<string, Buffer> = {};
beforeAll(async () => {
  s = await testServer();
  ids = {};
  const plan: Array<[string, string]> = [['东河一建', '东河区'], ['青山建工', '青山区'], ['东河二建', '东河区']];
  for (const [unit, district] of plan) {
    const token = await s.user({ name: `${unit}填报员`, role: 'unit', district, unit });
    const sub = validSubmission({ reporter: { unit, district, contact: '甲', phone: '13912345678' }, projects: [validProject(1, { enterprise: unit, district, projectName: `${unit}/安置房*项目`, answers: met() })] });
    expect((await s.call('POST', '/api/v1/submissions', { token, json: sub })).status).toBe(201);
    ids[unit] = sub.submissionId;
    if (unit === '东河一建') {
      files.gps = await photo({ width: 1200, height: 900, capturedAt: '2024:05:20 10:31:00', gps: true, seed: 1 });
      files.second = await photo({ seed: 2 });
      files.pdf = pdf('permit');
      files.docx = await docx();
      expect((await attach(s, token, sub.submissionId, 1, 'A01-1', [{ bytes: files.gps, name: 'IMG_0001.jpg' }, { bytes: files.second, name: 'IMG_0002.jpg' }])).status).toBe(201);
      expect((await attach(s, token, sub.submissionId, 1, 'C01-1', [{ bytes: files.pdf, name: '施工许可证.pdf' }])).status).toBe(201);
      expect((await attach(s, token, sub.submissionId, 1, 'A02-1', [{ bytes: files.docx, name: '制度.docx' }])).status).toBe(201);
    }
    if (unit === '青山建工') expect((await attach(s, token, sub.submissionId, 1, 'A06-1', [{ bytes: await photo({ seed: 3 }), name: '活动室.jpg' }])).status).toBe(201);
    // 东河二建 is not approved: not in the shortlist.
    if (unit !== '东河二建') expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: s.admin })).status).toBe(200);
  }
});
afterAll(() => s.close());

test('pack: shortlist, one folder per project, summary and evidence named by criterion, no GPS', async () => {
  const r = await s.call('GET', '/api/v1/showcase/pack.zip', { token: s.admin });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/zip');
  expect(r.headers.get('content-disposition')).toContain(encodeURIComponent('红色工地观摩资料.zip'));
  const entries = await readZip(r.body as unknown as Buffer);
  const dh = '东河区-东河一建-东河一建_安置房_项目';
  const qs = '青山区-青山建工-青山建工_安置房_项目';
  expect(entries.map((e) => e.name)).toEqual([
    '观摩名单.xlsx',
    `${dh}/项目概况.xlsx`, `${dh}/A01-1_挂牌公示_1.jpg`, `${dh}/A01-1_挂牌公示_2.jpg`, `${dh}/A02-1_党建制度_1.docx`, `${dh}/C01-1_施工许可证_1.pdf`,
    `${qs}/项目概况.xlsx`, `${qs}/A06-1_党员活动室_1.jpg`,
  ]);
  expect(entries.every((e) => e.utf8)).toBe(true);
  const get = (name: string) => entries.find((e) => e.name === name)!.data;

  // Photos: GPS gone, capture time kept, still the full picture; documents exactly as uploaded.
  const photoOut = get(`${dh}/A01-1_挂牌公示_1.jpg`);
  expect(await exifr.gps(photoOut)).toBeUndefined();
  expect(((await exifr.parse(photoOut, { reviveValues: false })) as Record<string, unknown>).DateTimeOriginal).toBe('2024:05:20 10:31:00');
  expect(get(`${dh}/C01-1_施工许可证_1.pdf`).equals(files.pdf!)).toBe(true);
  expect(get(`${dh}/A02-1_党建制度_1.docx`).equals(files.docx!)).toBe(true);

  // The summary: 申报表 row and scores, 55 answers with their files, and a link per file.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(get(`${dh}/项目概况.xlsx`) as unknown as ArrayBuffer);
  const info = new Map<string, unknown>();
  wb.getWorksheet('项目概况')!.eachRow((row) => info.set(String(row.getCell(1).value), row.getCell(2).value));
  expect(info.get('填报单位')).toBe('东河一建');
  expect(info.get('项目名称')).toBe('东河一建/安置房*项目');
  expect(info.get('得分')).toBe(55);
  expect(info.get('得分率')).toBe('100.0%');
  expect(info.get('具备七有一好八规范')).toBe('是');
  expect(info.get('佐证文件')).toBe('4 个');
  const answers = wb.getWorksheet('细则自评')!;
  expect(answers.rowCount).toBe(56);
  expect(answers.getRow(2).values).toEqual([undefined, 'A01-1', '七有', '有组织', expect.stringContaining('挂牌公示'), '达到', '', 'A01-1_挂牌公示_1.jpg\nA01-1_挂牌公示_2.jpg']);
  const list = wb.getWorksheet('佐证文件')!;
  expect(list.getRow(2).getCell(1).value).toEqual({ text: 'A01-1_挂牌公示_1.jpg', hyperlink: 'A01-1_挂牌公示_1.jpg' });
  expect(list.getRow(2).getCell(3).value).toBe('IMG_0001.jpg');
  expect(list.getRow(2).getCell(6).value).toBe('2024-05-20 10:31:00');

  // The shortlist at the top.
  const top = new ExcelJS.Workbook();
  await top.xlsx.load(get('观摩名单.xlsx') as unknown as ArrayBuffer);
  expect(top.getWorksheet('观摩名单')!.getRow(5).getCell(9).value).toBe('东河一建');
});

test('pack per 旗县区, and only for the 秘书处', async () => {
  const r = await s.call('GET', `/api/v1/showcase/pack.zip?district=${encodeURIComponent('青山区')}`, { token: s.admin });
  expect(r.status).toBe(200);
  expect((await readZip(r.body as unknown as Buffer)).map((e) => e.name)).toEqual(['观摩名单.xlsx', '青山区-青山建工-青山建工_安置房_项目/项目概况.xlsx', '青山区-青山建工-青山建工_安置房_项目/A06-1_党员活动室_1.jpg']);
  const district = await s.user({ name: '东河区', role: 'district', district: '东河区' });
  expect((await s.call('GET', '/api/v1/showcase/pack.zip', { token: district })).status).toBe(403);
  expect((await s.call('GET', '/api/v1/showcase/pack.zip?limit=0', { token: s.admin })).status).toBe(400);
});

test('a one-time link lets the browser save the pack straight to disk', async () => {
  const t = await s.call<{ url: string }>('POST', '/api/v1/showcase/pack-ticket', { token: s.admin, json: { district: '青山区' } });
  expect(t.status).toBe(200);
  expect(t.body.url).toMatch(/^\/api\/v1\/showcase\/pack\.zip\?district=%E9%9D%92%E5%B1%B1%E5%8C%BA&ticket=[A-Za-z0-9_-]{32}$/);
  const first = await fetch(`${s.url}${t.body.url}`); // no Authorization header
  expect(first.status).toBe(200);
  expect((await readZip(Buffer.from(await first.arrayBuffer()))).map((e) => e.name)).toHaveLength(3);
  const again = await s.call('GET', t.body.url);
  expect([again.status, (again.body as { error: string }).error]).toEqual([401, '下载链接已失效（有效 2 分钟，只能使用一次）：请回到看板重新点击下载']);
  const district = await s.user({ name: '青山区', role: 'district', district: '青山区' });
  expect((await s.call('POST', '/api/v1/showcase/pack-ticket', { token: district, json: {} })).status).toBe(403);
  expect((await s.call('POST', '/api/v1/showcase/pack-ticket', { token: s.admin, json: { limit: 0 } })).status).toBe(400);
});
