/**
 * Jest runs the TypeScript sources through swc; `npm test` type-checks with tsc first.
 *
 * Projects, decided by what a test file uses (so a moved or new test lands in the right one by itself):
 * - browser: real Chromium (imports helpers/browser);
 * - interop: LibreOffice or xmllint (imports helpers/libreoffice or helpers/ooxml);
 * - stress: SIGKILL under load, hostile and zip-bomb files, a full disk (the files named in STRESS);
 * - server: a real server, the `redsite` command or worker processes (helpers/server, helpers/cli, server/index,
 *   child_process, the worker pool);
 * - unit: everything else — pure modules and in-process SQLite, seconds for the inner loop (`npm run test:unit`).
 * `npm test` runs them all.
 */
const fs = require('node:fs');
const path = require('node:path');

const STRESS = /test\/server\/(reliability|hostile|evidence-hostile|full-disk)\.test\.ts$/;
const KINDS = [
  ['browser', (src) => /helpers\/browser'/.test(src)],
  ['interop', (src) => /helpers\/(libreoffice|ooxml)'/.test(src)],
  ['stress', (_src, file) => STRESS.test(file)],
  ['server', (src) => /helpers\/(server|cli)'|server\/index'|node:child_process'|workers\/pool'|workbook\/pool'|\b(ParsePool|defaultPool|parseUntrusted)\b/.test(src)],
  ['unit', () => true],
];

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const byKind = Object.fromEntries(KINDS.map(([kind]) => [kind, []]));
for (const file of testFiles(path.join(__dirname, 'test'))) {
  const src = fs.readFileSync(file, 'utf8');
  const rel = path.relative(__dirname, file).split(path.sep).join('/');
  byKind[KINDS.find(([, is]) => is(src, rel))[0]].push(`<rootDir>/${rel}`);
}

const common = {
  testEnvironment: 'node',
  // One time limit for every test, generous: it catches hangs, not slowness (test/helpers/hang-timeout.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/hang-timeout.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleNameMapper: {
    // office-addin-mock pulls in office-addin-manifest, whose ESM-only dependency breaks under jest 30.
    '^office-addin-manifest$': '<rootDir>/node_modules/office-addin-manifest/lib/officeApp.js',
  },
};

module.exports = {
  // One temporary folder per run, removed at its end (test/helpers/temp-root.js).
  globalSetup: '<rootDir>/test/helpers/temp-root.js',
  globalTeardown: '<rootDir>/test/helpers/temp-root-teardown.js',
  projects: KINDS.map(([kind]) => ({ ...common, displayName: kind, rootDir: __dirname, testMatch: byKind[kind].length ? byKind[kind] : ['<rootDir>/test/__none__'] })),
  maxWorkers: 2,
};
