/**
 * The 回执 as units really send it: a corpus of plain 附件2 tables built here in code — Excel (exceljs), Word
 * (the docx package), CSV in UTF-8 / GBK / GB18030 / UTF-16, LibreOffice conversions (.ods, .xls, CSV) —
 * each read through the guarded reader (format detection, zip inspection, worker) and asserted to its exact
 * projects or its exact message.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalMergeType } from 'docx';
import { parseUntrusted, closeDefaultPool, GUARD_MSG } from '../../../core/node/workbook/guard';
import { PARSE_MSG } from '../../../core/node/workbook/parse';
import { DOCX_MSG } from '../../../core/node/workbook/plain';
import { ODS_MSG } from '../../../core/node/workbook/ods';
import { buildTemplate } from '../../../core/node/workbook/build';
import type { ParseResult } from '../../../core/workbook/result';
import { convertWithLibreOffice } from '../../helpers/libreoffice';

afterAll(() => closeDefaultPool());

const HEAD = ['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期'];
const SITUATION = '昆区实验学校教学楼；地址：包头市昆都仑区阿尔丁大街；规模：建筑面积2.4万平方米';
const UNIT = '包头市第三建筑有限公司';
const PROJECT = ['昆区实验学校教学楼', '包头市昆都仑区阿尔丁大街', '建筑面积2.4万平方米', '王强', '13904721234'] as const;

type Expected = { unit: string; district: string; projects: Array<Array<string | number>>; warnings?: string[] } | { message: string };

/** The projects as [enterprise, projectName, address, scale, leader, phone, startDate, endDate, district]. */
function projectsOf(r: ParseResult) {
  return r.submission!.projects.map((p) => [p.enterprise, p.projectName, p.address, p.scale, p.leader, p.phone, p.startDate, p.endDate, p.district]);
}

const row = (start: string, end: string, district = '昆都仑区', enterprise = UNIT) => [enterprise, ...PROJECT, start, end, district];

