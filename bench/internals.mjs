// The modules a few benches time directly that the package does not export (the sampler's trees,
// the directory walk, the runtime's host-taking entry): the published dist/ is bundled, so these are
// bundled here from src/ by esbuild, the same way, into .tmp/bench/internals.mjs, at most once a minute.
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const repo = new URL('..', import.meta.url).pathname;
const out = `${repo}.tmp/bench/internals.mjs`;

const EXPORTS = [
  ['{ createNodeExecutor, NodeExecutor }', './src/node/node-executor.ts'],
  ['{ nodeHost }', './src/node/node-host.ts'],
  ['{ createResourceSampler, defaultSamplerMethod }', './src/node/resource-usage.ts'],
  ['{ SampledTrees }', './src/node/sampled-trees.ts'],
  ['{ runMissionWith }', './src/runtime/run-mission.ts'],
  ['{ measurePaths, measureWithNode, hasGnuFind }', './src/node/dir-size.ts'],
];

// Several benches start within a minute of each other under bench/run.mjs: one build serves them all.
if (!existsSync(out) || Date.now() - statSync(out).mtimeMs > 60_000)
  await esbuild.build({
    stdin: {
      contents: EXPORTS.map(([names, from]) => `export ${names} from '${from}';`).join('\n'),
      resolveDir: repo,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: ['bullmq', 'ioredis'],
    keepNames: true,
    // The bundled CommonJS packages (pidusage, tree-kill, yaml) call require.
    banner: {
      js: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);",
    },
    outfile: out,
    logLevel: 'warning',
  });

export const {
  createNodeExecutor,
  NodeExecutor,
  nodeHost,
  createResourceSampler,
  defaultSamplerMethod,
  SampledTrees,
  runMissionWith,
  measurePaths,
  measureWithNode,
  hasGnuFind,
} = await import(pathToFileURL(out).href);
