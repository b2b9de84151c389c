/**
 * Reads a unit workbook back into a canonical Submission. Values only: formulas in input cells are issues, cached
 * results are ignored and every score is recomputed from the answers. Reads through the defined names and falls
 * back to the contract's fixed positions (found by their headers) when a program dropped the names.
 */
import ExcelJS from 'exceljs';
import { ANSWER_OPTIONS, rubricForEdition, type AnswerOption, type Rubric } from '../rubric';
import { makeIssue, validateSubmission, type Issue } from '../issues';
import { scoreProject } from '../score';
import { SUBMISSION_SCHEMA_ID } from '../schema';
import { MSG } from '../messages';
import { cleanText } from '../text';
import { FORM_COLUMNS, GRID, META, NAMES, REPORTER_CELLS, SHEETS, colLetter, makeLocator, type ProjectField } from './contract';
import { parseRef, readCell, type CellKind } from './cells';
import { rejected, summarize, type ParseResult } from './result';
import { parsePlainWorkbook } from './plain';

export type { ParseResult } from './result';

export const PARSE_MSG = {
  unreadable: '文件无法作为 Excel 工作簿（.xlsx）读取：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx 再上传',
  formula: (label: string) => `${label}单元格里是公式，请直接填写内容（系统不读取公式）`,
  noSheet: (name: string) => `找不到工作表《${name}》：请不要重命名或删除申报工作簿中的工作表`,
  unknownId: (id: string) => `《细则自评》A 列的编号 ${id} 不在评分细则中：请不要修改编号列`,
  missingId: (id: string) => `《细则自评》中缺少细则 ${id} 所在的行：请使用联盟下发的申报工作簿`,
  hashDiffers: (edition: string) => `工作簿中的细则文字与系统中的 ${edition} 版不完全一致，已按细则编号读取`,
  noEdition: '工作簿缺少评分细则版本信息（隐藏的 _meta 表）：请使用联盟下发的申报工作簿',
  notUnit: '这不是“红色工地”申报工作簿，也没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
} as const;

interface Area {
  ws: ExcelJS.Worksheet;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function nameArea(wb: ExcelJS.Workbook, name: string): Area | undefined {
  const ref = wb.definedNames.getRanges(name)?.ranges?.[0];
  const parsed = ref ? parseRef(ref) : undefined;
  const ws = parsed ? wb.getWorksheet(parsed.sheet) : undefined;
  return parsed && ws ? { ws, ...parsed } : undefined;
}

function readMeta(wb: ExcelJS.Workbook): Record<string, string> | undefined {
  const ws = wb.getWorksheet(SHEETS.meta);
  if (!ws) return undefined;
  const meta: Record<string, string> = {};
  for (let r = 1; r <= Math.min(ws.rowCount, 50); r++) {
    const key = readCell(ws.getCell(`${META.keyCol}${r}`)).value;
    if (key) meta[key] = cleanText(readCell(ws.getCell(`${META.valueCol}${r}`)).value);
  }
  return meta;
}

/** The 申报表 body: from rs_rows, else the row after the two header rows that start with 序号 / 企业名称. */
function formArea(wb: ExcelJS.Workbook, slots: number): Area | undefined {
  const named = nameArea(wb, NAMES.rows);
  if (named) return named;
  const ws = wb.getWorksheet(SHEETS.form);
  if (!ws) return undefined;
  for (let r = 1; r <= Math.min(ws.rowCount, 30); r++) {
    if (cleanText(readCell(ws.getCell(`A${r}`)).value) === '序号' && cleanText(readCell(ws.getCell(`B${r}`)).value) === '企业名称') {
      const top = r + 2;
      return { ws, top, left: 1, bottom: top + slots - 1, right: FORM_COLUMNS.length };
    }
  }
  return undefined;
}

function gridArea(wb: ExcelJS.Workbook, name: string, sheet: string, rubric: Rubric, slots: number): Area | undefined {
  const named = nameArea(wb, name);
  if (named) return named;
  const ws = wb.getWorksheet(sheet);
  if (!ws) return undefined;
  const first = rubric.criteria[0]!.id;
  for (let r = 1; r <= Math.min(ws.rowCount, 30); r++) {
    if (cleanText(readCell(ws.getCell(`${GRID.idCol}${r}`)).value) === first) {
      return { ws, top: r, left: GRID.firstProjectCol, bottom: r + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1 };
    }
  }
  return undefined;
}

const DATE_FIELDS = new Set<ProjectField>(['startDate', 'endDate']);
const kindOf = (field: ProjectField | 'date'): CellKind =>
  field === 'phone' ? 'phone' : DATE_FIELDS.has(field as ProjectField) || field === 'date' ? 'date' : field === 'seq' ? 'int' : 'text';

export async function parseWorkbook(data: Uint8Array, opts: { fileName?: string; district?: string } = {}): Promise<ParseResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ArrayBuffer);
  } catch {
    return rejected(PARSE_MSG.unreadable);
  }
  const meta = readMeta(wb);
  if (!meta && !wb.getWorksheet(SHEETS.answers)) {
    const plain = parsePlainWorkbook(wb, opts);
    return plain ?? rejected(PARSE_MSG.notUnit);
  }
  return readUnitWorkbook(wb, meta ?? {});
}

