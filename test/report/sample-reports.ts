// Reports of runs on virtual time for the renderer's tests: one that has every feature the page
// shows (retries, a partial timeout with its kill grace, skipped dependents, resource samples, a
// secret in the output, hostile names), and wide ones of many steps.
import type { MissionReport } from '../../src/scheduler/report.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

/** The secret the rich mission's step prints; it must never appear in a rendering. */
export const SECRET = 's3cr3t-Tok3n-9f8e';

/** Text that would become markup if a renderer forgot to escape it. */
export const HOSTILE = `</pre><script>alert("x")</script><img src=x onerror=alert(1)>'"&`;

const RICH = `version: "1.0"
name: ${JSON.stringify(`Release ${HOSTILE}`)}
variables:
  token: { value: "${SECRET}", secret: true }
steps:
  - id: fetch
    name: ${JSON.stringify(`Fetch ${HOSTILE}`)}
    step_type: command
    parameters: { command: fetch, args: ["--token", "{{ variables.token }}"] }
  - id: build
    name: Build
    step_type: command
    depends_on: [fetch]
    parameters: { command: make }
  - id: flaky
    name: Flaky upload
    step_type: command
    depends_on: [fetch]
    parameters: { command: upload }
    retry: { max_attempts: 3, delay_seconds: 2 }
  - id: crawl
    name: Slow crawl
    step_type: command
    timeout_seconds: 10
    allow_partial_results: true
    parameters: { command: crawl }
  - id: publish
    name: Publish
    step_type: command
    depends_on: [flaky, build]
    parameters: { command: publish }
config:
  monitoring: { check_interval_seconds: 1 }
`;

/** A run with retries, a partial timeout, a skipped step, resource samples and a secret printed. */
export const richReport = async (): Promise<MissionReport> =>
  (
    await runTestMission(RICH, {
      steps: {
        fetch: {
          output: [
            { atMs: 10, text: `token is ${SECRET}\n` },
            { atMs: 20, stream: 'stderr', text: `${HOSTILE}\n\u001b[31mred\u001b[0m\n` },
          ],
          exitAfterMs: 1_000,
        },
        build: { exitAfterMs: 6_000 },
        flaky: { exitAfterMs: 500, exitCode: 75 },
        crawl: { output: [{ atMs: 5, text: 'crawled 10 pages\n' }], hang: true, ignoreGraceful: true },
      },
      usage: { build: (t) => ({ memoryMb: 100 + t / 50, cpuPercent: t < 3_000 ? 50 : 150 }) },
    })
  ).report;

/** A run of `n` command steps in chains of five, each printing a few lines, every fifth failing once. */
export const wideReport = async (n: number): Promise<MissionReport> => {
  const steps = Array.from(
    { length: n },
    (_, i) =>
      `  - id: step-${i}\n    name: Step ${i}\n    step_type: command\n    parameters: { command: work, args: ["${i}"] }\n` +
      (i % 5 !== 0 ? `    depends_on: [step-${i - 1}]\n` : '') +
      (i % 5 === 4 ? '    retry: { max_attempts: 2, delay_seconds: 1 }\n' : ''),
  );
  const fails = new Set<number>();
  return (
    await runTestMission(
      `version: "1.0"\nname: Wide\nsteps:\n${steps.join('')}config:\n  max_parallel_steps: 8\n`,
      {
        defaultScript: (req) => {
          const i = Number(req.args[0]);
          const failing = i % 5 === 4 && !fails.has(i);
          if (failing) fails.add(i);
          return {
            output: [
              {
                atMs: 1,
                text: Array.from({ length: 40 }, (_, k) => `step ${i} line ${k}: ${'x'.repeat(60)}\n`).join(
                  '',
                ),
              },
            ],
            exitAfterMs: 200 + (i % 7) * 100,
            exitCode: failing ? 1 : 0,
          };
        },
      },
    )
  ).report;
};
