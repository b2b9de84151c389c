/** core/evidence.ts: types by bytes (never by name), Office containers, refusals, capture times and pack names. */
import { zipSync, strToU8 } from 'fflate';
import { classifyCfb, classifyZip, criterionLabel, evidenceFileName, exifDateTime, projectFolderName, safeComponent, sniffEvidence, EVIDENCE_MSG } from '../../core/evidence';
import { currentRubric } from '../../core/rubric';
import shortLabels from '../../templates/rubric/2024-short.json';
import { docx, heicHeader, pdf, photo, pngImage } from '../helpers/evidence';

const rubric = currentRubric();
const head = (b: Uint8Array) => b.subarray(0, 1024);

test('recognised by content: JPEG, PNG, PDF (also after leading junk), zip and CFB containers', async () => {
  const jpg = await photo({ width: 32, height: 32 });
  expect(sniffEvidence(head(jpg), jpg.length, 'x.pdf')).toEqual({ kind: 'jpeg' });
  const png = await pngImage(8, 8);
  expect(sniffEvidence(head(png), png.length, 'x.jpg')).toEqual({ kind: 'png' });
  expect(sniffEvidence(head(pdf()), 100, 'scan.jpg')).toEqual({ kind: 'pdf' });
  const junkFirst = Buffer.concat([Buffer.alloc(200, 0x20), pdf()]);
  expect(sniffEvidence(head(junkFirst), junkFirst.length, 'a')).toEqual({ kind: 'pdf' });
  const word = await docx();
  expect(sniffEvidence(head(word), word.length, 'a')).toEqual({ kind: 'zip' });
  expect(sniffEvidence(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 8, 'a')).toEqual({ kind: 'cfb' });
});

test('refusals say what the file is and what to do', () => {
  expect(sniffEvidence(new Uint8Array(0), 0, 'a.jpg')).toEqual({ refused: EVIDENCE_MSG.empty('a.jpg') });
  expect(sniffEvidence(heicHeader(), 4000, 'IMG_1.HEIC')).toEqual({ refused: EVIDENCE_MSG.heic('IMG_1.HEIC') });
  const avif = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif', 'latin1'), Buffer.alloc(20)]);
  expect(sniffEvidence(avif, avif.length, 'a.avif')).toEqual({ refused: '“a.avif”是 AVIF 图片，不能作为佐证：请转换为 JPEG 或 PNG 后上传' });
  const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(20)]);
  expect(sniffEvidence(mp4, mp4.length, '视频.mp4')).toEqual({ refused: EVIDENCE_MSG.unknown('视频.mp4') });
  expect(sniffEvidence(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 20, 'a.webp')).toEqual({ refused: EVIDENCE_MSG.otherImage('a.webp', 'WebP') });
  expect(sniffEvidence(Buffer.from('MZ\x90\x00'), 4, '照片.jpg.exe')).toEqual({ refused: EVIDENCE_MSG.unknown('照片.jpg.exe') });
  // Long or strange names are quoted short and without control characters.
  expect(EVIDENCE_MSG.empty(`${'长'.repeat(100)}\u0007.jpg`)).toBe(`“${'长'.repeat(59)}…”是空文件：请重新选择`);
});

test('Office containers: OOXML by its main part, 97-2003 by stream names, encrypted and plain zips refused', () => {
  expect(classifyZip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml'], 'a')).toEqual({ kind: 'docx' });
  expect(classifyZip(['[Content_Types].xml', 'xl/workbook.xml'], 'a')).toEqual({ kind: 'xlsx' });
  expect(classifyZip(['[Content_Types].xml', 'ppt/presentation.xml'], 'a')).toEqual({ kind: 'pptx' });
  expect(classifyZip(['photos/1.jpg'], '照片.zip')).toEqual({ refused: EVIDENCE_MSG.zip('照片.zip') });
  expect(classifyZip(['[Content_Types].xml', 'mimetype'], 'a.odt')).toEqual({ refused: EVIDENCE_MSG.zip('a.odt') });
  const cfb = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from(stream, 'utf16le')]);
  expect(classifyCfb(cfb('WordDocument'), 'a')).toEqual({ kind: 'doc' });
  expect(classifyCfb(cfb('Workbook'), 'a')).toEqual({ kind: 'xls' });
  expect(classifyCfb(cfb('PowerPoint Document'), 'a')).toEqual({ kind: 'ppt' });
  expect(classifyCfb(cfb('EncryptionInfo'), '合同.docx')).toEqual({ refused: EVIDENCE_MSG.encrypted('合同.docx') });
  expect(zipSync({ 'a.txt': strToU8('x') }).length).toBeGreaterThan(0);
});

test('EXIF capture times as written by cameras', () => {
  expect(exifDateTime('2024:05:20 10:31:00')).toBe('2024-05-20 10:31:00');
  expect(exifDateTime('2024:05:20 10:31')).toBe('2024-05-20 10:31:00');
  expect(exifDateTime('0000:00:00 00:00:00')).toBeUndefined();
  expect(exifDateTime('    ')).toBeUndefined();
  expect(exifDateTime(new Date())).toBeUndefined();
});

test('pack names: criterion, short label, number; folders safe on every file system', () => {
  expect(Object.keys(shortLabels.labels)).toEqual(rubric.criteria.map((c) => c.id));
  for (const label of Object.values(shortLabels.labels)) expect(label.length).toBeLessThanOrEqual(8);
  expect(evidenceFileName(rubric, 'A01-1', 1, 'jpeg')).toBe('A01-1_挂牌公示_1.jpg');
  expect(evidenceFileName(rubric, 'C01-1', 2, 'pdf')).toBe('C01-1_施工许可证_2.pdf');
  expect(criterionLabel(rubric, 'Z99-1')).toBe('');
  expect(projectFolderName('东河区', '某公司', '北梁/棚改:一期*')).toBe('东河区-某公司-北梁_棚改_一期_');
  expect(safeComponent('..\\..\\etc')).toBe('__.._etc');
  expect(safeComponent('  ')).toBe('_');
  expect(safeComponent('名称。 . ')).toBe('名称。');
});
