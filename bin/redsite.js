#!/usr/bin/env node
// Entry point of the `redsite` command: runs the bundled CLI, dist/cli/redsite.js (built by `npm ci` through the
// prepare script, scripts/build-cli.js), or the compiled modules under dist/cli/ when there is no bundle.
//
// The bundle is compiled with a V8 code cache (dist/cli/redsite.js.cache) so a short command such as
// `redsite score` does not spend its time compiling. The cache file starts with the sha256 of the bundle it was made
// from and is used only for exactly that bundle; V8 itself refuses a cache of another node version or other flags.
// When the cache is missing or refused, it is written anew when the command ends (a temporary file renamed into
// place, so parallel runs never see half a file); a folder that cannot be written just means no cache.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const dist = path.join(__dirname, '..', 'dist', 'cli');
const bundle = path.join(dist, 'redsite.js');

function fail(err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

/** Runs the bundle as a CommonJS module compiled through vm.Script with the code cache; answers its exports. */
function loadBundle() {
  const vm = require('node:vm');
  const { createHash } = require('node:crypto');
  const Module = require('node:module');
  const source = fs.readFileSync(bundle, 'utf8');
  const hash = createHash('sha256').update(source).digest();
  const cacheFile = `${bundle}.cache`;
  let cachedData;
  try {
    const cache = fs.readFileSync(cacheFile);
    if (cache.length > hash.length && hash.equals(cache.subarray(0, hash.length))) cachedData = cache.subarray(hash.length);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([hash, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // nothing to clean up
        }
      }
    });
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(dist);
  mod.loaded = true;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dist);
  return mod.exports;
}

let cli;
if (fs.existsSync(bundle)) cli = loadBundle();
else if (fs.existsSync(path.join(dist, 'index.js'))) cli = require(path.join(dist, 'index.js'));
else {
  console.error('redsite 尚未编译：请在项目目录运行 npm ci（或 npm run build）后再试。');
  process.exit(2);
}
cli.main(process.argv).catch(fail);
