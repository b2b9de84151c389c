#!/usr/bin/env node
// Entry point of the `redsite` command: runs the compiled CLI (built by `npm ci` through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'index.js');
if (!fs.existsSync(entry)) {
  console.error('redsite 尚未编译：请在项目目录运行 npm ci（或 npm run build）后再试。');
  process.exit(2);
}
require(entry).main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
