/**
 * A fresh unit workbook holding a Submission (for units that sent JSON through the add-in and have no file on the
 * server): the template for the same submission ID, with every value typed into its input cell, and a locator for
 * placing issues on those cells.
 */
import ExcelJS from 'exceljs';
import { currentRubric, type Rubric } from '../../rubric';
import type { Submission } from '../../schema';
import type { Locator } from '../../issues';
import { buildTemplate } from './build';
import { FORM_COLUMNS, REPORTER_CELLS, SHEETS, formCell, gridCell, makeLocator } from '../../workbook/contract';
import { compactValidations } from './validations';

export async function fillTemplate(submission: Submission, rubric: Rubric = currentRubric()): Promise<{ bytes: Buffer; locate: Locator }> {
  const projects = Math.max(1, submission.projects.length);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await buildTemplate({ projects, submissionId: submission.submissionId, rubric })) as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  const answers = wb.getWorksheet(SHEETS.answers)!;
  const notes = wb.getWorksheet(SHEETS.notes)!;
  const reporter = submission.reporter as Record<string, unknown>;
  for (const r of REPORTER_CELLS) {
    const v = reporter[r.field];
    if (typeof v === 'string' && v) form.getCell(r.cell).value = v;
  }
  submission.projects.forEach((p, slot) => {
    const fields = p as unknown as Record<string, unknown>;
    for (const c of FORM_COLUMNS) {
      const v = fields[c.field];
      if (v !== undefined && v !== null && v !== '') form.getCell(formCell(slot, c.field)).value = c.field === 'seq' ? Number(v) : String(v);
    }
    for (const [id, a] of Object.entries(p.answers)) {
      const c = rubric.byId.get(id);
      if (c && a) answers.getCell(gridCell(c.index, slot)).value = a;
    }
    for (const [id, n] of Object.entries(p.notes)) {
      const c = rubric.byId.get(id);
      if (c && n) notes.getCell(gridCell(c.index, slot)).value = n;
    }
  });
  // Loading expands the template's validation ranges cell by cell; written back as such they would overlap again.
  for (const ws of wb.worksheets) compactValidations(ws);
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), locate: makeLocator(rubric, submission.projects.map((_, i) => i)) };
}
