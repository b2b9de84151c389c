#!/usr/bin/env node
// Entry point of the `redsite` command: runs the bundled CLI, dist/cli/redsite.js (built by `npm ci` through the
// prepare script, scripts/build-cli.js), or the compiled modules under dist/cli/ when there is no bundle.
//
// The bundle runs with a V8 code cache (dist/cli/redsite.js.cache; see dist/core/node/code-cache.js) so a short
// command such as `redsite score` does not spend its time compiling. When the cache is missing or refused, it is
// written anew when the command ends.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const dist = path.join(__dirname, '..', 'dist', 'cli');
const bundle = path.join(dist, 'redsite.js');

function fail(err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

/** Whether the code cache was missing or refused: it is written when the command ends. */
let cacheStale = false;

/** Runs the bundle as a CommonJS module with its code cache; answers its exports. */
function loadBundle() {
  const { loadBundle: load, cacheFileFor } = require(path.join(dist, '..', 'core', 'node', 'code-cache.js'));
  const loaded = load(bundle, cacheFileFor(bundle), module);
  cacheStale = loaded.stale;
  if (loaded.stale) process.once('exit', () => loaded.save());
  return loaded.exports;
}

let cli;
if (fs.existsSync(bundle)) cli = loadBundle();
else if (fs.existsSync(path.join(dist, 'index.js'))) cli = require(path.join(dist, 'index.js'));
else {
  console.error('redsite 尚未编译：请在项目目录运行 npm ci（或 npm run build）后再试。');
  process.exit(2);
}
// A one-shot command (`score`: one file read, printed, done) runs without V8's optimizing compiler, whose work would
// be ready only after the command (cli/commands/index.ts, oneShot). Not while the code cache is to be written: V8
// accepts a cache only under the flags it was made with, and the next run starts with the default ones.
if (!cacheStale && cli.oneShot(process.argv)) require('node:v8').setFlagsFromString('--no-opt');
cli.main(process.argv).catch(fail);
