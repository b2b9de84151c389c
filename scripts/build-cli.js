// Bundles the `redsite` command into one file, dist/cli/redsite.js, which bin/redsite.js runs (with a V8 code cache,
// see core/node/code-cache.ts). Starting node on a small machine takes ~100 ms; resolving and compiling ~170 separate modules
// (zod alone is 95 files) took as long again before `redsite score` read a byte. The bundle holds our code and the
// light libraries every command needs; the heavy or native ones (exceljs, better-sqlite3, sharp, express…) stay
// outside and load from node_modules when a command needs them, as before.
//
// Worker processes start from the files tsc writes to dist/ (core/node/workers/entry.js), which runs the parse
// handler from its own bundle, dist/core/node/workbook/parse-worker.bundle.js, with its own code cache (the other
// handlers load as separate modules). Code in a bundle that locates a file from its own __filename or __dirname is
// given the path its compiled copy has in dist/, so compiledScript() and projectRoot() find the same files as when
// run from dist/.
//
// Then the bundle is run once on a workbook made by `redsite template` so that bin/redsite.js writes the code cache
// (dist/cli/redsite.js.cache) of the functions `redsite score` runs, and `redsite merge` of it has a parse worker write
// the worker bundle's cache; without them the first run writes each instead.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const outfile = path.join(root, 'dist', 'cli', 'redsite.js');
/** The parse workers' handler, bundled the same way: core/node/workers/entry.ts runs it with its own code cache. */
const workerBundle = path.join(root, 'dist', 'core', 'node', 'workbook', 'parse-worker.bundle.js');
const pkg = require(path.join(root, 'package.json'));

/**
 * Libraries bundled: the ones `redsite score` and the command line itself load, and the ES-module-only ones
 * (htmlparser2). Every other dependency stays external and is loaded with require() when first needed: the bundle
 * runs through vm.Script (bin/redsite.js), where import() has no loader, so esbuild turns import() into require().
 */
const BUNDLED = ['commander', 'zod', 'yauzl', 'fflate', 'cli-table3', '@noble/hashes', 'csv-parse', 'htmlparser2', 'iconv-lite'];
const externalNames = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.includes(name));
const external = externalNames.flatMap((name) => [name, `${name}/*`]);

/** An ES-module-only dependency left external would fail at run time (require() of an ES module): say so now. */
function checkExternals() {
  for (const name of externalNames) {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
    if (manifest.type === 'module' && !JSON.stringify(manifest.exports ?? '').includes('"require"')) {
      throw new Error(`scripts/build-cli.js：${name} 只提供 ES 模块，请把它加入 BUNDLED（打包进 dist/cli/redsite.js）`);
    }
  }
}

/** `__filename` / `__dirname` of a project source file → the path of its compiled copy under dist/, at run time. */
const distPaths = (outfile) => ({
  name: 'dist-paths',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = path.relative(root, args.path);
      if (rel.startsWith('..') || rel.startsWith('node_modules')) return undefined;
      const source = fs.readFileSync(args.path, 'utf8');
      if (!/\b__(filename|dirname)\b/.test(source)) return { contents: source, loader: 'ts' };
      const fromBundle = (p) => JSON.stringify(path.relative(path.dirname(outfile), path.join(root, 'dist', p)));
      const file = rel.replace(/\.ts$/, '.js');
      const contents = source.replace(/\b__(filename|dirname)\b/g, (_, which) => `__redsiteDist(${fromBundle(which === 'filename' ? file : path.dirname(file))})`);
      return { contents, loader: 'ts' };
    });
  },
});

/**
 * A library required with require() resolves as if imported, so that a package with both an ES-module and a CommonJS
 * build (zod) is bundled once: one copy, one configuration (cli/commands/index.ts sets zod's for `score`).
 */
const oneCopy = {
  name: 'one-copy',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'require-call' && !args.path.startsWith('node:') ? build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir }) : undefined,
    );
  },
};

/** iconv-lite's code is bundled, its code-page tables (half a megabyte, read when a GBK file is decoded) are not. */
const iconvTables = {
  name: 'iconv-tables',
  setup(build) {
    build.onResolve({ filter: /^\.\/tables\/.*\.json$/ }, (args) =>
      /[\\/]iconv-lite[\\/]encodings$/.test(args.resolveDir) ? { path: `iconv-lite/encodings/${args.path.slice(2)}`, external: true } : undefined,
    );
  },
};

/**
 * fflate's build for node loads worker_threads when it starts, for its Async* functions, which no command calls (the
 * code uses unzipSync, zipSync, Inflate, Zip and the text helpers). Its browser build is the same code for all of
 * these and loads nothing: the bundle takes that one (worker_threads and its dependencies cost `score` ~5 ms).
 */
const fflateSync = {
  name: 'fflate-sync',
  setup(build) {
    build.onResolve({ filter: /^fflate$/ }, () => ({ path: path.join(root, 'node_modules', 'fflate', 'esm', 'browser.js') }));
  },
};

/** One bundle: `entry` (a .ts source) into `file`, with the libraries of BUNDLED inside. */
function bundleOne(entry, file) {
  return require('esbuild').build({
    entryPoints: [entry],
    bundle: true,
    outfile: file,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    supported: { 'dynamic-import': false },
    // Whitespace and syntax only: names stay as written (error names, stack traces, constructor names).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    external,
    plugins: [distPaths(file), fflateSync, oneCopy, iconvTables],
    banner: { js: '"use strict";const __redsiteDist=(p)=>require("node:path").join(__dirname,p);' },
    logLevel: 'warning',
  });
}

async function bundle() {
  checkExternals();
  await bundleOne(path.join(root, 'cli', 'index.ts'), outfile);
  await bundleOne(path.join(root, 'core', 'node', 'workbook', 'parse-worker.ts'), workerBundle);
}

/** Every code cache of `bundle` (`<bundle>.cache`, and `<bundle>.<flags>.cache` for other V8 flags). */
function removeCaches(bundle) {
  const name = path.basename(bundle);
  for (const file of fs.readdirSync(path.dirname(bundle)).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.cache'))) {
    fs.rmSync(path.join(path.dirname(bundle), file), { force: true });
  }
}

/**
 * One `redsite score` on a template workbook: bin/redsite.js writes the code cache when it has none. Then one
 * `redsite merge` of it: its parse worker writes the worker bundle's cache (for the flags workers start with).
 */
function warmCodeCache() {
  const bin = path.join(root, 'bin', 'redsite.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-build-'));
  try {
    const workbook = path.join(dir, 'template.xlsx');
    execFileSync(process.execPath, [bin, 'template', '-o', workbook], { stdio: 'ignore' });
    // Whatever cache `template` left (of its own functions) goes, and those of the previous bundle (made under other
    // flags): `score` writes the one short commands use.
    removeCaches(outfile);
    execFileSync(process.execPath, [bin, 'score', '--json', workbook], { stdio: 'ignore' });
    removeCaches(workerBundle);
    execFileSync(process.execPath, [bin, 'merge', workbook, '-o', path.join(dir, 'merged.xlsx')], { stdio: 'ignore' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

bundle()
  .then(warmCodeCache)
  .catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
