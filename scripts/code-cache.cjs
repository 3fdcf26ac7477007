// Loads the package's own CommonJS files with V8's code cache (dist/cjs/code-cache.js).
//
// Most of the time `require('missionkit')` or a `missionkit` command takes before anything happens
// is V8 compiling the package's ~700 KB of bundled JavaScript (~16 ms of ~28). With the code V8
// produced for the same files in an earlier process, the compile takes ~3 ms. Node ≥ 22.1 can keep
// such a cache itself (module.enableCompileCache), but only for a whole process, which is the
// host's to decide; this keeps one for the package's files alone, on every Node it supports.
//
// The cache lives in the OS cache directory ($XDG_CACHE_HOME or ~/.cache, under
// missionkit/<version>/), one file per source file, named by the source's SHA-1 (computed by the
// build, so that nothing hashes a megabyte before it starts) and by the file's path, size and
// modification time, the Node version and the architecture: an edited file, another install
// (whose stack traces must name its own files) or another Node never meets a stale cache. A cache
// is only ever an optimisation: V8 checks the data it is given and compiles from source when it
// rejects it; a directory that cannot be made, read or written, or that another user could write
// to, leaves everything working as if there were no cache. What this process compiled without a
// cache is written when it exits (by then V8 holds the code of every function that ran, not just
// the top level) or, if it is still running, 10 s after it loaded (a server stopped by a signal
// never sees its exit), so a process that never loads the package, or loads it with an accepted
// cache, writes nothing.
//
// It is used only where Node's own CommonJS loader runs the package: in a bundle, or under a test
// runner with a module system of its own (Jest's), the entry points require their code as usual.
// NODE_DISABLE_COMPILE_CACHE (Node's own switch) turns it off, and a host that enabled Node's
// compile cache has Node cache these files with the rest. Nothing here is required at the top
// level, so a bundle that takes in this file needs no Node built-in for it.
'use strict';

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

/**
 * Whether `dir` may be trusted with code: V8 runs what a cache file holds, so a directory another
 * user can write to (a shared XDG_CACHE_HOME) is not used. A directory not made yet is made, when
 * the cache is written, for this user alone.
 */
const trusted = (fs, dir) => {
  let stat;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    return e.code === 'ENOENT';
  }
  if (!stat.isDirectory()) return false;
  if (typeof process.getuid !== 'function') return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
};

/**
 * Where this version's cache lives, or undefined when there is none to use: no home to put it in,
 * a directory another user could write to, or NODE_DISABLE_COMPILE_CACHE set. `fs` and `path` are
 * node:fs and node:path.
 */
const cacheDirectory = (fs, path) => {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (!home) return undefined;
  // The package's version, written in by scripts/build.mjs.
  const dir = path.join(home, 'missionkit', '__MISSIONKIT_VERSION__');
  return trusted(fs, dir) ? dir : undefined;
};

/**
 * The most cache files a version's directory keeps. Each install, rebuild or Node upgrade adds a
 * file per source file it loads (a couple of dozen), and nothing else ever removes them.
 */
const MAX_FILES = 400;

/**
 * Keeps `dir` under MAX_FILES: when it has more, the files written longest ago go first (down to
 * three quarters of it), never one of `kept` (this process's). A file still in use is written again
 * by the next process that needs it. Called only by a process that wrote to the cache.
 */
const prune = (fs, path, dir, kept) => {
  const names = fs.readdirSync(dir);
  if (names.length <= MAX_FILES) return;
  const files = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (kept.has(file)) continue;
    try {
      files.push({ file, at: fs.statSync(file).mtimeMs });
    } catch {
      // Removed by another process meanwhile.
    }
  }
  files.sort((a, b) => a.at - b.at);
  for (const { file } of files.slice(0, names.length - Math.floor((MAX_FILES * 3) / 4))) {
    try {
      fs.unlinkSync(file);
    } catch {
      // Removed by another process meanwhile.
    }
  }
};

/**
 * How long after loading without a cache a process that has not exited writes it: by then the code
 * of what ran at start is compiled, and the cache holds it.
 */
const WRITE_AFTER_MS = 10_000;

/** The state of the one loader of this install: created on the first load. */
let loader;

