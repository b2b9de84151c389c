/**
 * Reading details and the contract's shapes, on real workbooks edited at the XML level the way other programs (or an
 * attacker) write them: phonetic runs, empty shared-string indices, sheets stored elsewhere in the package, defined
 * names pointing at the wrong place, megabyte strings echoed into issues.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildTemplate } from '../../../core/node/workbook/build';
import { parseWorkbook } from '../../../core/node/workbook/parse';
import { CONTRACT_MSG } from '../../../core/workbook/contract';
import { MORE_ISSUES_FIELD } from '../../../core/issues';
import { fillWorkbook, projectFields, REPORTER, spliceRowsAsExcel } from '../../helpers/workbook';
import { sheetPart } from '../../helpers/xlsx-xml';
import { bigGridWorkbook } from '../../../bench/hostile-files';
import { PARSE_MSG } from '../../../core/node/workbook/parse';


type Parts = Record<string, Uint8Array>;
let good: Buffer;
beforeAll(async () => {
  good = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到', 'A01-3': '未达到' } }]);
});

function edit(fn: (p: Parts) => void): Uint8Array {
  const p = unzipSync(good);
  fn(p);
  return zipSync(p);
}
const text = (p: Parts, part: string) => strFromU8(p[part]!);
const put = (p: Parts, part: string, xml: string) => (p[part] = strToU8(xml));
/** Replaces one cell element (self-closing or not) of a sheet part. */
const setCell = (p: Parts, part: string, ref: string, xml: string) => {
  const before = text(p, part);
  const after = before.replace(new RegExp(`<c r="${ref}"[^>]*?(?:/>|>.*?</c>)`), () => xml);
  if (after === before) throw new Error(`no cell ${ref} in ${part}`);
  put(p, part, after);
};
const setName = (p: Parts, name: string, ref: string) => {
  const before = text(p, 'xl/workbook.xml');
  const after = before.replace(new RegExp(`(<definedName name="${name}">)[^<]*(</definedName>)`), (_m, open: string, close: string) => `${open}${ref}${close}`);
  if (after === before) throw new Error(`no name ${name}`);
  put(p, 'xl/workbook.xml', after);
};

describe('cell values as other programs write them', () => {
  test('an inline string with a phonetic run reads as its base text only', async () => {
    const file = edit((p) => setCell(p, sheetPart(p, '细则自评'), 'E5', '<c r="E5" s="13" t="inlineStr"><is><r><t>部分</t></r><r><t>达到</t></r><rPh sb="0" eb="2"><t>BUFEN</t></rPh><rPh sb="2" eb="4"><t>DADAO</t></rPh></is></c>'));
    const r = await parseWorkbook(file);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.submission!.projects[0]!.answers).toEqual({ 'A01-1': '达到', 'A01-2': '部分达到', 'A01-3': '未达到' });
  });

  test('t="s" with an empty or missing <v> reads blank, not shared string #0', async () => {
    const file = edit((p) => {
      const part = sheetPart(p, '细则自评');
      setCell(p, part, 'E4', '<c r="E4" s="13" t="s"><v></v></c>');
      setCell(p, part, 'E6', '<c r="E6" s="13" t="s"/>');
    });
    const r = await parseWorkbook(file);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.submission!.projects[0]!.answers).toEqual({});
  });

  test('self-closing cells: a blank styled cell reads blank, a typed one is still read (a boolean FALSE is no option)', async () => {
    const file = edit((p) => {
      const part = sheetPart(p, '细则自评');
      setCell(p, part, 'E4', '<c r="E4" s="13"/>');
      setCell(p, part, 'E5', '<c r="E5" s="13" t="b"/>');
      setCell(p, part, 'E6', '<c r="E6" s="13" t="str"/>');
    });
    const r = await parseWorkbook(file);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({ sheet: '细则自评', cell: 'E5', message: expect.stringContaining('“FALSE”不是有效选项') as unknown }),
    ]);
  });

  test('malformed XML in a sheet is a refusal, not an exception', async () => {
    const r = await parseWorkbook(edit((p) => put(p, sheetPart(p, '细则自评'), text(p, sheetPart(p, '细则自评')).replace('</sheetData>', '</row></sheetData>'))));
    expect(r.kind).toBe('rejected');
    expect(r.issues[0]!.message).toMatch(/^文件无法作为 Excel 工作簿（.xlsx）读取/);
  });

  test('sheets found through the relationships, wherever the package stores them', async () => {
    const file = edit((p) => {
      const part = sheetPart(p, '细则自评');
      p['xl/sub/answers.xml'] = p[part]!;
      delete p[part];
      put(p, 'xl/_rels/workbook.xml.rels', text(p, 'xl/_rels/workbook.xml.rels').replace(`Target="${part.slice(3)}"`, 'Target="/xl/sub/answers.xml"'));
      put(p, '[Content_Types].xml', text(p, '[Content_Types].xml').replace(`PartName="/${part}"`, 'PartName="/xl/sub/answers.xml"'));
    });
    const r = await parseWorkbook(file);
    expect(r.submission!.projects[0]!.answers).toEqual({ 'A01-1': '达到', 'A01-3': '未达到' });
  });
});

