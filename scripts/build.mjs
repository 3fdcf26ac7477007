// Builds the dual package: CommonJS in dist/cjs and ES modules in dist/esm, each marked with its
// own package.json "type" so Node loads either without a bundler.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, chmodSync } from 'node:fs';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
for (const [config, type] of [
  ['tsconfig.cjs.json', 'commonjs'],
  ['tsconfig.esm.json', 'module'],
]) {
  execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  const dir = type === 'commonjs' ? 'cjs' : 'esm';
  writeFileSync(new URL(`../dist/${dir}/package.json`, import.meta.url), JSON.stringify({ type }) + '\n');
}
chmodSync(new URL('../dist/cjs/cli/main.js', import.meta.url), 0o755);
