/** Input files for the CLI: expands folders into the spreadsheets inside them and reads each one. */
import fs from 'node:fs';
import path from 'node:path';

const SPREADSHEET = /\.(xlsx|xlsm|csv|xls)$/i;

export function expandInputs(inputs: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string) => {
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (!stat) return missing.push(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort((a, b) => a.localeCompare(b, 'zh-CN'))) {
        if (name.startsWith('~$') || name.startsWith('.')) continue; // Excel lock files, hidden files
        const child = path.join(p, name);
        if (fs.statSync(child).isDirectory()) walk(child);
        else if (SPREADSHEET.test(name)) files.push(child);
      }
    } else files.push(p);
    return undefined;
  };
  inputs.forEach(walk);
  return { files, missing };
}

/** Exit codes: 0 read (issues may exist), 1 usage or write problems, 2 input could not be read. */
export const EXIT = { ok: 0, failed: 1, unreadable: 2 } as const;
