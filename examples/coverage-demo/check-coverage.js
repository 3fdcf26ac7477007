// The coverage gate of examples/test-coverage.mission.yaml: sums an lcov file's line and branch
// counts, prints them, and exits 1 when either is under its threshold.
// Usage: node check-coverage.js <lcov.info> <thresholds.json>   (thresholds: { "lines": 90, "branches": 70 })
const fs = require('node:fs');

const [lcovFile, thresholdsFile] = process.argv.slice(2);
const lcov = fs.readFileSync(lcovFile, 'utf8');
const thresholds = JSON.parse(fs.readFileSync(thresholdsFile, 'utf8'));
const sum = (key) =>
  [...lcov.matchAll(new RegExp(`^${key}:(\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
const percent = (hit, found) => (found === 0 ? 100 : (100 * hit) / found);

const lines = percent(sum('LH'), sum('LF'));
const branches = percent(sum('BRH'), sum('BRF'));
console.log(`lines ${lines.toFixed(1)}% (threshold ${thresholds.lines}%)`);
console.log(`branches ${branches.toFixed(1)}% (threshold ${thresholds.branches}%)`);
if (lines < thresholds.lines || branches < thresholds.branches) {
  console.error('coverage is under the thresholds');
  process.exitCode = 1;
}
