// Builds the dual package: CommonJS in dist/cjs and ES modules in dist/esm, each marked with its
// own package.json "type" so Node loads either without a bundler. The two compilations are
// independent, so they run side by side (`npm pack` runs this through the prepack script).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync, chmodSync } from 'node:fs';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const compile = (config) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p ${config} exited ${code}`)),
    );
  });

const results = await Promise.allSettled(
  [
    ['tsconfig.cjs.json', 'commonjs'],
    ['tsconfig.esm.json', 'module'],
  ].map(async ([config, type]) => {
    await compile(config);
    const dir = type === 'commonjs' ? 'cjs' : 'esm';
    writeFileSync(new URL(`../dist/${dir}/package.json`, import.meta.url), JSON.stringify({ type }) + '\n');
  }),
);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  for (const f of failed) console.error(f.reason.message);
  process.exit(1);
}
chmodSync(new URL('../dist/cjs/cli/main.js', import.meta.url), 0o755);
