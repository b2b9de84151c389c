/** Locates the installation's root (package.json) from the sources or from dist/. */
import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('找不到 redsite 的安装目录（package.json）');
    dir = up;
  }
  root = dir;
  return dir;
}
