#!/usr/bin/env node
// The CLI's script (package.json `bin`): starts the bundled CLI (./program.js) with V8's code cache.
//
// Most of a command's start is V8 compiling the CLI's ~1 MB of bundled JavaScript. The CLI is its
// own process, never a host's, so it may keep V8's compiled code between runs: Node ≥ 22.1 does
// this itself (module.enableCompileCache); on older Node each of the package's files is compiled
// here with the code cache V8 produced in an earlier run, kept in the OS cache directory
// ($XDG_CACHE_HOME or ~/.cache, under missionkit/<version>/), one file per source file. A cache
// file is named by the source's SHA-1 (computed by the build, so that no command hashes a megabyte
// before it starts) and by the file's path, size and modification time, the Node version and the
// architecture: an edited file, another install (whose stack traces must name its own files) or
// another Node never meets a stale cache. A cache is only ever an optimisation: V8 checks the data
// it is given and compiles from source when it rejects it, and any failure to read or write the
// directory (read-only, missing home) leaves the CLI running as if there were no cache.
'use strict';
const Module = require('node:module');
const path = require('node:path');

/**
 * Each of the package's CommonJS files' SHA-1, by path from dist/cjs: scripts/build.mjs writes the
 * object in place of this expression (which, unbuilt, gives no file a cache).
 */
const CONTENT_HASHES = JSON.parse('"__MISSIONKIT_CONTENT_HASHES__"');

/** FNV-1a, 64 bits as two 32-bit halves of different seeds, in hex: names a cache file by a short text. */
const fnv1a64 = (text) => {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
    b ^= b >>> 13;
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
};

/** Where this version's cache lives, or undefined when there is no home to put it in. */
const cacheDirectory = () => {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (!home) return undefined;
  // The package's version, written in by scripts/build.mjs.
  return path.join(home, 'missionkit', '__MISSIONKIT_VERSION__');
};

/**
 * Compiles each of the package's CommonJS files (this directory and its siblings: the CLI's chunks
 * and the vendored packages) through vm.Script with its cached data, the way Module#_compile
 * would; other files (a host's bullmq) are left to Node.
 */
const useCodeCache = (dir) => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const root = path.dirname(__dirname) + path.sep;
  /** The scripts compiled without an accepted cache: their cache is written at exit. */
  const toWrite = [];
  const main = require.main;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    return compileCached(this, content, filename);
  };
  const compileCached = (mod, content, filename) => {
    if (!filename.startsWith(root)) return compile.call(mod, content, filename);
    const built = CONTENT_HASHES[filename.slice(root.length).split(path.sep).join('/')];
    if (built === undefined) return compile.call(mod, content, filename);
    let stat;
    try {
      stat = fs.statSync(filename);
    } catch {
      return compile.call(mod, content, filename);
    }
    // A `#!` line is only valid at the very start of a script, and the wrapper comes before it.
    const source = Module.wrap(content.startsWith('#!') ? '//' + content.slice(2) : content);
    const where = [filename, stat.size, stat.mtimeMs, process.version, process.arch].join('\0');
    const file = path.join(dir, `${built}-${fnv1a64(where)}`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      // No cache yet (or none readable): compiled from source, cached at exit.
    }
    const script = new vm.Script(source, { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = main;
    require.cache = Module._cache;
    require.extensions = Module._extensions;
    return wrapper.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
  };
  // At exit the scripts hold the code of every function that ran, not just their top level.
  process.once('exit', () => {
    if (toWrite.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      for (const { script, file } of toWrite) {
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        // A rename, so a run reading the cache as this one writes it sees a whole file or none.
        fs.renameSync(temporary, file);
      }
    } catch {
      // Not writable: the next run compiles from source, as this one did.
    }
  });
};

// Node's own switch for its compile cache turns this one off too.
const dir = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheDirectory();
if (dir !== undefined) {
  if (typeof Module.enableCompileCache === 'function') Module.enableCompileCache(dir);
  else useCodeCache(dir);
}
require('./program.js');
