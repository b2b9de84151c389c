/**
 * The browser-safe part of core stays browser-safe: the lint rule refuses the Node part (core/node/), Node's modules
 * and Node-only libraries in the task pane, the dashboard and core outside core/node/; and the real browser bundles,
 * built the way the build builds them, contain nothing from core/node/ or from a Node-only library.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** Lints `code` as if it were the file `file` of the repository; returns the ids of the rules it breaks. */
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const running = run(process.execPath, [eslint, '--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: root });
  running.child.stdin!.end(code);
  // eslint exits 1 when it finds problems: its report is on stdout either way.
  const { stdout } = await running.catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string | null }> }>;
  return result!.messages.map((m) => m.ruleId ?? 'parse');
}

const RULE = '@typescript-eslint/no-restricted-imports';

test.each([
  ['addin/src/probe.ts', "import { buildTemplate } from '../../core/node/workbook/build';\nexport const x = buildTemplate;\n"],
  ['addin/src/probe.ts', "import ExcelJS from 'exceljs';\nexport const x = ExcelJS;\n"],
  ['server/dashboard/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
  ['server/dashboard/probe.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"],
  ['core/workbook/probe.ts', "import { openXlsx } from '../node/workbook/xlsx-cells';\nexport const x = openXlsx;\n"],
  ['core/workbook/probe.ts', "import type { MergeEntry } from '../node/workbook/merge';\nexport type X = MergeEntry;\n"],
  ['core/probe.ts', "import yauzl from 'yauzl';\nexport const x = yauzl;\n"],
])('%s may not import: %s', async (file, code) => {
  expect(await lintAs(file, code)).toContain(RULE);
}, 60_000);

test('what browser code may import passes, and core/node/ may use Node', async () => {
  expect(await lintAs('addin/src/probe.ts', "import { colLetter } from '../../core/ooxml/address';\nimport type ExcelJS from 'exceljs';\nexport const x: ExcelJS.Cell | string = colLetter(3);\n")).toEqual([]);
  expect(await lintAs('core/node/workbook/probe.ts', "import fs from 'node:fs';\nimport ExcelJS from 'exceljs';\nexport const x = [fs, ExcelJS];\n")).toEqual([]);
}, 60_000);

test.each([
  ['task pane', 'addin/src/taskpane.ts'],
  ['dashboard', 'server/dashboard/main.ts'],
])('the %s bundle holds nothing of core/node/ or of a Node-only library', async (_name, entry) => {
  const out = await build({ entryPoints: [path.join(root, entry)], bundle: true, write: false, metafile: true, platform: 'browser', format: 'iife', logLevel: 'silent' });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.some((i) => i.startsWith('core/'))).toBe(true);
  expect(inputs.filter((i) => i.startsWith('core/node/') || /node_modules\/(exceljs|yauzl|mammoth|sharp|better-sqlite3|express|iconv-lite|csv-parse)\//.test(i))).toEqual([]);
}, 60_000);
