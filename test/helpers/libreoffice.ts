/**
 * Runs LibreOffice headless to re-save a workbook, with a private profile that makes it recalculate every formula on
 * load (OOXMLRecalcMode=0), as a unit using LibreOffice or WPS would see the file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SOFFICE = process.env.REDSITE_SOFFICE ?? '/usr/bin/soffice';

export function hasLibreOffice(): boolean {
  return fs.existsSync(SOFFICE);
}

function profileDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-lo-'));
  fs.mkdirSync(path.join(dir, 'user'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'user', 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`,
  );
  return dir;
}

/**
 * Converts files with LibreOffice in one run (`soffice --convert-to <target>`), e.g. target 'ods', 'xls', 'doc' or
 * 'csv:Text - txt - csv (StarCalc):44,34,76' (UTF-8 CSV). Returns the converted bytes by input name (extension replaced).
 */
export async function convertWithLibreOffice(files: Record<string, Uint8Array>, target: string): Promise<Record<string, Buffer>> {
  if (!hasLibreOffice()) throw new Error(`找不到 LibreOffice（${SOFFICE}）：请先运行 bash .ci/run 安装系统依赖`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-lo-conv-'));
  const profile = profileDir();
  const ext = target.split(':')[0]!;
  try {
    fs.mkdirSync(path.join(work, 'in'));
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(work, 'in', name), bytes);
    await run(SOFFICE, ['--headless', '--norestore', `-env:UserInstallation=file://${profile}`, '--convert-to', target, '--outdir', path.join(work, 'out'), ...Object.keys(files).map((n) => path.join(work, 'in', n))], { timeout: 480_000 });
    return Object.fromEntries(Object.keys(files).map((n) => [n, fs.readFileSync(path.join(work, 'out', n.replace(/\.[^.]+$/, `.${ext}`)))]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Re-saves `input` (an .xlsx) through LibreOffice and returns the bytes it wrote. */
export async function resaveWithLibreOffice(input: Uint8Array, name = 'book.xlsx'): Promise<Buffer> {
  return (await convertWithLibreOffice({ [name]: input }, 'xlsx'))[name]!;
}

/** Renders `input` (an .xlsx) to PDF with LibreOffice, as printing it would; returns the PDF and its page count. */
export async function renderPdf(input: Uint8Array, name = 'book.xlsx'): Promise<{ pdf: Buffer; pages: number }> {
  const pdf = (await convertWithLibreOffice({ [name]: input }, 'pdf'))[name]!;
  return { pdf, pages: pdfPageCount(pdf) };
}

/** Page objects in a PDF as LibreOffice writes it (uncompressed object dictionaries). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