async function xlsx(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Sheet1'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const simple = (period: string, extra: (ws: ExcelJS.Worksheet) => void = () => undefined) =>
  xlsx((ws) => {
    ws.addRow(HEAD);
    ws.addRow([1, UNIT, SITUATION, '王强', '13904721234', period]);
    extra(ws);
  });

const cell = (text: string, opts: { columnSpan?: number; verticalMerge?: (typeof VerticalMergeType)[keyof typeof VerticalMergeType] } = {}) =>
  new TableCell({ children: text.split('\n').map((l) => new Paragraph({ children: [new TextRun(l)] })), ...opts });

async function docx(children: Array<Paragraph | Table>): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

/** The 附件2 table as the notice's Word file has it: a title row, 项目情况 over three sub-columns, merged first columns. */
function noticeTable(rows: string[][], opts: { titleRow?: boolean; mergedEnterprise?: boolean } = {}): Table {
  const restart = { verticalMerge: VerticalMergeType.RESTART };
  const cont = { verticalMerge: VerticalMergeType.CONTINUE };
  const head = [
    new TableRow({ children: [cell('序号', restart), cell('企业名称', restart), cell('项目情况（包括地址、建设规模等）', { columnSpan: 3 }), cell('负责人', restart), cell('联系电话', restart), cell('开竣工日期', restart)] }),
    new TableRow({ children: [cell('', cont), cell('', cont), cell('项目名称'), cell('项目地址'), cell('建设规模'), cell('', cont), cell('', cont), cell('', cont)] }),
  ];
  const body = rows.map((r, i) =>
    new TableRow({
      children: r.map((t, c) => (opts.mergedEnterprise && c === 1 ? cell(i === 0 ? t : '', i === 0 ? restart : cont) : cell(t))),
    }),
  );
  return new Table({ rows: [...(opts.titleRow ? [new TableRow({ children: [cell('“七有一好八规范”红色工地创建申报表回执', { columnSpan: 8 })] })] : []), ...head, ...body] });
}

/** The 回执 with title lines, a 填报单位 line, two-level merged headers and a phone stored as a number. */
const mergedHeaders = () =>
  xlsx((ws) => {
    ws.getCell('A1').value = '附件2';
    ws.getCell('A2').value = '“七有一好八规范”红色工地创建申报表回执';
    ws.getCell('A3').value = '填报单位：包头市第三建筑有限责任公司（盖章）';
    ws.getCell('F3').value = '旗县区：青山区';
    ws.getRow(4).values = ['序 号', '企业名称', '项目情况（包括地址、建设规模等）', '', '', '负责人', '联系电话', '开竣工日期', ''];
    ws.getRow(5).values = ['', '', '项目名称', '项目地址', '建设规模', '', '', '开工日期', '竣工日期'];
    ws.mergeCells('C4:E4');
    ws.mergeCells('H4:I4');
    ws.getRow(6).values = [1, UNIT, ...PROJECT.slice(0, 4), 4725220621, new Date(Date.UTC(2024, 2, 1)), '2024年12月'];
  });
const MERGED_EXPECTED = { unit: '包头市第三建筑有限责任公司', district: '青山区', projects: [[UNIT, ...PROJECT.slice(0, 4), '04725220621', '2024-03-01', '2024-12-31', '青山区']], warnings: ['联系电话被存成了数字', '只写到月份'] };

const CSV = `${HEAD.join(',')}\n1,${UNIT},${SITUATION},王强,13904721234,2024.3.1-2024.12.30\n`;

interface Case {
  name: string;
  file: () => Promise<Uint8Array> | Uint8Array;
  fileName: string;
  district?: string;
  expect: Expected;
}

// Files converted by LibreOffice (one soffice run per target format), filled in beforeAll.
const converted: Record<string, Buffer> = {};

const cases: Case[] = [
  { name: 'xlsx: 2024.3-2024.12 (the next year’s “20” is not a day)', fileName: '昆都仑区-回执.xlsx', file: () => simple('2024.3-2024.12'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-31')], warnings: ['只写到月份'] } },
  { name: 'xlsx: 2024/3-2024/12', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024/3-2024/12'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-31')], warnings: ['只写到月份'] } },
  { name: 'xlsx: 2024.3 - 2024.12 (spaces)', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024.3 - 2024.12'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-31')], warnings: ['只写到月份'] } },
  { name: 'xlsx: 2024.3.1-2024.12.30', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024.3.1-2024.12.30'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  { name: 'xlsx: 2024年3月—2025年6月', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024年3月—2025年6月'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2025-06-30')], warnings: ['只写到月份'] } },
  { name: 'xlsx: 2024年3月1日-12月30日 (end year omitted)', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024年3月1日-12月30日'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')], warnings: ['竣工日期没有写年份，已按 2024 年读取'] } },
  { name: 'xlsx: 2024年10月1日-3月31日 (end year omitted, next year)', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024年10月1日-3月31日'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-10-01', '2025-03-31')], warnings: ['已按 2025 年读取'] } },
  { name: 'xlsx: 2024/03/01至2024/12/31', fileName: '回执.xlsx', district: '昆都仑区', file: () => simple('2024/03/01至2024/12/31'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-31')] } },
  {
    name: 'xlsx: 开竣工日期 merged over two cells (start and end separate, one a real date)', fileName: '回执.xlsx', district: '昆都仑区',
    file: () => xlsx((ws) => {
      ws.addRow([...HEAD, '']);
      ws.mergeCells('F1:G1');
      ws.addRow([1, UNIT, SITUATION, '王强', '13904721234', new Date(Date.UTC(2024, 2, 1)), '2024.12.30']);
    }),
    expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] },
  },
  {
    name: 'xlsx: title lines, 填报单位 (有限责任公司), two-level merged headers, phone stored as a number', fileName: '回执.xlsx',
    file: mergedHeaders,
    expect: MERGED_EXPECTED,
  },
  {
    name: 'xlsx: line breaks in cells (Alt+Enter), full-width header spaces', fileName: '回执.xlsx', district: '昆都仑区',
    file: () => xlsx((ws) => {
      ws.addRow(['序　号', '企 业 名 称', '项目情况', '负责人', '联系 电话', '开竣工时间']);
      ws.addRow([1, '包头市第三建筑\n有限公司', '昆区实验学校教学楼\n地址：包头市昆都仑区阿尔丁大街\n规模：建筑面积2.4万平方米', '王强', '13904721234', '2024.3.1-\n2024.12.30']);
    }),
    expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] },
  },
  {
    name: 'xlsx: two tables on one sheet', fileName: '回执.xlsx', district: '昆都仑区',
    file: () => xlsx((ws) => {
      ws.addRow(HEAD);
      ws.addRow([1, UNIT, SITUATION, '王强', '13904721234', '2024.3.1-2024.12.30']);
      ws.addRow([]);
      ws.addRow(['第二批']);
      ws.addRow(HEAD);
      ws.addRow([1, UNIT, '昆区体育馆；地址：包头市昆都仑区钢铁大街；规模：3万平方米', '李明', '0472-5220621', '2025.1.1-2025.10.31']);
    }),
    expect: {
      unit: UNIT, district: '昆都仑区',
      projects: [row('2024-03-01', '2024-12-30'), [UNIT, '昆区体育馆', '包头市昆都仑区钢铁大街', '3万平方米', '李明', '0472-5220621', '2025-01-01', '2025-10-31', '昆都仑区']],
    },
  },
  { name: 'xlsx: headers only, no project', fileName: '回执.xlsx', district: '昆都仑区', file: () => xlsx((ws) => ws.addRow(HEAD)), expect: { message: '找到了附件2表头，但表中没有填写任何项目' } },
  { name: 'xlsx: no 附件2 headers', fileName: '名单.xlsx', file: () => xlsx((ws) => ws.addRow(['姓名', '年龄'])), expect: { message: PARSE_MSG.notUnit } },
  {
    name: 'docx: the notice’s 附件2 table (title paragraphs, 填报单位, title row, merged headers, line breaks)', fileName: '回执.docx',
    file: () => docx([
      new Paragraph('附件2'),
      new Paragraph('“七有一好八规范”红色工地创建申报表回执'),
      new Paragraph('填报单位：包头市第三建筑有限责任公司（盖章）    联系人：王强'),
      noticeTable([['1', UNIT, '昆区实验学校\n教学楼', '包头市昆都仑区\n阿尔丁大街', '建筑面积2.4万平方米', '王强', '13904721234', '2024.3-\n2024.12']], { titleRow: true }),
    ]),
    district: '昆都仑区',
    expect: { unit: '包头市第三建筑有限责任公司', district: '昆都仑区', projects: [row('2024-03-01', '2024-12-31')], warnings: ['只写到月份'] },
  },
  {
    name: 'docx: one enterprise merged over two project rows', fileName: '东河区回执.docx',
    file: () => docx([
      noticeTable([
        ['1', UNIT, '北梁安置房1号楼', '包头市东河区北梁新区', '3.2万平方米', '王强', '13904721234', '2023.4.1-2025.10.31'],
        ['2', '', '北梁安置房2号楼', '包头市东河区北梁新区', '2.8万平方米', '李明', '0472-4123456', '2023年5月-2025年6月'],
      ], { mergedEnterprise: true }),
    ]),
    expect: {
      unit: UNIT, district: '东河区',
      projects: [
        [UNIT, '北梁安置房1号楼', '包头市东河区北梁新区', '3.2万平方米', '王强', '13904721234', '2023-04-01', '2025-10-31', '东河区'],
        [UNIT, '北梁安置房2号楼', '包头市东河区北梁新区', '2.8万平方米', '李明', '0472-4123456', '2023-05-01', '2025-06-30', '东河区'],
      ],
      warnings: ['只写到月份'],
    },
  },
  { name: 'docx: no table at all', fileName: '说明.docx', file: () => docx([new Paragraph('我单位申报红色工地，详见附件。')]), expect: { message: DOCX_MSG.noTable } },
  { name: 'csv: UTF-8 with BOM', fileName: '回执.csv', district: '昆都仑区', file: () => Buffer.from(`\ufeff${CSV}`), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  { name: 'csv: UTF-8 without BOM', fileName: '回执.csv', district: '昆都仑区', file: () => Buffer.from(CSV), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  { name: 'csv: GBK (Chinese Excel’s default)', fileName: '回执.csv', district: '昆都仑区', file: () => iconv.encode(CSV, 'gbk'), expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  {
    name: 'csv: GB18030 with a character outside GBK', fileName: '回执.csv', district: '昆都仑区', file: () => iconv.encode(CSV.replace('王强', '王𬍛'), 'gb18030'),
    expect: { unit: UNIT, district: '昆都仑区', projects: [[UNIT, ...PROJECT.slice(0, 3), '王𬍛', PROJECT[4], '2024-03-01', '2024-12-30', '昆都仑区']] },
  },
  {
    name: 'txt: Excel “Unicode 文本” (UTF-16LE, tab-separated)', fileName: '回执.txt', district: '昆都仑区',
    file: () => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(CSV.replace(/,/g, '\t'), 'utf-16le')]),
    expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] },
  },
  { name: 'csv: written by LibreOffice from the Excel 回执', fileName: '回执.csv', district: '昆都仑区', file: () => converted['lo-csv.xlsx']!, expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  { name: 'ods: saved by LibreOffice', fileName: '回执.ods', district: '昆都仑区', file: () => converted['lo-ods.xlsx']!, expect: { unit: UNIT, district: '昆都仑区', projects: [row('2024-03-01', '2024-12-30')] } },
  { name: 'ods: title lines, merged headers, phone as a number, saved by LibreOffice', fileName: '回执.ods', file: () => converted['lo-ods-merged.xlsx']!, expect: MERGED_EXPECTED },
  { name: 'ods: a redsite unit workbook saved as .ods', fileName: '申报.ods', file: () => converted['lo-ods-unit.xlsx']!, expect: { message: ODS_MSG.unitWorkbook } },
  { name: 'xls: saved by LibreOffice as Excel 97-2003', fileName: '回执.xls', file: () => converted['lo-xls.xlsx']!, expect: { message: GUARD_MSG.xls } },
  // The CFB container of Word 97-2003 (only LibreOffice Calc is installed for the tests, so it is built here).
  { name: 'doc: Word 97-2003', fileName: '回执.doc', file: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from('WordDocument', 'utf16le'), Buffer.alloc(1024)]), expect: { message: GUARD_MSG.doc } },
  { name: 'pdf', fileName: '回执.pdf', file: () => Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\n'), expect: { message: GUARD_MSG.pdf } },
  { name: 'photo (JPEG) of the 回执', fileName: '回执.jpg', file: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200)]), expect: { message: GUARD_MSG.image } },
  { name: 'scan (PNG)', fileName: '扫描件.png', file: () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200)]), expect: { message: GUARD_MSG.image } },
  { name: 'RAR archive', fileName: '附件.rar', file: () => Buffer.concat([Buffer.from('Rar!\x1a\x07\x00', 'latin1'), Buffer.alloc(100)]), expect: { message: GUARD_MSG.archive } },
];

