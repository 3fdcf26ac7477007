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
// functions they pass through. The declarations (.d.ts) come from tsc, as before the bundling.
//
// esbuild splits code into chunks only for ES modules, so the ES module build is made first and
// each of its files is then turned into CommonJS on its own: the same chunks, the same sharing.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/**
 * The entry points, by source file; each becomes dist/esm/<same path>.js and dist/cjs/<same path>.js.
 * An entry whose source does not exist yet is left out, so an entry point can be listed before it lands.
 */
const ENTRIES = [
  'src/index.ts',
  'src/core.ts',
  'src/testing/index.ts',
  'src/distributed/index.ts',
  'src/cli/main.ts',
].filter((entry) => existsSync(join(root, entry)));

/** Loaded from the host's node_modules, never bundled: the distributed runner's own dependencies. */
const EXTERNAL = ['bullmq', 'ioredis'];

/** The CLI's script (package.json `bin`), made executable. */
const BIN = 'cjs/cli/main.js';

/** Built-ins Node has not loaded by the time a script starts: these are required on first use. */
const LAZY_BUILTINS = ['child_process', 'crypto', 'fs/promises', 'os', 'perf_hooks', 'stream'];
/** Bundled packages that are one function and read child_process as they load: evaluated on first call. */
const LAZY_PACKAGES = ['pidusage', 'tree-kill'];

const requireHere = createRequire(import.meta.url);

/** The getters of a stand-in module: each property of the real one, read from it on first use. */
const getters = (keys) =>
  `Object.defineProperties(module.exports, {\n${keys
    .map((k) => `  ${JSON.stringify(k)}: { get: () => load()[${JSON.stringify(k)}], enumerable: true },`)
    .join('\n')}\n});`;

/**
 * `import { spawn } from 'node:child_process'` costs ~5 ms at start even in a run that spawns
 * nothing. This stands a module in for each lazy built-in (its exports are getters that require the
 * real one when first read) and for each lazy package (a function that loads and calls the real one).
 */
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    const builtins = new Set(LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]));
    const packages = new Set(LAZY_PACKAGES);
    build.onResolve({ filter: /^(node:)?[a-z_/-]+$/ }, (args) => {
      // A stand-in's own require is of the real module.
      if (args.namespace === 'lazy')
        return builtins.has(args.path) ? { path: args.path, external: true } : undefined;
      if (builtins.has(args.path))
        return { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy' };
      if (packages.has(args.path)) return { path: args.path, namespace: 'lazy' };
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const real = requireHere(args.path);
      const load = `let real;\nconst load = () => (real ??= require(${JSON.stringify(args.path)}));`;
      const keys = Object.keys(real).filter((k) => k !== 'default');
      const contents =
        typeof real === 'function'
          ? `${load}\nmodule.exports = function (...args) { return load().apply(this, args); };\n${getters(keys)}`
          : `${load}\n${getters(keys)}`;
      return { loader: 'js', contents, resolveDir: root };
    });
  },
};

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

// In the ES module build, the lazy built-ins call `require`, which an ES module gets from createRequire.
const ESM_BANNER =
  "import { createRequire as __missionkitCreateRequire } from 'node:module';\n" +
  'const require = __missionkitCreateRequire(import.meta.url);\n';

const bundle = () =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outbase: 'src',
    outdir: join(dist, 'esm'),
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    mainFields: ['module', 'main'],
    plugins: [lazyModules, fpTsEs6],
    keepNames: true,
    banner: { js: ESM_BANNER },
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });

/** One ES module output file as CommonJS: imports become requires (dynamic ones too), exports module.exports. */
const toCommonJs = async (esm) => {
  // The CLI's script keeps its `#!` line above the banner.
  const hashbang = esm.startsWith('#!') ? esm.slice(0, esm.indexOf('\n') + 1) : '';
  const body = esm.slice(hashbang.length);
  if (!body.startsWith(ESM_BANNER)) throw new Error('an ES module output file lacks the banner');
  const { code } = await esbuild.transform(body.slice(ESM_BANNER.length), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
  });
  return hashbang + code;
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

const javascript = async () => {
  const result = await bundle();
  for (const file of result.outputFiles) {
    const rel = relative(join(dist, 'esm'), file.path);
    for (const [dir, text] of [
      ['esm', file.text],
      ['cjs', await toCommonJs(file.text)],
    ]) {
      const to = join(dist, dir, rel);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, text);
    }
  }
};

rmSync(dist, { recursive: true, force: true });
const results = await Promise.allSettled([
  javascript(),
  declarations('tsconfig.cjs.json'),
  declarations('tsconfig.esm.json'),
]);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  for (const f of failed) console.error(f.reason.message);
  process.exit(1);
}
for (const [dir, type] of [
  ['cjs', 'commonjs'],
  ['esm', 'module'],
])
  writeFileSync(join(dist, dir, 'package.json'), JSON.stringify({ type }) + '\n');
chmodSync(join(dist, BIN), 0o755);
