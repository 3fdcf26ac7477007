// 200 real command steps, 8 at a time, each stopped at a random (seeded) moment by its own
// timeout — or finishing first — through the whole runtime: every step has a result, and not one
// process survives.
import { seededRandom } from '../support/random.js';
import * as fs from 'node:fs';
import { runMission } from '../../src/index.js';
import { expectAllGone } from './liveness.js';

const STEPS = 200;
const tag = `mission-stress-${process.pid}`;

const random = seededRandom;

const taggedPids = (): number[] =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(tag);
      } catch {
        return false;
      }
    });

it(`runs ${STEPS} steps 8 at a time, stops them at random moments, loses no result and leaves no process`, async () => {
  const next = random(Number(process.env.STRESS_SEED ?? 7));
  const node = JSON.stringify(process.execPath);
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const runsMs = Math.floor(next() * 800);
    const timeout = (0.05 + next() * 0.6).toFixed(3);
    // Half the steps also start a grandchild that ignores SIGTERM, so the forced rung is exercised.
    const body =
      i % 2 === 0
        ? `process.on('SIGTERM',()=>{});setTimeout(()=>{},${runsMs})`
        : `require('child_process').spawn(process.execPath,['-e','process.on("SIGTERM",()=>{});setInterval(()=>{},1000)','${tag}'],{stdio:'ignore'});setTimeout(()=>process.exit(0),${runsMs})`;
    return `  - { id: s${i}, name: s${i}, step_type: command, timeout_seconds: ${timeout}, parameters: { command: ${node}, args: ["-e", ${JSON.stringify(body)}, "${tag}"] } }`;
  });
  const yaml = `version: "1.0"\nname: stress\nsteps:\n${steps.join('\n')}\nconfig: { max_parallel_steps: 8, fail_fast: false, kill_grace_seconds: 0.2 }\n`;
  const report = await runMission(yaml);
  expect(report.steps).toHaveLength(STEPS);
  for (const s of report.steps) expect(['succeeded', 'timed_out']).toContain(s.status);
  const timedOut = report.steps.filter((s) => s.status === 'timed_out').length;
  expect(timedOut).toBeGreaterThan(10);
  expect(timedOut).toBeLessThan(STEPS);
  await expectAllGone(taggedPids());
  expect(taggedPids()).toEqual([]);
}, 120_000);