describe('shared strings in every form other programs write them (items are decoded when a read cell uses them)', () => {
  const SST = 'xl/sharedStrings.xml';
  /** The items of the template's shared strings, as written (escaped text of one plain run each). */
  const items = (p: Parts) => [...text(p, SST).matchAll(/<si><t(?: xml:space="preserve")?>([^<]*)<\/t><\/si>/g)].map((m) => m[1]!);
  const withItems = (p: Parts, render: (item: string, i: number) => string, root = (body: string) => `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${body}</sst>`) =>
    put(p, SST, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${root(items(p).map(render).join(''))}`);
  /** The index of the item a cell the reader reads uses: the answer 达到 given to A01-1. */
  const answerItem = (p: Parts) => items(p).indexOf('达到');

  test('the template writes one plain run per item (what the other cases rewrite)', () => {
    const p = unzipSync(good);
    expect(items(p).length).toBe((text(p, SST).match(/<si>/g) ?? []).length);
    expect(answerItem(p)).toBeGreaterThanOrEqual(0);
  });

  const split = (t: string) => {
    const cut = t.startsWith('&') ? t.indexOf(';') + 1 : 1;
    return cut > 0 && cut < t.length ? [t.slice(0, cut), t.slice(cut)] : [t];
  };
  const variants: Array<[string, (p: Parts) => void]> = [
    ['rich text runs with formatting (LibreOffice, Excel)', (p) => withItems(p, (t) => `<si>${split(t).map((run, k) => `<r><rPr>${k ? '<b/>' : ''}<sz val="11"/><rFont val="宋体"/></rPr><t xml:space="preserve">${run}</t></r>`).join('')}</si>`)],
    ['prefixed elements', (p) => withItems(p, (t) => `<x:si><x:t>${t}</x:t></x:si>`, (body) => `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${body}</x:sst>`)],
    ['every character of every item as a character reference', (p) => withItems(p, (t) => `<si><t>${t.replace(/[^\p{ASCII}]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16)};`)}</t></si>`)],
    ['phonetic guides and attributes on <si>', (p) => withItems(p, (t) => `<si  ><t xml:space="preserve">${t}</t><rPh sb="0" eb="1"><t>ㄉㄚ</t></rPh><phoneticPr fontId="1"/></si >`)],
    ['end tags with white space before “>”, and elements whose names start with si between items', (p) => withItems(p, (t) => `<sis a="si"/><si\t><t>${t}</t></si\n><siX/>`)],
    ['phonetic guides holding “:si” and “<?xml” as text (read whole)', (p) => withItems(p, (t) => `<si><t>${t}</t><rPh sb="0" eb="1"><t>x:si &lt;?xml</t></rPh></si>`)],
    ['processing instructions inside items holding an item\'s end tag (read whole)', (p) => withItems(p, (t) => `<si><?note </si><si> ?><t>${t}</t></si>`)],
    ['comments between items and CDATA text (read whole)', (p) => withItems(p, (t, i) => `<!-- ${i} --><si><t><![CDATA[${t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')}]]></t></si>`)],
  ];
  test.each(variants)('%s: read exactly like the plain form', async (_name, rewrite) => {
    const plain = await parseWorkbook(good);
    const file = edit(rewrite);
    expect(text(unzipSync(file), SST)).not.toBe(text(unzipSync(good), SST));
    expect(await parseWorkbook(file)).toEqual(plain);
  });

  test('an empty item (<si/>) read by a cell is an empty cell', async () => {
    const file = edit((p) => withItems(p, (t, i) => (i === answerItem(p) ? '<si/>' : `<si><t>${t}</t></si>`)));
    const r = await parseWorkbook(file);
    expect(r.submission!.projects[0]!.answers['A01-1']).toBeUndefined();
    expect(r.submission!.projects[0]!.answers['A01-3']).toBe('未达到');
  });

  test.each([
    ['a tag left open', '<si><t>达到</b></si>'],
    ['a character XML forbids', '<si><t>达\u0001到</t></si>'],
    ['an unknown entity', '<si><t>&nbsp;达到</t></si>'],
    ['an item that never ends', '<si><t>达到</t>'],
  ])('an item a read cell uses with %s: the file is refused as unreadable', async (_name, bad) => {
    const file = edit((p) => {
      const at = answerItem(p);
      withItems(p, (t, i) => (i === at ? bad : `<si><t>${t}</t></si>`));
    });
    expect(await parseWorkbook(file)).toEqual({ kind: 'rejected', projects: [], scores: [], issues: [{ severity: 'error', field: 'file', message: PARSE_MSG.unreadable }] });
  });

  test('a broken item that no read cell uses is never decoded: the file reads as before', async () => {
    const plain = await parseWorkbook(good);
    const file = edit((p) => put(p, SST, text(p, SST).replace('</sst>', '<si><t>说明</b></si></sst>')));
    expect(await parseWorkbook(file)).toEqual(plain);
  });
});

