// Builds the dual package: ES modules in dist/esm and CommonJS in dist/cjs, each marked with its
// own package.json "type" so Node loads either without a bundler (`npm pack` runs this through the
// prepack script).
//
// The JavaScript is bundled by esbuild, because start-up is spent in Node's module loader: the
// compiled tree is ~450 files, and resolving and compiling each one cost a `missionkit --version`
// 3× the time of `node -e 0`. Each entry point becomes one file, with the code the entry points
// share in a few chunks (dist/*/chunks/), so a host loading `missionkit` and `missionkit/testing`
// holds one copy of the engine; what the CLI loads only for one command (`run`'s executor and live
// view) sits in chunks of its own that only that command reads. fp-ts, io-ts, yaml, js-yaml,
// pidusage and tree-kill are bundled (fp-ts's ES module build, so only what is used); bullmq and
// ioredis never are: only missionkit/distributed loads them, from the host's node_modules.
// Node built-ins that Node does not load for itself at start (child_process, crypto, os…) are
// required on first use, not at import. Identifiers are not minified, so stack traces name the
// functions they pass through (V8 names each from its declaration). esbuild's keepNames is off: it
// wraps every function in a call that re-sets its name, ~2 ms of each import, only to keep the names
// of the few it renames apart (io-ts's `Type` classes become `Type2`…; our error classes set `name`).
// The declarations (.d.ts) come from tsc, as before the bundling.
//
// esbuild splits code into chunks only for ES modules, so the ES module build is made first and
// each of its files is then turned into CommonJS on its own: the same chunks, the same sharing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--js-only DIR` builds the JavaScript alone, without declarations, into DIR/cjs and DIR/esm (what
// the tests run, built apart from dist/, which other processes may be using); without it, the whole
// package goes to dist/.
const jsOnly = process.argv.indexOf('--js-only');
if (jsOnly !== -1 && !process.argv[jsOnly + 1])
  throw new Error('--js-only needs the directory to build into');
const dist = jsOnly === -1 ? join(root, 'dist') : resolve(process.argv[jsOnly + 1]);

/**
 * The package's entry points, by source file; each becomes dist/esm/<same path>.js and
 * dist/cjs/<same path>.js. An entry whose source does not exist yet is left out, so an entry point
 * can be listed before it lands.
 */
const ENTRIES = ['src/index.ts', 'src/core.ts', 'src/testing/index.ts', 'src/distributed/index.ts'].filter(
  (entry) => existsSync(join(root, entry)),
);

/**
 * The CLI is bundled on its own, CommonJS only (package.json `bin`): its commands are chunks of
 * their own, loaded when a command runs, and none of them splits the entry points' chunks further.
 */
const CLI = 'src/cli/main.ts';

/** Loaded from the host's node_modules, never bundled: the distributed runner's own dependencies. */
const EXTERNAL = ['bullmq', 'ioredis'];

/** The CLI's script (package.json `bin`), made executable: scripts/cli-bin.cjs, which starts the bundled CLI. */
const BIN = 'cjs/cli/main.js';
/** Where the bundled CLI (src/cli/main.ts) is written instead, beside its chunks. */
const PROGRAM = 'cjs/cli/program.js';
/**
 * The loader of the package's CommonJS files with V8's code cache: scripts/code-cache.cjs, with
 * the version and each file's SHA-1 written in.
 */
const CODE_CACHE = 'cjs/code-cache.js';

/**
 * Built-ins Node has not loaded by the time a script starts: these are required on first use.
 * (perf_hooks is not one: it costs under a millisecond, and the clock reads it at every event.)
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'fs/promises', 'os', 'stream'];
/**
 * Packages an import of missionkit need not read: each is bundled into a CommonJS file of its own
 * (dist/cjs/vendor/<name>.js, dist/esm/vendor/<name>.cjs) that is required when one of its exports is
 * first used. pidusage and tree-kill read child_process as they load and are needed only by a step's
 * processes; yaml is most of the bundle's size and is needed only when a mission is read from YAML,
 * and js-yaml (the fast reader in front of it) likewise: a host that builds missions as data, or
 * only imports missionkit, compiles neither. The ES module build keeps both in its chunks
 * (`bundledLazy` below): missionkit/core reads YAML and must load where no `require` exists, with
 * no `node:` import, and in an application's bundle (a bundler follows neither a `require` made by
 * createRequire nor a top-level await into CommonJS output).
 */
