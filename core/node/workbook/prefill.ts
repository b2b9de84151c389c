/**
 * A blank unit workbook that already names its 填报单位 and 所属旗县区 (what a signed-in unit downloads), with a
 * workbook id of its own: the generated template with the two reporter cells typed in.
 */
import ExcelJS from 'exceljs';
import { REPORTER_CELLS, SHEETS } from '../../workbook/contract';
import { buildTemplate } from './build';

export interface Prefill {
  unit?: string;
  district?: string;
  projects?: number;
}

export async function prefilledTemplate(p: Prefill): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await buildTemplate({ projects: p.projects })) as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  for (const r of REPORTER_CELLS) {
    const v = r.field === 'unit' ? p.unit : r.field === 'district' ? p.district : undefined;
    if (v) form.getCell(r.cell).value = v;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
