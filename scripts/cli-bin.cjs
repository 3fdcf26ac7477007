#!/usr/bin/env node
// The CLI's script (package.json `bin`): starts the bundled CLI (./program.js) with V8's code cache.
//
// Most of a command's start is V8 compiling the CLI's ~1 MB of bundled JavaScript. The CLI is its
// own process, never a host's, so on Node ≥ 22.1 it turns on Node's own compile cache for the whole
// process (module.enableCompileCache); on older Node the package's files are loaded through
// ../code-cache.js, which keeps the code V8 compiled for them between runs. Both live in the OS
// cache directory ($XDG_CACHE_HOME or ~/.cache, under missionkit/<version>/); code-cache.js says
// how a cache is keyed, checked and written, and when none is used.
'use strict';
const Module = require('node:module');
const codeCache = require('../code-cache.js');

const dir = codeCache.cacheDirectory(require('node:fs'), require('node:path'));
if (dir !== undefined && typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache(dir);
  require('./program.js');
} else if (codeCache.load(module, './program.js') === undefined) require('./program.js');
