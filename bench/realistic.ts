/**
 * Benchmark inputs as units actually send them: the default template (10 project columns) as `redsite template`
 * distributes it, partly filled (1–5 projects, some answers left blank, a few notes) by a program, half of the variants
 * then re-saved by LibreOffice (as a unit using LibreOffice or WPS would). Every copy gets its own workbook id and its
 * own unit name, like a fresh download filled by a different unit. Files are cached under bench/out/ (git-ignored),
 * keyed by the generator's version, since the LibreOffice step takes a while.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildTemplate } from '../core/node/workbook/build';
import { FORM_COLUMNS, SHEETS, formCell, gridCell, REPORTER_CELLS } from '../core/workbook/contract';
import { ANSWER_OPTIONS, currentRubric } from '../core/rubric';
import { DISTRICTS } from '../core/districts';
import { rng } from './fixtures';

/** Bump when the generator changes so cached files are rebuilt. */
const GENERATOR = 'realistic-3';
const VARIANTS = 24;
/** Placeholder in every variant's unit name, replaced per copy by a 6-digit number (same length, so XML stays valid). */
const UNIT_TOKEN = 'Q00000';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g;

async function fill(template: Buffer, i: number): Promise<Buffer> {
  const rand = rng(1000 + i);
  const rubric = currentRubric();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  const answers = wb.getWorksheet(SHEETS.answers)!;
  const notes = wb.getWorksheet(SHEETS.notes)!;
  const district = DISTRICTS[i % DISTRICTS.length]!;
  const unit = `包头${UNIT_TOKEN}建筑工程有限公司`;
  const reporter: Record<string, string> = { unit, district, contact: '李红', phone: '13912345678', date: '2024-05-20' };
  for (const r of REPORTER_CELLS) if (reporter[r.field]) form.getCell(r.cell).value = reporter[r.field]!;
  const projects = 1 + Math.floor(rand() * 5);
  for (let p = 0; p < projects; p++) {
    const fields: Record<string, string> = {
      enterprise: unit, projectName: `${district}安置房${p + 1}号楼工程`, address: `${district}建设路${10 + p}号`, scale: `${2 + p}万平方米，地上${18 + p}层`,
      leader: '王建国', phone: p % 2 ? '0472-7100945' : '13847212345', startDate: `2023-0${1 + p}-01`, endDate: '2025-10-31', district,
    };
    for (const c of FORM_COLUMNS) if (fields[c.field]) form.getCell(formCell(p, c.field)).value = fields[c.field]!;
    for (const c of rubric.criteria) {
      if (rand() < 0.08) continue; // left blank
      answers.getCell(gridCell(c.index, p)).value = ANSWER_OPTIONS[Math.floor(rand() * ANSWER_OPTIONS.length)]!;
      if (rand() < 0.1) notes.getCell(gridCell(c.index, p)).value = `见${c.id}佐证照片及会议记录`;
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Re-saves all `files` through LibreOffice in one soffice run (private profile), returning the new bytes in order. */
function resaveAll(files: Buffer[]): Buffer[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-lo-'));
  const inDir = path.join(work, 'in');
  const outDir = path.join(work, 'out');
  fs.mkdirSync(inDir);
  const names = files.map((b, i) => {
    const name = `v${i}.xlsx`;
    fs.writeFileSync(path.join(inDir, name), b);
    return name;
  });
  try {
    execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${work}/profile`, '--convert-to', 'xlsx', '--outdir', outDir, ...names.map((n) => path.join(inDir, n))], { stdio: 'ignore', timeout: 600_000 });
    return names.map((n) => fs.readFileSync(path.join(outDir, n)));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

export interface Corpus {
  dir: string;
  files: string[];
  libreOffice: number;
}

/**
 * `count` files in `bench/out/<generator>-<count>/`: variants alternate exceljs-written and LibreOffice-re-saved; copy k
 * gets a fresh workbook id and the unit number k. Built once, reused by later runs.
 */
export async function realisticCorpus(count: number, root = path.join(__dirname, '..', '..', 'bench', 'out')): Promise<Corpus> {
  const dir = path.join(root, `${GENERATOR}-${count}`);
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.xlsx')).sort().map((f) => path.join(dir, f));
    return { dir, files, libreOffice: Number(fs.readFileSync(done, 'utf8')) };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const template = await buildTemplate();
  const written = await Promise.all(Array.from({ length: VARIANTS }, (_, i) => fill(template, i)));
  const lo = hasSoffice();
  const resaved = lo ? resaveAll(written.filter((_, i) => i % 2 === 1)) : [];
  const variants = written.map((b, i) => (lo && i % 2 === 1 ? resaved[(i - 1) / 2]! : b));
  const unpacked = variants.map((b) => unzipSync(b));
  const files: string[] = [];
  let fromLo = 0;
  for (let k = 0; k < count; k++) {
    const v = k % VARIANTS;
    if (lo && v % 2 === 1) fromLo++;
    const parts = { ...unpacked[v]! };
    const shared = strFromU8(parts['xl/sharedStrings.xml']!);
    if (!shared.includes(UNIT_TOKEN) || !new RegExp(UUID.source).test(shared)) throw new Error(`variant ${v}: unit placeholder or workbook id not in sharedStrings.xml`);
    parts['xl/sharedStrings.xml'] = strToU8(shared.replace(UUID, () => globalThis.crypto.randomUUID()).replaceAll(UNIT_TOKEN, `Q${String(k).padStart(5, '0')}`));
    const file = path.join(dir, `unit-${String(k).padStart(5, '0')}${lo && v % 2 === 1 ? '-lo' : ''}.xlsx`);
    fs.writeFileSync(file, zipSync(parts, { level: 6 }));
    files.push(file);
  }
  fs.writeFileSync(done, String(fromLo));
  return { dir, files, libreOffice: fromLo };
}
