/**
 * Hostile or wrong evidence files through the real server: each gets a Chinese 4xx naming the file and what to do,
 * nothing of the request is stored (all or nothing), no temporary file is left, and the server keeps answering.
 */
import fs from 'node:fs';
import path from 'node:path';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { attach, heicHeader, pdf, photo, plainZip, pngBomb, pngImage } from '../helpers/evidence';


let s: TestServer;
let unit: string;
let sub: ReturnType<typeof validSubmission>;
const MB = 1024 * 1024;

beforeAll(async () => {
  s = await testServer({ limits: { evidenceFileBytes: 2 * MB, evidenceUnitBytes: 3 * MB, evidenceFilesPerRequest: 5 } });
  unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  sub = validSubmission({ projects: [validProject(1, { answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
});
afterAll(() => s.close());

/** A JPEG whose frame header (SOF0) claims other dimensions than its data. */
function claimSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1]!;
    const len = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('no SOF');
}

const cfb = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from(stream, 'utf16le'), Buffer.alloc(1024)]);

const stored = () => {
  const root = path.join(s.dataDir, 'evidence');
  return fs.readdirSync(root).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => fs.readdirSync(path.join(root, d)));
};

test.each<[string, number, () => Promise<Buffer> | Buffer, string, string | RegExp]>([
  ['decompression bomb (PNG, 30000 × 30000 in a few hundred KB)', 422, () => pngBomb(30000), '炸弹.png', '“炸弹.png”的尺寸异常（30000 × 30000 像素，上限 12000 万像素），不是正常的照片：请上传手机或相机拍摄的原图'],
  ['JPEG header claiming 65000 × 65000', 422, async () => claimSize(await photo(), 65000, 65000), '巨图.jpg', /巨图\.jpg”的尺寸异常（65000 × 65000 像素/],
  ['truncated photo', 422, async () => (await photo({ width: 1200, height: 900 })).subarray(0, 30_000), '半张.jpg', '“半张.jpg”图片不完整或已损坏，无法读取：请从相册重新选择原图，或重新拍摄后上传'],
  ['truncated PNG', 422, async () => (await pngImage(800, 600)).subarray(0, 600), '截断.png', /截断\.png”图片不完整或已损坏/],
  ['random bytes named .jpg', 415, () => Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251)), '照片.jpg', '“照片.jpg”不是可接受的佐证格式（按文件内容识别，与扩展名无关）：请上传照片（JPEG、PNG）、PDF 或 Office 文档（Word、Excel、PowerPoint）'],
  ['HEIC from an iPhone', 415, () => heicHeader(), 'IMG_1234.HEIC', /IMG_1234\.HEIC”是 HEIC\/HEIF 格式的照片（苹果手机默认格式），服务器无法读取：请在手机“设置 → 相机 → 格式”中选择“兼容性最佳”/],
  ['GIF', 415, () => Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;', 'latin1'), '动图.gif', '“动图.gif”是 GIF 图片，不能作为佐证：请转换为 JPEG 或 PNG 后上传'],
  ['zip that is not an Office file', 415, () => plainZip(), '照片.zip', '“照片.zip”是压缩包，不是 Office 文档：请解压后逐个上传其中的照片或文件'],
  ['password-protected Office file', 415, () => cfb('EncryptedPackage'), '合同.docx', '“合同.docx”设置了打开密码，审核人无法查看：请取消密码后另存再上传'],
  ['empty file', 415, () => Buffer.alloc(0), '空.jpg', '“空.jpg”是空文件：请重新选择'],
  ['over the per-file limit', 413, () => Buffer.concat([pdf(), Buffer.alloc(2 * MB)]), '大文件.pdf', '“大文件.pdf”超过单个佐证文件的上限 2.0 MB：请压缩照片或拆分文档后再上传'],
])('%s → %i with a Chinese reason, nothing stored, server fine', async (_name, status, make, fileName, message) => {
  const bytes = await make();
  const before = stored();
  const [r, health] = await Promise.all([attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes, name: fileName }]), s.call('GET', '/healthz')]);
  expect(r.status).toBe(status);
  if (typeof message === 'string') expect(r.body.error).toBe(message);
  else expect(r.body.error).toMatch(message);
  expect(health.body).toMatchObject({ ok: true });
  expect((await s.call('GET', '/healthz')).status).toBe(200);
  expect(stored()).toEqual(before);
  expect(fs.readdirSync(path.join(s.dataDir, 'evidence', 'tmp'))).toEqual([]);
});

test('one bad file among good ones: nothing of the request is stored, every bad file is named', async () => {
  const good = await photo({ seed: 5 });
  const r = await attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes: good, name: '好.jpg' }, { bytes: heicHeader(), name: 'a.heic' }, { bytes: pngBomb(20000), name: 'b.png' }]);
  expect(r.status).toBe(415);
  expect(r.body.error).toMatch(/^2 个文件不能作为佐证，本次没有保存任何文件：“a\.heic”是 HEIC/);
  expect(r.body.issues!.map((i) => i.message.slice(0, 8))).toEqual(['“a.heic”', '“b.png”的']);
  expect((await s.call<{ items: unknown[] }>('GET', `/api/v1/submissions/${sub.submissionId}/evidence`, { token: unit })).body.items).toEqual([]);
  expect(stored()).toEqual([]);
});

test('too many files in one request, and the per-unit limit', async () => {
  const six = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => photo({ width: 64, height: 48, seed })));
  const many = await attach(s, unit, sub.submissionId, 1, 'A01-1', six.map((bytes, i) => ({ bytes, name: `${i}.jpg` })));
  expect([many.status, many.body.error]).toEqual([413, '一次最多上传 5 个佐证文件：请分批上传']);

  // 3 MB per unit: two 1.2 MB files fit, the third does not; the same content again costs nothing.
  const big = (n: number) => Buffer.concat([pdf(`file ${n}`), Buffer.alloc(1.2 * MB, n)]);
  expect((await attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes: big(1), name: '1.pdf' }, { bytes: big(2), name: '2.pdf' }])).status).toBe(201);
  expect((await attach(s, unit, sub.submissionId, 1, 'A01-2', [{ bytes: big(1), name: '1again.pdf' }])).status).toBe(201);
  const full = await attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes: big(3), name: '3.pdf' }]);
  expect([full.status, full.body.error]).toEqual([413, '本单位的佐证材料已有 2.4 MB，加上这次的 1.2 MB 超过上限 3.0 MB：请先删除不需要的文件']);
  // The 秘书处 (or the unit's 旗县区) uploading for the unit is told whose limit it is, not “本单位”.
  const forIt = await attach(s, s.admin, sub.submissionId, 1, 'A01-1', [{ bytes: big(3), name: '3.pdf' }]);
  expect([forIt.status, forIt.body.error]).toEqual([413, '“包头市第一建筑工程有限公司”的佐证材料已有 2.4 MB，加上这次的 1.2 MB 超过上限 3.0 MB：请先删除不需要的文件']);
  expect(fs.readdirSync(path.join(s.dataDir, 'evidence', 'tmp'))).toEqual([]);
  expect((await s.call('GET', '/healthz')).body).toMatchObject({ ok: true });
});