const LAZY_PACKAGES = ['pidusage', 'tree-kill', 'yaml', 'js-yaml'];
const LAZY_PACKAGES_ESM = ['pidusage', 'tree-kill'];
/**
 * Of these lazy packages only the named exports are used (and their stand-ins offer no others): the
 * vendor file is bundled from the package's ES module build down to them. js-yaml's event parser
 * is a third of the package, and its schemas, which the parser never reads, are built as it loads.
 */
const VENDOR_EXPORTS = { 'js-yaml': ['getScalarValue', 'parseEvents'] };

/** What the stand-in of `name` offers: the package's exports, or those of VENDOR_EXPORTS. */
const exportsOf = (name) => {
  const real = requireHere(name);
  const only = VENDOR_EXPORTS[name];
  return only === undefined ? real : Object.fromEntries(only.map((k) => [k, real[k]]));
};

/** How a stand-in names a vendor file; each output file gets the path to it from where it is. */
const VENDOR = '@missionkit-vendor/';

const requireHere = createRequire(import.meta.url);

/** A stand-in function's body: calls `target` (or constructs it, when called with `new`) with its arguments. */
const callThrough = (target) =>
  `return new.target === undefined ? ${target}.apply(this, args) : Reflect.construct(${target}, args);`;

/**
 * The body of a stand-in module: `loadReal` (declared before it) loads the real one; each function
 * it exports becomes a function of the same name that loads it on its first call and calls it (a
 * class works with `new` too), and a package that is one function becomes the default export. An
 * ES module of functions, not an object of getters: the bundle reads each import from it directly,
 * with no interop copy of its properties (~70 for node:crypto) per importing file.
 */
const standIn = (real) => {
  const functions = Object.keys(real).filter((k) => k !== 'default' && typeof real[k] === 'function');
  return [
    ...functions.map((k) => `export function ${k}(...args) { ${callThrough(`loadReal().${k}`)} }`),
    ...(typeof real === 'function'
      ? [`export default function (...args) { ${callThrough('loadReal()')} }`]
      : []),
  ].join('\n');
};

/**
 * `import { spawn } from 'node:child_process'` costs ~5 ms at start even in a run that spawns
 * nothing, and compiling yaml ~10 ms in a process that reads no YAML. This stands a module in for
 * each lazy built-in and package (`standIn`), which requires the real one on first use. Importing
 * anything of it but a function fails the build.
 */
const lazyModules = (lazyPackages) => ({
  name: 'lazy-modules',
  setup(build) {
    const builtins = new Set(LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]));
    const packages = new Set(lazyPackages);
    build.onResolve({ filter: /^(node:|@missionkit-vendor\/)?[a-z_/-]+$/ }, (args) => {
      if (builtins.has(args.path))
        return { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy' };
      if (packages.has(args.path)) return { path: args.path, namespace: 'lazy' };
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      // __missionkitRequire becomes the `require` of the output file the stand-in lands in (a vendor
      // file's path is made relative to that file once it is written).
      const from = args.path.startsWith('node:') ? args.path : `${VENDOR}${args.path}`;
      const contents = [
        'let real;',
        `const loadReal = () => (real ??= __missionkitRequire(${JSON.stringify(from)}));`,
        standIn(exportsOf(args.path)),
      ].join('\n');
      return { loader: 'js', contents, resolveDir: root };
    });
  },
});

