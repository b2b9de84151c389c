/**
 * The floor for reading a folder of workbooks: inflate every part of every .xlsx with fflate, nothing else. Run as
 * its own process by `npm run bench` so it is timed exactly like `redsite merge` (start-up included).
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';

const dir = process.argv[2]!;
let bytes = 0;
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.xlsx'))) {
  for (const part of Object.values(unzipSync(fs.readFileSync(path.join(dir, f))))) bytes += part.length;
}
process.stdout.write(`${bytes}\n`);
