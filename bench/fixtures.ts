/** Benchmark inputs: filled unit workbooks (3 projects each), generated in code with a seeded generator. */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildTemplate } from '../core/node/workbook/build';
import { FORM_COLUMNS, SHEETS, formCell, gridCell, REPORTER_CELLS } from '../core/workbook/contract';
import { ANSWER_OPTIONS, currentRubric } from '../core/rubric';
import { DISTRICTS } from '../core/districts';

export const PROJECTS = 3;
const rubric = currentRubric();

/** A small seeded generator (mulberry32), so benchmark inputs are the same on every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function variant(template: Buffer, i: number): Promise<Buffer> {
  const rand = rng(i + 1);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  const district = DISTRICTS[i % DISTRICTS.length]!;
  const values: Record<string, string> = { unit: `第${i + 1}建筑公司`, district, contact: '李红', phone: '13912345678', date: '' };
  for (const r of REPORTER_CELLS) if (values[r.field]) form.getCell(r.cell).value = values[r.field]!;
  for (let p = 0; p < PROJECTS; p++) {
    const fields: Record<string, string> = {
      enterprise: values.unit!, projectName: `安置房${p + 1}号楼`, address: `${district}某路${p + 1}号`, scale: '3万平方米', leader: '王建国',
      phone: '0472-7100945', startDate: '2023-04-01', endDate: '2025-10-31', district,
    };
    for (const c of FORM_COLUMNS) if (fields[c.field]) form.getCell(formCell(p, c.field)).value = fields[c.field]!;
    for (const c of rubric.criteria) if (rand() > 0.1) wb.getWorksheet(SHEETS.answers)!.getCell(gridCell(c.index, p)).value = ANSWER_OPTIONS[Math.floor(rand() * 4)]!;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 1,000 files from 20 filled variants, each copy with its own submission ID (patched in place, like a fresh download). */
export async function generate(dir: string, count: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const template = await buildTemplate({ projects: PROJECTS });
  const variants = await Promise.all(Array.from({ length: 20 }, (_, i) => variant(template, i)));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts = unzipSync(variants[i % variants.length]!);
    const xml = strFromU8(parts['xl/sharedStrings.xml']!);
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/.exec(xml)![0];
    parts['xl/sharedStrings.xml'] = strToU8(xml.replace(id, globalThis.crypto.randomUUID()));
    const file = path.join(dir, `unit-${String(i).padStart(4, '0')}.xlsx`);
    fs.writeFileSync(file, zipSync(parts));
    files.push(file);
  }
  return files;
}