beforeAll(async () => {
  const base = await simple('2024.3.1-2024.12.30');
  Object.assign(converted, await convertWithLibreOffice({ 'lo-csv.xlsx': base }, 'csv:Text - txt - csv (StarCalc):44,34,76'));
  Object.assign(converted, await convertWithLibreOffice({ 'lo-ods.xlsx': base, 'lo-ods-merged.xlsx': await mergedHeaders(), 'lo-ods-unit.xlsx': await buildTemplate({ projects: 2 }) }, 'ods'));
  Object.assign(converted, await convertWithLibreOffice({ 'lo-xls.xlsx': base }, 'xls'));
});

test('the corpus has at least 20 variants', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  const r = await parseUntrusted(await c.file(), { fileName: c.fileName, ...(c.district ? { district: c.district } : {}) });
  if ('message' in c.expect) {
    expect(r.submission).toBeUndefined();
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([c.expect.message]);
    return;
  }
  expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(r.kind).toBe('plain');
  expect({ unit: r.submission!.reporter.unit, district: r.submission!.reporter.district, projects: projectsOf(r) }).toEqual({ unit: c.expect.unit, district: c.expect.district, projects: c.expect.projects });
  const warnings = r.issues.filter((i) => i.severity === 'warning' && !i.message.includes('未自评')).map((i) => i.message);
  for (const w of c.expect.warnings ?? []) expect(warnings).toContainEqual(expect.stringContaining(w));
  if (!c.expect.warnings) expect(warnings).toEqual([]);
});