const createLoader = (Module, root, builtin) => {
  const fs = builtin('node:fs');
  const path = builtin('node:path');
  const vm = builtin('node:vm');
  const dir = cacheDirectory(fs, path);
  if (dir === undefined) return undefined;
  /**
   * The scripts compiled without an accepted cache: their cache is written when the process exits
   * or WRITE_AFTER_MS after the first of them loaded, whichever comes first (a server is often
   * stopped by a signal, with no exit event).
   */
  let toWrite = [];
  const write = () => {
    const pending = toWrite;
    toWrite = [];
    process.removeListener('exit', write);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!trusted(fs, dir)) return;
      for (const { script, file } of pending) {
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        // A rename, so a process reading the cache as this one writes it sees a whole file or none.
        fs.renameSync(temporary, file);
      }
      prune(fs, path, dir, new Set(pending.map(({ file }) => file)));
    } catch {
      // Not writable: the next process compiles from source, as this one did.
    }
  };
  const writeLater = (entry) => {
    if (toWrite.length === 0) {
      process.once('exit', write);
      // Unreferenced: it never keeps a process alive.
      setTimeout(() => toWrite.length > 0 && write(), WRITE_AFTER_MS).unref();
    }
    toWrite.push(entry);
  };

  /** The path from `root` of a file this loader compiles, or undefined for any other file. */
  const own = (filename) => {
    if (!filename.startsWith(root)) return undefined;
    const rel = filename.slice(root.length).split(path.sep).join('/');
    return CONTENT_HASHES[rel] === undefined ? undefined : rel;
  };

  /**
   * Loads `filename` (one of the package's files, `rel` from `root`) once, as Node's loader would,
   * with its code cache.
   */
  const load = (filename, rel, parent) => {
    const cached = require.cache[filename];
    if (cached !== undefined) return cached.exports;
    const content = fs.readFileSync(filename, 'utf8');
    const stat = fs.statSync(filename);
    const where = [filename, stat.size, stat.mtimeMs, process.version, process.arch].join('\0');
    const file = path.join(dir, `${CONTENT_HASHES[rel]}-${fnv1a64(where)}`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      // No cache yet (or none readable): compiled from source, cached at exit.
    }
    // A `#!` line is only valid at the very start of a script, and the wrapper comes before it.
    const source = Module.wrap(content.startsWith('#!') ? '//' + content.slice(2) : content);
    const script = new vm.Script(source, { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) {
      writeLater({ script, file });
    }
    const mod = new Module(filename, parent);
    mod.filename = filename;
    // What the file calls `require`: the package's other files through this loader, anything
    // else (a built-in, bullmq) as Node would from where the file is, through a `require` made
    // only when first needed (making one costs a lookup-path computation per file).
    let real;
    const requireReal = () => (real ??= Module.createRequire(filename));
    const requireHere = (id) => {
      if (typeof id === 'string' && (id.startsWith('.') || path.isAbsolute(id))) {
        const target = path.resolve(path.dirname(filename), id);
        const targetRel = own(target);
        if (targetRel !== undefined) return load(target, targetRel, mod);
      }
      return requireReal()(id);
    };
    requireHere.resolve = (request, options) => requireReal().resolve(request, options);
    requireHere.resolve.paths = (request) => requireReal().resolve.paths(request);
    requireHere.main = require.main;
    requireHere.cache = require.cache;
    requireHere.extensions = require.extensions;
    require.cache[filename] = mod;
    try {
      script
        .runInThisContext({ displayErrors: true })
        .call(mod.exports, mod.exports, requireHere, mod, filename, path.dirname(filename));
    } catch (error) {
      delete require.cache[filename];
      throw error;
    }
    mod.loaded = true;
    return mod.exports;
  };
  return { load, own };
};

/**
 * The exports of `request` (a path relative to `entry`'s file, one of the package's files) loaded
 * with the code cache, or undefined where `entry` was not loaded by Node's CommonJS loader or
 * there is no cache to use: the caller then requires it as usual.
 */
const load = (entry, request) => {
  const Module = entry.constructor;
  if (
    typeof Module !== 'function' ||
    typeof Module.wrap !== 'function' ||
    typeof Module.createRequire !== 'function' ||
    !(entry instanceof Module) ||
    typeof entry.filename !== 'string' ||
    // The host enabled Node's compile cache: Node keeps these files' code with the rest.
    (typeof Module.getCompileCacheDir === 'function' && Module.getCompileCacheDir() !== undefined)
  )
    return undefined;
  // Built-ins through the entry's own `require`: a bundler reading this file finds no `node:`
  // module to resolve (none of this runs in a bundle).
  const builtin = (id) => entry.require(id);
  const path = builtin('node:path');
  if (loader === undefined) loader = createLoader(Module, __dirname + path.sep, builtin) ?? null;
  if (loader === null) return undefined;
  const filename = path.resolve(path.dirname(entry.filename), request);
  const rel = loader.own(filename);
  return rel === undefined ? undefined : loader.load(filename, rel, entry);
};

module.exports = { load, cacheDirectory };
