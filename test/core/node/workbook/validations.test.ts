/**
 * Data validations in every workbook redsite writes, read from the sheet XML: no two sqref ranges intersect (exceljs
 * 4.4's optimiser would write E10:N58 next to E4:N58, issue #2820, and programs that take the first matching rule
 * lose the dropdown on the first rows), and every cell that needs a dropdown or a check has exactly one rule, of the
 * right kind. A unit's own validations pass through annotation untouched, and the annotated zip has no folder entries.
 */
import ExcelJS from 'exceljs';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { annotateWorkbook } from '../../../../core/node/workbook/annotate';
import { compactValidations, rectangles } from '../../../../core/node/workbook/validations';
import { FORM_COLUMNS, NAMES, REPORTER_CELLS, SHEETS, formCell, gridCell } from '../../../../core/workbook/contract';
import { colLetter } from '../../../../core/ooxml/address';
import { currentRubric } from '../../../../core/rubric';
import { generatedWorkbooks, type Generated } from '../../../helpers/generated';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';
import { resaveWithLibreOffice } from '../../../helpers/libreoffice';
import { dataValidations, overlaps, rulesAt, smlParts, sqrefRects, zipEntryNames, type Validation } from '../../../helpers/ooxml';


const rubric = currentRubric();
let generated: Generated[];

beforeAll(async () => {
  generated = await generatedWorkbooks();
});

/** Per sheet, every cell that must carry a rule and the rule it must be: type and formula1 for lists. */
function expectedRules(projects: number): Map<string, Map<string, string>> {
  const form = new Map<string, string>();
  const kind = { district: `list ${NAMES.districts}`, phone: 'textLength', date: 'date', startDate: 'date', endDate: 'date' } as Record<string, string>;
  for (const r of REPORTER_CELLS) if (kind[r.field]) form.set(r.cell, kind[r.field]!);
  for (let slot = 0; slot < projects; slot++) {
    for (const c of FORM_COLUMNS) if (kind[c.field]) form.set(formCell(slot, c.field), kind[c.field]!);
  }
  const answers = new Map<string, string>();
  for (const c of rubric.criteria) for (let slot = 0; slot < projects; slot++) answers.set(gridCell(c.index, slot), `list ${NAMES.options}`);
  return new Map([[SHEETS.form, form], [SHEETS.answers, answers]]);
}

const describeRule = (v: Validation) => (v.type === 'list' ? `list ${v.formula1}` : v.type);

/** Every cell a rule covers ("E4"). */
function cellsOf(v: Validation): string[] {
  return v.rects.flatMap((r) => {
    const out: string[] = [];
    for (let row = r.top; row <= r.bottom; row++) for (let col = r.left; col <= r.right; col++) out.push(`${colLetter(col)}${row}`);
    return out;
  });
}

test('every kind of workbook: no two data validation ranges on a sheet intersect', () => {
  expect(generated.map((g) => g.kind)).toHaveLength(11);
  for (const g of generated) {
    const sml = smlParts(g.bytes);
    for (const [sheet, part] of sml.sheets) {
      expect({ kind: g.kind, sheet, overlaps: overlaps(dataValidations(sml.parts, part)) }).toEqual({ kind: g.kind, sheet, overlaps: [] });
    }
  }
});

/** Rule problems of a unit workbook: required cells without exactly one rule of their kind, rules on other cells. */
function coverageProblems(bytes: Uint8Array, projects: number): Array<{ sheet: string; wrong: string[]; stray: string[] }> {
  const sml = smlParts(bytes);
  const expected = expectedRules(projects);
  const problems = [...sml.sheets].map(([sheet, part]) => {
    const list = dataValidations(sml.parts, part);
    const want = expected.get(sheet) ?? new Map<string, string>();
    const wrong: string[] = [];
    for (const [cell, rule] of want) {
      const got = rulesAt(list, cell).map(describeRule);
      if (got.length !== 1 || got[0] !== rule) wrong.push(`${cell}: ${got.join(' + ') || '无'}（应为 ${rule}）`);
    }
    // Only those cells carry a rule: 佐证说明, 得分汇总, labels and text cells have none.
    const stray = list.filter((v) => cellsOf(v).some((c) => !want.has(c))).map((v) => v.sqref);
    return { sheet, wrong, stray };
  });
  return problems.filter((p) => p.wrong.length || p.stray.length);
}


test('unit workbooks: each answer, date, phone and 旗县区 cell (projects and reporter block) has exactly one rule of its kind, and no other cell has one', () => {
  const units = generated.filter((g) => g.projects);
  expect(units.map((g) => g.projects)).toEqual([10, 1, 3, 50, 10, 3, 3, 3]);
  for (const g of units) {
    expect({ kind: g.kind, problems: coverageProblems(g.bytes, g.projects!) }).toEqual({ kind: g.kind, problems: [] });
  }
});

test('LibreOffice reads every rule on every cell: the template it re-saves has the same coverage', async () => {
  const g = generated.find((x) => x.kind === '模板（默认 10 个项目）')!;
  const resaved = await resaveWithLibreOffice(g.bytes);
  const sml = smlParts(resaved);
  expect(dataValidations(sml.parts, sml.sheets.get(SHEETS.answers)!).length).toBeGreaterThan(0);
  expect(coverageProblems(resaved, 10)).toEqual([]);
});

