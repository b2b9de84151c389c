#!/usr/bin/env node
// Entry point of the `redsite` command: runs the bundled CLI, dist/cli/redsite.js (built by `npm ci` through the
// prepare script, scripts/build-cli.js), or the compiled modules under dist/cli/ when there is no bundle.
//
// The bundle is compiled with a V8 code cache (dist/cli/redsite.js.cache) so a short command such as
// `redsite score` does not spend its time compiling. The cache file starts with a header naming the bundle it was
// made from (byte length and CRC-32 of its text) and is used only for exactly that bundle; V8 itself refuses a cache
// of another node version or other flags. When the cache is missing or refused, it is written anew when the command
// ends (a temporary file renamed into place, so parallel runs never see half a file); a folder that cannot be written
// just means no cache. (CRC-32 from zlib, which the commands load anyway: node:crypto alone takes ~5 ms to load.)
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
  const { crc32 } = require('node:zlib');
  const Module = require('node:module');
  const bytes = fs.readFileSync(bundle);
  const source = bytes.toString('utf8');
  const cacheFile = `${bundle}.cache`;
  // 'RSC1', byte length, CRC-32: which bundle a cache belongs to (zlib.crc32 since node 20.15; before, no cache).
  const header = Buffer.alloc(12);
  let cachedData;
  if (typeof crc32 === 'function') {
    header.write('RSC1', 0, 'latin1');
    header.writeUInt32BE(bytes.length, 4);
    header.writeUInt32BE(crc32(bytes), 8);
    try {
      const cache = fs.readFileSync(cacheFile);
      if (cache.length > header.length && header.equals(cache.subarray(0, header.length))) cachedData = cache.subarray(header.length);
    } catch {
      // no cache yet
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (typeof crc32 === 'function' && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
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
