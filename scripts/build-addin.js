// Bundles the task pane (addin/src) into addin/dist with esbuild; the server serves that folder at /addin/.
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, '..');
const entry = path.join(root, 'addin', 'src', 'taskpane.ts');
if (!fs.existsSync(entry)) process.exit(0);
require('esbuild')
  .build({
    entryPoints: [entry],
    bundle: true,
    outfile: path.join(root, 'addin', 'dist', 'taskpane.js'),
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
