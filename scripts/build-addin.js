// Bundles the browser code with esbuild: the task pane (addin/src → addin/dist, served at /addin/) and the dashboard
// (server/dashboard → server/dashboard/dist, served at /). Both import the browser-safe parts of core/.
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, '..');
const bundles = [
  [path.join(root, 'addin', 'src', 'taskpane.ts'), path.join(root, 'addin', 'dist', 'taskpane.js')],
  [path.join(root, 'server', 'dashboard', 'main.ts'), path.join(root, 'server', 'dashboard', 'dist', 'dashboard.js')],
].filter(([entry]) => fs.existsSync(entry));
Promise.all(
  bundles.map(([entry, outfile]) =>
    require('esbuild').build({
      entryPoints: [entry],
      bundle: true,
      outfile,
      platform: 'browser',
      target: 'es2020',
      format: 'iife',
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
).catch(() => process.exit(1));
