#!/usr/bin/env node
// The CLI's script (package.json `bin`): starts the bundled CLI (./program.js) with V8's code cache.
//
// Most of a command's start is V8 compiling the CLI's ~1 MB of bundled JavaScript. The CLI is its
// own process, never a host's, so it may keep V8's compiled code between runs: Node ≥ 22.1 does
// this itself (module.enableCompileCache); on older Node each of the package's files is compiled
// here with the code cache V8 produced in an earlier run, kept in the OS cache directory
// ($XDG_CACHE_HOME or ~/.cache, under missionkit/<version>/), one file per source file, named by a
// hash of the file's content, the Node version and the architecture, so an edited file or another
// Node never meets a stale cache. A cache is only ever an optimisation: V8 checks the data it is
// given and compiles from source when it rejects it, and any failure to read or write the
// directory (read-only, missing home) leaves the CLI running as if there were no cache.
'use strict';
const Module = require('node:module');
const path = require('node:path');

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
  const { createHash } = require('node:crypto');
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
    // A `#!` line is only valid at the very start of a script, and the wrapper comes before it.
    const source = Module.wrap(content.startsWith('#!') ? '//' + content.slice(2) : content);
    const key = createHash('sha1')
      .update(source)
      .update('\0' + process.version + '\0' + process.arch)
      .digest('hex');
    const file = path.join(dir, key);
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
