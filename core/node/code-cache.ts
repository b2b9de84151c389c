/**
 * Runs a bundled CommonJS file (made by scripts/build-cli.js) through vm.Script with a V8 code cache, for processes
 * that start often and should not spend their start compiling: the `redsite` command (bin/redsite.js) and the parse
 * workers (workers/entry.ts). A parse worker that loaded ~170 separate modules from node_modules (zod alone is 95
 * files) took ~170 ms before its first file, as long again as starting node; from its bundle with a cache, ~45 ms.
 *
 * The cache file starts with a header naming the bundle it was made from (byte length and CRC-32 of its text) and is
 * used only for exactly that bundle; V8 itself refuses a cache made by another node version or under other V8 flags.
 * When there is none, or it was refused, the caller saves a new one once the code has run (`save`): V8 then also
 * keeps the bytecode of the functions that ran, so they are not compiled again either. A folder that cannot be
 * written just means no cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import Module from 'node:module';
import zlib from 'node:zlib';

/** zlib.crc32 came with node 20.15: before it, no cache (the code still runs). */
const crc32: ((data: Buffer | string) => number) | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

export interface CachedBundle {
  /** What the bundle exports. */
  exports: unknown;
  /** No usable cache was found: `save()` once the code has run. */
  stale: boolean;
  /** Writes the cache (a temporary file renamed into place, so parallel processes never read half a file). */
  save(): void;
}

/** 'RSC1', byte length, CRC-32: which bundle a cache belongs to. */
function headerOf(bytes: Buffer, crc: (data: Buffer) => number): Buffer {
  const header = Buffer.alloc(12);
  header.write('RSC1', 0, 'latin1');
  header.writeUInt32BE(bytes.length, 4);
  header.writeUInt32BE(crc(bytes), 8);
  return header;
}

interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
}

/** Loads `file` as a CommonJS module (its `require` resolves from its own folder), with the cache in `cacheFile`. */
export function loadBundle(file: string, cacheFile: string, parent?: NodeJS.Module): CachedBundle {
  const bytes = fs.readFileSync(file);
  const header = crc32 ? headerOf(bytes, crc32) : undefined;
  let cachedData: Buffer | undefined;
  try {
    const cache = header ? fs.readFileSync(cacheFile) : undefined;
    if (header && cache && cache.length > header.length && header.equals(cache.subarray(0, header.length))) cachedData = cache.subarray(header.length);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  const dir = path.dirname(file);
  const mod = new Module(file, parent as Module | undefined);
  mod.filename = file;
  mod.paths = (Module as unknown as ModuleInternals)._nodeModulePaths(dir);
  mod.loaded = true;
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dir);
  return {
    exports: mod.exports,
    stale: header !== undefined && (!cachedData || script.cachedDataRejected === true),
    save() {
      if (!header) return;
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
    },
  };
}

/**
 * The cache file of a bundle run under this process's V8 flags: one per set of flags (a worker's heap limit is one),
 * so processes started with different flags do not keep replacing each other's cache.
 */
export function cacheFileFor(file: string, execArgv: readonly string[] = process.execArgv): string {
  if (execArgv.length === 0 || !crc32) return `${file}.cache`;
  return `${file}.${crc32(execArgv.join('\0')).toString(16).padStart(8, '0')}.cache`;
}
