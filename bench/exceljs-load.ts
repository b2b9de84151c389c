/**
 * The baseline a plain script would be: load every .xlsx of a folder with exceljs (no validation, no writing). Run as
 * its own process by `npm run bench`, next to `redsite merge` over the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  let sheets = 0;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.xlsx'))) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(path.join(dir, f)) as unknown as ArrayBuffer);
    sheets += wb.worksheets.length;
  }
  process.stdout.write(`${sheets}\n`);
}

void main();