describe('defined names are checked against the contract before any cell is read', () => {
  test.each([
    ['rs_answers over a whole sheet', 'rs_answers', "'细则自评'!$E$4:$XFD$1048576", '《细则自评》中 55 行 × 1 至 50 列的区域'],
    ['rs_answers over 200,000 rows', 'rs_answers', "'细则自评'!$E$4:$G$200003", '《细则自评》中 55 行 × 1 至 50 列的区域'],
    ['rs_answers with 51 project columns', 'rs_answers', "'细则自评'!$E$4:$BC$58", '《细则自评》中 55 行 × 1 至 50 列的区域'],
    ['rs_answers on another sheet', 'rs_answers', "'佐证说明'!$E$4:$G$58", '《细则自评》中 55 行 × 1 至 50 列的区域'],
    ['rs_ids two columns wide', 'rs_ids', "'细则自评'!$A$4:$B$58", '《细则自评》中 55 行 × 1 列的编号列'],
    ['rs_rows with 12 columns', 'rs_rows', "'申报表'!$A$7:$L$9", '《申报表》中 1 至 50 行 × 11 列的区域'],
    ['rs_rows over 1,000 rows', 'rs_rows', "'申报表'!$A$7:$K$1006", '《申报表》中 1 至 50 行 × 11 列的区域'],
    ['rs_unit as a range', 'rs_unit', "'申报表'!$B$3:$C$3", '《申报表》中的一个单元格'],
  ])('%s → one refusal naming the name and the expected shape', async (_label, name, ref, expected) => {
    const r = await parseWorkbook(edit((p) => setName(p, name, ref.replace(/'/g, '&apos;'))));
    expect(r.kind).toBe('rejected');
    expect(r.issues).toEqual([{ severity: 'error', field: 'names', message: CONTRACT_MSG.shape(name, ref, expected) }]);
  });

  test('without names, a _meta sheet declaring a billion projects is refused instead of read', async () => {
    const file = edit((p) => {
      put(p, 'xl/workbook.xml', text(p, 'xl/workbook.xml').replace(/<definedName name="rs_[^"]+">[^<]*<\/definedName>/g, ''));
      const meta = sheetPart(p, '_meta');
      // The value next to the key “projects” becomes an inline number.
      const xml = text(p, meta);
      const row = /<row r="(\d+)"[^>]*>(?:(?!<\/row>).)*?<c r="A\1"[^>]*t="s"[^>]*><v>(\d+)<\/v><\/c>/g;
      const strings = [...text(p, 'xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
      const hit = [...xml.matchAll(row)].find((m) => strings[Number(m[2])] === 'projects');
      if (!hit) throw new Error('no projects row in _meta');
      setCell(p, meta, `B${hit[1]}`, `<c r="B${hit[1]}"><v>1000000000</v></c>`);
    });
    const r = await parseWorkbook(file);
    expect(r.issues).toEqual([{ severity: 'error', field: 'names', message: CONTRACT_MSG.projects(1_000_000_000, 50) }]);
  });
});

describe('names moved by rows inserted in Excel: the cells read and the cells named are where the names point', () => {
  test('a row inserted above 细则自评’s grid: the same answers, blank answers marked one row down', async () => {
    const before = await parseWorkbook(good);
    const moved = await parseWorkbook(await spliceRowsAsExcel(good, '细则自评', 1, 1));
    expect(moved.submission).toEqual(before.submission);
    const blank = (r: typeof before) => r.issues.find((i) => i.field === 'projects.0.answers')!;
    expect([blank(before).cell, blank(before).cells!.slice(0, 2)]).toEqual(['E5', ['E7', 'E8']]);
    expect([blank(moved).cell, blank(moved).cells!.slice(0, 2)]).toEqual(['E6', ['E8', 'E9']]);
  });

  test('a row inserted above 申报表: each field’s issue names its moved cell, 填报信息 included', async () => {
    const bad = await fillWorkbook(await buildTemplate({ projects: 3 }), { ...REPORTER, phone: '1' }, [{ fields: projectFields(1, { leader: '' }) }]);
    const at = (r: Awaited<ReturnType<typeof parseWorkbook>>) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.sheet}!${i.cell} ${i.field}`);
    expect(at(await parseWorkbook(bad))).toEqual(['申报表!I3 reporter.phone', '申报表!F7 projects.0.leader']);
    expect(at(await parseWorkbook(await spliceRowsAsExcel(bad, '申报表', 2, 2)))).toEqual(['申报表!I5 reporter.phone', '申报表!F9 projects.0.leader']);
  });
});

describe('rows or columns inserted or deleted inside a table: said so, with the name, its rows and what to do', () => {
  const messages = async (file: Uint8Array) => (await parseWorkbook(file)).issues.map((i) => i.message);

  test('a criterion row inserted or deleted inside 细则自评 or 佐证说明 (a grid name one row longer or shorter)', async () => {
    expect(await messages(edit((p) => setName(p, 'rs_answers', "'细则自评'!$E$4:$G$59")))).toEqual([
      '《细则自评》的细则表格（工作簿名称 rs_answers：第 4 至 59 行，共 56 行）应为 55 行，每条细则一行：可能在表格中插入或删除了整行。请撤销刚才的插入或删除后再试（不适用的细则请选“不适用”，不要删除它的行）',
    ]);
    expect(await messages(edit((p) => setName(p, 'rs_notes', "'佐证说明'!$E$4:$G$57")))).toEqual([
      '《佐证说明》的细则表格（工作簿名称 rs_notes：第 4 至 57 行，共 54 行）应为 55 行，每条细则一行：可能在表格中插入或删除了整行。请撤销刚才的插入或删除后再试（不适用的细则请选“不适用”，不要删除它的行）',
    ]);
  });

  test('a name split around inserted cells (several areas) is not taken for deleted cells', async () => {
    expect(await messages(edit((p) => setName(p, 'rs_answers', "'细则自评'!$E$4:$G$9,'细则自评'!$E$11:$G$59")))).toEqual([
      "工作簿名称 rs_answers 指向的区域被分成了几块（'细则自评'!$E$4:$G$9,'细则自评'!$E$11:$G$59）：可能在表格中插入或删除了整行或整列。请撤销刚才的操作后再试",
    ]);
  });

  test('a project column inserted in 佐证说明 only: its columns no longer pair with 细则自评’s', async () => {
    expect(await messages(edit((p) => setName(p, 'rs_notes', "'佐证说明'!$E$4:$H$58")))).toEqual([
      '《佐证说明》的项目列（工作簿名称 rs_notes：E 至 H 列，共 4 列）与《细则自评》的项目列（rs_answers：E 至 G 列，共 3 列）数目不同：可能在其中一张表的项目列中插入或删除了整列。每个项目在两张表中各占一列，请撤销刚才的插入或删除后再试',
    ]);
  });

  test('a project table longer than a workbook may hold: rows inserted, not the name edited', async () => {
    expect(await messages(edit((p) => setName(p, 'rs_rows', "'申报表'!$A$7:$K$57")))).toEqual([
      '《申报表》的项目表格（工作簿名称 rs_rows：第 7 至 57 行，共 51 行）超过了 50 行：可能在表格中插入了整行。请撤销刚才的插入后再试',
    ]);
  });
});

test('a 1 MB shared string in all 55 criterion-ID cells: issues quote excerpts, the result stays small', async () => {
  const file = edit((p) => {
    const sst = text(p, 'xl/sharedStrings.xml');
    const index = (sst.match(/<si>/g) ?? []).length;
    put(p, 'xl/sharedStrings.xml', sst.replace('</sst>', `<si><t>${'编'.repeat(1024 * 1024)}</t></si></sst>`));
    const part = sheetPart(p, '细则自评');
    for (let row = 4; row <= 58; row++) setCell(p, part, `A${row}`, `<c r="A${row}" t="s"><v>${index}</v></c>`);
  });
  const r = await parseWorkbook(file);
  expect(r.submission).toBeUndefined();
  const idIssues = r.issues.filter((i) => i.field === 'rs_ids');
  expect(idIssues.length).toBeGreaterThanOrEqual(55);
  expect(idIssues[0]!.message).toBe(`《细则自评》A 列的编号 ${'编'.repeat(20)}…（共 1048576 字） 不在评分细则中：请不要修改编号列`);
  expect(r.issues.length).toBeLessThanOrEqual(201);
  expect(r.issues.some((i) => i.field === MORE_ISSUES_FIELD) || r.issues.length <= 200).toBe(true);
  expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThan(64 * 1024);
});

test('a workbook that is not ours is read as a 附件2 table only when it is table-sized', async () => {
  const file = bigGridWorkbook(300, 40, ['序号', '企业名称']);
  const r = await parseWorkbook(file, { limits: { plainSheetBytes: 64 * 1024 } });
  expect(r.issues).toEqual([{ severity: 'error', field: 'file', message: expect.stringMatching(/^这不是“红色工地”申报工作簿，其中的表格又过大（\d+ KB，按附件2回执读取的上限为 64 KB）/) }]);
  expect(PARSE_MSG.plainTooLarge('1 KB', '2 KB')).toContain('请只保留申报表回执所在的工作表');
  // Within the limit it is read (and found not to be a 附件2 table).
  expect((await parseWorkbook(file)).issues[0]!.message).toBe(PARSE_MSG.notUnit);
});
