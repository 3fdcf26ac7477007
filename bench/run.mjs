// Runs every benchmark under bench/ in its own process, one after another (the machine is shared,
// so nothing runs alongside). Each prints its ratios against a floor and its peers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
let failed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort()) {
  if (only.length > 0 && !only.some((o) => file.includes(o))) continue;
  console.log(`\n## ${file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', `${dir}${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
