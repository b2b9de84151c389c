/**
 * jest's globalSetup and globalTeardown (jest.config.js): every temporary folder a test makes lands in one folder of
 * this run, removed when the run ends. Tests make theirs with fs.mkdtempSync(path.join(os.tmpdir(), …)), and servers,
 * Chromium and LibreOffice they start write there too; left in the system's temp folder, a run's SQLite files,
 * workbooks and browser profiles added up (2.6 GB after a few days of runs on this machine). TMPDIR is what
 * os.tmpdir() answers; jest's workers and every process a test starts inherit it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const KEY = 'REDSITE_TEST_TMP_ROOT';

module.exports = async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-test-run-'));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
};

module.exports.teardown = async function teardown() {
  const root = process.env[KEY];
  if (root && path.basename(root).startsWith('redsite-test-run-')) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
};