test('the default template writes each rule once for its whole range', () => {
  const g = generated.find((x) => x.kind === '模板（默认 10 个项目）')!;
  const sml = smlParts(g.bytes);
  const sqrefs = (sheet: string) => dataValidations(sml.parts, sml.sheets.get(sheet)!).map((v) => `${v.sqref} ${describeRule(v)}`).sort();
  expect(sqrefs(SHEETS.answers)).toEqual([`E4:N58 list ${NAMES.options}`]);
  expect(sqrefs(SHEETS.form)).toEqual([`E3 list ${NAMES.districts}`, 'G7:G16 textLength', 'H7:H16 date', 'I3 textLength', 'I7:I16 date', `J7:J16 list ${NAMES.districts}`, 'K3 date'].sort());
});

test('annotated workbooks are written without folder entries in the zip', () => {
  for (const g of generated.filter((x) => x.kind.startsWith('标注退回'))) {
    const names = zipEntryNames(g.bytes);
    expect(names.length).toBeGreaterThan(10);
    expect({ kind: g.kind, folders: names.filter((n) => n.endsWith('/')) }).toEqual({ kind: g.kind, folders: [] });
  }
});

test("annotation leaves a unit's own validations exactly as they were, overlaps included, and adds none", async () => {
  // A unit's copy saved by a program that splits ranges the way exceljs 4.4 does (what older templates carried).
  const own = await fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }]);
  const before = smlParts(own);
  const answersBefore = dataValidations(before.parts, before.sheets.get(SHEETS.answers)!);
  expect(overlaps(answersBefore).length).toBeGreaterThan(0);
  const annotated = annotateWorkbook(own, [
    { severity: 'error', sheet: SHEETS.answers, cell: 'E4', field: 'projects.0.answers.A01-1', message: '请补充佐证' },
    { severity: 'error', sheet: SHEETS.form, cell: 'G7', field: 'projects.0.phone', message: '电话有误' },
  ]);
  const after = smlParts(annotated);
  for (const [sheet, part] of before.sheets) {
    const raw = (p: Record<string, Uint8Array>, name: string) => Buffer.from(p[name]!).toString('utf8').match(/<dataValidations[\s\S]*?<\/dataValidations>/)?.[0]?.replace(/ xmlns(:\w+)?="[^"]*"/g, '') ?? '';
    expect({ sheet, rules: raw(after.parts, after.sheets.get(sheet)!) }).toEqual({ sheet, rules: raw(before.parts, part) });
  }
  expect(dataValidations(after.parts, after.sheets.get('问题清单')!)).toEqual([]);
});

describe('compactValidations', () => {
  const sqrefsOf = async (wb: ExcelJS.Workbook, sheet: string) => {
    const sml = smlParts(Buffer.from(await wb.xlsx.writeBuffer()));
    return dataValidations(sml.parts, sml.sheets.get(sheet)!);
  };
  const rule: ExcelJS.DataValidation = { type: 'list', allowBlank: true, formulae: ['rs_options'] };

  test('exceljs 4.4 alone writes overlapping ranges for per-cell rules (the reason for compactValidations); compacted, one range', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    for (let row = 4; row <= 12; row++) for (const col of ['E', 'F']) ws.getCell(`${col}${row}`).dataValidation = rule;
    expect(overlaps(await sqrefsOf(wb, 's'))).toEqual(['E10:F12 ∩ E4:F12']);
    compactValidations(ws);
    expect((await sqrefsOf(wb, 's')).map((v) => v.sqref)).toEqual(['E4:F12']);
  });

  test('irregular shapes, two rules and a cell set twice: disjoint rectangles covering exactly those cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    const other: ExcelJS.DataValidation = { type: 'textLength', operator: 'between', allowBlank: true, formulae: [7, 20] };
    const listed = ['B2', 'C2', 'D2', 'B3', 'D3', 'B4', 'C4', 'D4', 'B10', 'B11', 'C11', 'AA9', 'AB9'];
    for (const a of listed) ws.getCell(a).dataValidation = rule;
    for (const a of ['C3', 'B10']) ws.getCell(a).dataValidation = other; // B10 set again: the later rule wins
    // Equal rules written in another key order are the same rule.
    ws.getCell('E2').dataValidation = { formulae: ['rs_options'], allowBlank: true, type: 'list' };
    compactValidations(ws);
    const written = await sqrefsOf(wb, 's');
    expect(overlaps(written)).toEqual([]);
    const want = new Map([...listed.filter((a) => a !== 'B10').map((a): [string, string] => [a, 'list']), ['E2', 'list'], ['C3', 'textLength'], ['B10', 'textLength']]);
    const got = new Map(written.flatMap((v) => cellsOf(v).map((c): [string, string] => [c, v.type])));
    expect([...got].sort()).toEqual([...want].sort());
    expect(written).toHaveLength(8); // B2:B4 C2:E2 D3:D4 C4 B11:C11 AA9:AB9, C3, B10
  });

  test('rectangles() never overlap and cover exactly the given cells (random shapes)', () => {
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 200; round++) {
      const cells = new Map<string, { row: number; col: number }>();
      for (let i = 0; i < 40; i++) {
        const c = { row: 1 + Math.floor(rand() * 12), col: 1 + Math.floor(rand() * 12) };
        cells.set(`${c.row}:${c.col}`, c);
      }
      const rects = rectangles([...cells.values()]).map((s) => sqrefRects(s)[0]!);
      const covered = new Set<string>();
      let area = 0;
      for (const r of rects) {
        for (let row = r.top; row <= r.bottom; row++) for (let col = r.left; col <= r.right; col++) covered.add(`${row}:${col}`);
        area += (r.bottom - r.top + 1) * (r.right - r.left + 1);
      }
      // Covered cells are exactly the given ones, and no cell is counted twice (the areas add up): no overlap.
      expect({ round, covered: [...covered].sort(), area }).toEqual({ round, covered: [...cells.keys()].sort(), area: cells.size });
    }
  });
});