function readUnitWorkbook(wb: ExcelJS.Workbook, meta: Record<string, string>): ParseResult {
  const edition = meta.rubricEdition;
  if (!edition) return rejected(PARSE_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const cellIssues: Issue[] = [];
  if (meta.rubricHash && meta.rubricHash !== rubric.hash) {
    cellIssues.push({ severity: 'warning', sheet: SHEETS.answers, field: 'rubric.hash', message: PARSE_MSG.hashDiffers(edition) });
  }

  const declared = Number(meta.projects);
  const named = nameArea(wb, NAMES.answers);
  const slots = named ? named.right - named.left + 1 : Number.isInteger(declared) && declared > 0 ? declared : 10;
  const form = formArea(wb, slots);
  const answers = gridArea(wb, NAMES.answers, SHEETS.answers, rubric, slots);
  const notes = gridArea(wb, NAMES.notes, SHEETS.notes, rubric, slots);
  if (!form) return rejected(PARSE_MSG.noSheet(SHEETS.form));
  if (!answers) return rejected(PARSE_MSG.noSheet(SHEETS.answers));

  const read = (ws: ExcelJS.Worksheet, address: string, kind: CellKind, label: string): string => {
    const r = readCell(ws.getCell(address), kind);
    if (r.formula) cellIssues.push({ severity: 'error', sheet: ws.name, cell: address, field: 'cell', message: PARSE_MSG.formula(label) });
    if (r.numericPhone) cellIssues.push({ severity: 'warning', sheet: ws.name, cell: address, field: 'cell', message: MSG.phoneNotText(label) });
    return r.value;
  };

  // Reporter block: through its names, else the contract's cells.
  const reporter: Record<string, string> = {};
  for (const r of REPORTER_CELLS) {
    const area = nameArea(wb, r.name);
    const ws = area?.ws ?? form.ws;
    const address = area ? `${colLetter(area.left)}${area.top}` : r.cell;
    reporter[r.field] = read(ws, address, kindOf(r.field === 'date' ? 'date' : r.field === 'phone' ? 'phone' : 'enterprise'), r.label);
  }

  // Criterion of each answer row, read from the ID column (never assumed from the order).
  const idWs = nameArea(wb, NAMES.ids)?.ws ?? answers.ws;
  const rowIds: Array<string | undefined> = [];
  for (let i = 0; i <= answers.bottom - answers.top; i++) {
    const address = `${GRID.idCol}${answers.top + i}`;
    const id = cleanText(readCell(idWs.getCell(address)).value);
    if (!rubric.byId.has(id)) {
      cellIssues.push({ severity: 'error', sheet: idWs.name, cell: address, field: 'rs_ids', message: PARSE_MSG.unknownId(id || '（空）') });
      rowIds.push(undefined);
    } else rowIds.push(id);
  }
  for (const c of rubric.criteria) {
    if (!rowIds.includes(c.id)) cellIssues.push({ severity: 'error', sheet: answers.ws.name, field: 'rs_ids', message: PARSE_MSG.missingId(c.id) });
  }

  const projects: Array<Record<string, unknown>> = [];
  const usedSlots: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const row = form.top + slot;
    const fields: Record<string, string> = {};
    for (const [i, c] of FORM_COLUMNS.entries()) {
      const label = c.sub ?? c.header;
      fields[c.field] = read(form.ws, `${colLetter(form.left + i)}${row}`, kindOf(c.field), label);
    }
    const answerMap: Record<string, string> = {};
    const noteMap: Record<string, string> = {};
    const col = colLetter(answers.left + slot);
    rowIds.forEach((id, i) => {
      if (!id) return;
      const a = cleanText(read(answers.ws, `${col}${answers.top + i}`, 'text', `细则 ${id} 自评`));
      if (a) answerMap[id] = a;
      if (notes) {
        const n = cleanText(read(notes.ws, `${colLetter(notes.left + slot)}${notes.top + i}`, 'text', `细则 ${id} 佐证说明`));
        if (n) noteMap[id] = n;
      }
    });
    const hasContent = FORM_COLUMNS.some((c) => c.field !== 'seq' && cleanText(fields[c.field])) || Object.keys(answerMap).length > 0;
    if (!hasContent) continue;
    const { seq, remark, ...rest } = fields;
    projects.push({
      seq: cleanText(seq) === '' ? slot + 1 : seq,
      ...rest,
      ...(cleanText(remark) ? { remark } : {}),
      answers: answerMap,
      notes: noteMap,
    });
    usedSlots.push(slot);
  }

  const draft = {
    schema: SUBMISSION_SCHEMA_ID,
    submissionId: meta.submissionId,
    rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { ...reporter, ...(cleanText(reporter.date) ? {} : { date: undefined }) },
    projects,
    source: 'xlsx' as const,
  };
  const locate = makeLocator(rubric, usedSlots);
  const validation = validateSubmission(draft, rubric, locate);
  // A formula cell already has its own issue; “请填写…” on the same cell would only confuse.
  const formulaCells = new Set(cellIssues.filter((i) => i.field === 'cell' && i.severity === 'error').map((i) => `${i.sheet}!${i.cell}`));
  const issues = [...cellIssues, ...validation.issues.filter((i) => !formulaCells.has(`${i.sheet}!${i.cell}`))];
  if (projects.length > 0) {
    projects.forEach((p, i) => {
      if (Object.keys(p.answers as object).length === 0) {
        issues.push(makeIssue(draft, ['projects', i, 'answers'], `尚未自评：请在《细则自评》第 ${colLetter(answers.left + usedSlots[i]!)} 列逐条选择`, 'warning', locate));
      }
    });
  }
  const scores = projects.map((p) => scoreProject(validAnswers(p.answers as Record<string, string>), rubric));
  const hasError = issues.some((i) => i.severity === 'error');
  return { kind: 'unit', ...(validation.submission && !hasError ? { submission: validation.submission } : {}), scores, issues, projects: summarize(projects) };
}

function validAnswers(answers: Record<string, string>): Partial<Record<string, AnswerOption>> {
  const out: Partial<Record<string, AnswerOption>> = {};
  for (const [id, a] of Object.entries(answers)) if ((ANSWER_OPTIONS as readonly string[]).includes(a)) out[id] = a as AnswerOption;
  return out;
}