/** fp-ts's CommonJS build (fp-ts/lib) cannot be tree-shaken; its ES module build (fp-ts/es6) is the same code. */
const fpTsEs6 = {
  name: 'fp-ts-es6',
  setup(build) {
    build.onResolve({ filter: /^fp-ts\/lib\// }, (args) =>
      build.resolve(args.path.replace(/^fp-ts\/lib\//, 'fp-ts/es6/'), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      }),
    );
  },
};

/** yaml's ES module build: no `require`, no `node:` import, and tree-shaken to what the parser uses. */
const yamlEsm = {
  name: 'yaml-esm',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({
      path: join(dirname(requireHere.resolve('yaml/package.json')), 'browser', 'dist', 'index.js'),
    }));
  },
};

/** The functions of each that the source imports (a name missing here fails the build). */
const ESM_LAZY_EXPORTS = {
  yaml: ['isAlias', 'isMap', 'isPair', 'isScalar', 'isSeq', 'LineCounter', 'parseAllDocuments'],
  'js-yaml': VENDOR_EXPORTS['js-yaml'],
};

/**
 * The ES module build's YAML readers: bundled (an ES module must load where no `require` exists,
 * and in an application's bundle), but not run at import. Each is reached through a CommonJS
 * stand-in inside the bundle whose functions `require` the real package on first call: esbuild
 * then wraps the package's modules in initialisers of its own, so an import compiles and runs none
 * of their top-level code (yaml builds its schemas as it loads), and the first parse does. The
 * `require` is esbuild's, within the file: nothing is looked up on disk and a bundler sees one file.
 */
const bundledLazy = {
  name: 'bundled-lazy',
  setup(build) {
    build.onResolve({ filter: /^(yaml|js-yaml)$/ }, (args) =>
      args.pluginData?.real === true ? undefined : { path: args.path, namespace: 'bundled-lazy' },
    );
    // The stand-in: CommonJS, so that its `require` is the lazy edge.
    build.onLoad({ filter: /.*/, namespace: 'bundled-lazy' }, (args) => {
      const contents = [
        'let real;',
        `const loadReal = () => (real ??= require(${JSON.stringify(`bundled-lazy-real:${args.path}`)}));`,
        ...ESM_LAZY_EXPORTS[args.path].map(
          (k) => `exports.${k} = function ${k}(...args) { ${callThrough(`loadReal().${k}`)} };`,
        ),
      ].join('\n');
      return { loader: 'js', contents, resolveDir: root };
    });
    // What it requires: an ES module of just the names used, so the package is tree-shaken to them.
    build.onResolve({ filter: /^bundled-lazy-real:/ }, (args) => ({
      path: args.path.slice('bundled-lazy-real:'.length),
      namespace: 'bundled-lazy-real',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bundled-lazy-real' }, async (args) => {
      const real = await build.resolve(args.path, {
        kind: 'import-statement',
        resolveDir: root,
        pluginData: { real: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      const names = ESM_LAZY_EXPORTS[args.path].join(', ');
      return {
        loader: 'js',
        contents: `export { ${names} } from ${JSON.stringify(real.path)};`,
        resolveDir: root,
      };
    });
  },
};

// An ES module output file whose stand-ins require gets a `require` of its own from createRequire;
// the others (missionkit/core's among them) import nothing from Node. It is made on the first
// require, not at import: an application bundled into CommonJS output has no `import.meta`, and
// takes its own file's `require` instead (where Node's built-ins are as they are anywhere).
const ESM_REQUIRE =
  "import { createRequire as __missionkitCreateRequire } from 'node:module';\n" +
  'let __missionkitRequireOnce;\n' +
  'const __missionkitRequire = (id) => (__missionkitRequireOnce ??= __missionkitCreateRequire(' +
  "typeof import.meta.url === 'string' ? import.meta.url : __filename))(id);\n";

/**
 * The bundle as ES modules, split into chunks; `format` is the format it is written in at the end
 * (the CommonJS build is this output, transformed file by file).
 */
const bundle = (entryPoints, chunks, format) =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints,
    outbase: 'src',
    outdir: join(dist, 'esm'),
    entryNames: '[dir]/[name]',
    chunkNames: `${chunks}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    mainFields: ['module', 'main'],
    plugins:
      format === 'esm'
        ? [bundledLazy, lazyModules(LAZY_PACKAGES_ESM), yamlEsm, fpTsEs6]
        : [lazyModules(LAZY_PACKAGES), fpTsEs6],
    keepNames: false,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    metafile: true,
  });

/**
 * `import * as fs from 'node:fs'` becomes `__toESM(require("node:fs"))`, which copies every export
 * of the built-in into a new object of getters: ~2 ms of an import for the ~30 such lines of the
 * bundle. A built-in is CommonJS already, so its module object serves as it is, unless the code
 * reads its `default` (a default import), which only the copy has.
 */
const withoutInteropCopies = (code) =>
  code.replace(/\bvar ([\w$]+) = __toESM\(require\(("node:[\w/]+")\)\);/g, (line, name, id) =>
    code.includes(`${name}.default`) ? line : `var ${name} = require(${id});`,
  );

/** One ES module output file as CommonJS: imports become requires (dynamic ones too), exports module.exports. */
const toCommonJs = async (esm) => {
  const { code } = await esbuild.transform(esm, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
  });
  // The stand-ins' requires are this file's own, by a path relative to it (so a bundler can follow it).
  return withoutInteropCopies(code.replaceAll('__missionkitRequire(', 'require('));
};

/** One output file as an ES module: a `require` for its stand-ins, when it has any. */
const toEsm = (esm) => {
  if (!esm.includes('__missionkitRequire(')) return esm;
  // The CLI's script keeps its `#!` line first.
  const hashbang = esm.startsWith('#!') ? esm.slice(0, esm.indexOf('\n') + 1) : '';
  return hashbang + ESM_REQUIRE + esm.slice(hashbang.length);
};

const run = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited ${code}`)),
    );
  });

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The declarations, from the same compiler settings as before the bundling, so the published types do not change. */
const declarations = (config) => run([tsc, '-p', config, '--emitDeclarationOnly']);

/** A relative request for `to` from a file in `fromDir`, as `require` and `import` take it (`./x`, `../x`). */
const requestFor = (fromDir, to) => {
  const rel = relative(fromDir, to);
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/** The path by which a file in `fromDir` requires the vendor file of `name`. */
const vendorPath = (fromDir, format, name) =>
  requestFor(fromDir, join(dist, format, 'vendor', `${name}.${format === 'esm' ? 'cjs' : 'js'}`));

const write = (to, text) => {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
};

/** Bundles `entryPoints` and writes each output file in `format` ('esm' or 'cjs'). */
const javascript = async (entryPoints, chunks, format) => {
  const result = await bundle(entryPoints, chunks, format);
  for (const file of result.outputFiles) {
    const built = join(dist, format, relative(join(dist, 'esm'), file.path));
    const to = built === join(dist, BIN) ? join(dist, PROGRAM) : built;
    const text = format === 'esm' ? toEsm(file.text) : await toCommonJs(file.text);
    if (/\b__require\(["']/.test(text))
      throw new Error(
        `${to} calls esbuild's require shim: a bundled package is CommonJS; list it in LAZY_PACKAGES`,
      );
    const meta = result.metafile.outputs[relative(root, file.path)];
    // One of the package's entry points (the CLI's own is started by cli-bin.cjs instead).
    const isEntry = meta?.entryPoint !== undefined && chunks === 'chunks';
    write(
      isEntry && format === 'cjs' ? bodyOf(to) : to,
      text.replace(/(["'])@missionkit-vendor\/([a-z-]+)\1/g, (_, q, name) =>
        JSON.stringify(vendorPath(dirname(to), format, name)),
      ),
    );
    if (isEntry && format === 'cjs') write(to, cjsEntry(to));
    if (isEntry && format === 'esm') write(nodeEntryOf(to), nodeEntry(to, meta.exports));
  }
};

/** Where the CommonJS build puts an entry point's own code: index.js's in index.body.js. */
const bodyOf = (entry) => entry.replace(/\.js$/, '.body.js');

/**
 * A CommonJS entry point: its code (`bodyOf`) loaded through code-cache.js where Node's own loader
 * runs it, and required as usual anywhere else (a bundle, Jest's module system), both by paths a
 * bundler can follow.
 */
const cjsEntry = (to) => {
  const cache = requestFor(dirname(to), join(dist, CODE_CACHE));
  const body = requestFor(dirname(to), bodyOf(to));
  return [
    "'use strict';",
    `// This entry point's code is ${body}, compiled with V8's code cache where Node loads it (code-cache.js).`,
    `module.exports = require(${JSON.stringify(cache)}).load(module, ${JSON.stringify(body)}) || require(${JSON.stringify(body)});`,
    '',
  ].join('\n');
};

/** Where the ES module build puts the entry point Node imports: index.js's in index.node.js. */
const nodeEntryOf = (entry) => entry.replace(/\.js$/, '.node.js');

/**
 * The ES module entry point Node imports (package.json's "node" condition; bundlers take the
 * "module" one, the ES module build itself): the CommonJS build's exports, by name. One copy of the
 * package then serves a process that both imports and requires it, and its code loads with the
 * code cache, which Node (before 22.1) offers no ES module.
 */
const nodeEntry = (to, names) => {
  const cjs = requestFor(dirname(to), join(dist, 'cjs', relative(join(dist, 'esm'), to)));
  if (names.includes('default'))
    throw new Error(`${to}: an entry point with a default export needs a default here`);
  return [
    "// On Node, missionkit's ES module entry points are its CommonJS build's, by name (scripts/build.mjs, nodeEntry).",
    "import { createRequire } from 'node:module';",
    `const m = createRequire(import.meta.url)(${JSON.stringify(cjs)});`,
    `export const { ${[...names].sort().join(', ')} } = m;`,
    '',
  ].join('\n');
};

/** Each lazy package as one CommonJS file, for both builds. */
const vendor = () =>
  Promise.all(
    LAZY_PACKAGES.map(async (name) => {
      const only = VENDOR_EXPORTS[name];
      const result = await esbuild.build({
        absWorkingDir: root,
        ...(only === undefined
          ? { entryPoints: [requireHere.resolve(name)] }
          : {
              stdin: { contents: `export { ${only.join(', ')} } from '${name}';`, resolveDir: root },
              mainFields: ['module', 'main'],
            }),
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        keepNames: false,
        legalComments: 'none',
        logLevel: 'warning',
        write: false,
        outfile: join(dist, 'vendor.js'),
      });
      const [file] = result.outputFiles;
      write(join(dist, 'cjs', 'vendor', `${name}.js`), file.text);
      write(join(dist, 'esm', 'vendor', `${name}.cjs`), file.text);
    }),
  );

/** CLI chunks smaller than this are merged into one file (`mergeSmallCliChunks`). */
const SMALL_CHUNK_BYTES = 8 * 1024;

/**
 * The bundler gives code shared between the CLI's lazily loaded commands files of their own, by
 * which commands share it: dozens of chunks of 1–8 KB, most of which a `missionkit run` reads, each
 * resolved, read and compiled on its own (~0.1–0.2 ms apiece). This puts the small ones into one
 * file, cli/chunks/small.js, each as a function run on its first require, exactly once, as Node
 * would run its file; the CLI's other files require them from there. Nothing else changes: each
 * module is still one instance, evaluated when first needed.
 */
const mergeSmallCliChunks = (cliDir) => {
  const chunksDir = join(cliDir, 'chunks');
  const small = readdirSync(chunksDir)
    .filter((f) => /^chunk-[A-Z0-9]+\.js$/.test(f))
    .map((f) => [f, readFileSync(join(chunksDir, f), 'utf8')])
    .filter(([, text]) => Buffer.byteLength(text) < SMALL_CHUNK_BYTES)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (small.length === 0) return;
  const merged = new Set(small.map(([f]) => f));
  const bodies = small.map(
    ([f, text]) => `${JSON.stringify(f)}: function (module, exports, require) {\n${text}\n}`,
  );
  write(
    join(chunksDir, 'small.js'),
    [
      "'use strict';",
      "// The CLI's small shared chunks, each run on its first require (scripts/build.mjs, mergeSmallCliChunks).",
      `const bodies = {\n${bodies.join(',\n')}\n};`,
      'const loaded = {};',
      '// What a merged chunk calls `require`: its merged neighbours from here, anything else as Node would',
      '// from this directory (where the chunk was), with require.resolve, .cache and .main as Node gives them.',
      'const requireFor = Object.assign((id) => { const o = own(id); return o === undefined ? require(id) : load(o); }, {',
      '  resolve: require.resolve, cache: require.cache, main: require.main, extensions: require.extensions,',
      '});',
      'const own = (id) => { const m = /^\\.\\/(chunk-[A-Z0-9]+\\.js)$/.exec(id); return m !== null && m[1] in bodies ? m[1] : undefined; };',
      'const load = (name) => {',
      '  let m = loaded[name];',
      '  if (m === undefined) {',
      '    m = loaded[name] = { exports: {} };',
      '    bodies[name].call(m.exports, m, m.exports, requireFor);',
      '  }',
      '  return m.exports;',
      '};',
      'module.exports = load;',
      '',
    ].join('\n'),
  );
  for (const f of merged) rmSync(join(chunksDir, f));
  // The other files require a merged chunk from small.js.
  const rewrite = (file, prefix) => {
    const text = readFileSync(file, 'utf8');
    const next = text.replace(/require\("(\.\/(?:chunks\/)?)(chunk-[A-Z0-9]+\.js)"\)/g, (whole, dir, name) =>
      merged.has(name) && dir === prefix ? `require("${dir}small.js")(${JSON.stringify(name)})` : whole,
    );
    if (next !== text) writeFileSync(file, next);
  };
  rewrite(join(cliDir, 'program.js'), './chunks/');
  for (const f of readdirSync(chunksDir)) if (f !== 'small.js') rewrite(join(chunksDir, f), './');
};

/**
 * The SHA-1 of each CommonJS file loaded through code-cache.js (the entry points' code, the chunks,
 * the CLI's, the vendored packages), by path from dist/cjs: the key of its code cache, computed
 * here so that nothing need load node:crypto and hash ~1 MB of source before it starts (~6 ms).
 */
const contentHashes = (dir) => {
  const hashes = {};
  const walk = (sub) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (
        entry.name.endsWith('.js') &&
        rel !== relative('cjs', BIN) &&
        rel !== relative('cjs', CODE_CACHE)
      )
        hashes[rel] = createHash('sha1')
          .update(readFileSync(join(dir, rel)))
          .digest('hex');
    }
  };
  walk('');
  return hashes;
};

rmSync(dist, { recursive: true, force: true });
const results = await Promise.allSettled([
  javascript(ENTRIES, 'chunks', 'esm'),
  javascript(ENTRIES, 'chunks', 'cjs'),
  javascript([CLI], 'cli/chunks', 'cjs'),
  vendor(),
  ...(jsOnly === -1 ? [declarations('tsconfig.cjs.json'), declarations('tsconfig.esm.json')] : []),
]);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  for (const f of failed) console.error(f.reason.message);
  process.exit(1);
}
mergeSmallCliChunks(join(dist, 'cjs', 'cli'));
for (const [dir, type] of [
  ['cjs', 'commonjs'],
  ['esm', 'module'],
])
  writeFileSync(join(dist, dir, 'package.json'), JSON.stringify({ type }) + '\n');
{
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const loader = readFileSync(join(root, 'scripts', 'code-cache.cjs'), 'utf8');
  const hashes = contentHashes(join(dist, 'cjs'));
  writeFileSync(
    join(dist, CODE_CACHE),
    loader
      .replaceAll('__MISSIONKIT_VERSION__', version)
      .replace(`JSON.parse('"__MISSIONKIT_CONTENT_HASHES__"')`, JSON.stringify(hashes)),
  );
  writeFileSync(join(dist, BIN), readFileSync(join(root, 'scripts', 'cli-bin.cjs'), 'utf8'));
}
chmodSync(join(dist, BIN), 0o755);
