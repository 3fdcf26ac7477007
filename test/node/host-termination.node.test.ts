// A host process running runMission receives SIGTERM: every running tree is terminated, the
// report says cancelled, and then — nothing else in the host listening — the signal takes its
// default course, so the host still ends as it would have. Real processes: jest's sandbox does
// not deliver signals to a test's own listeners, so the host is a child process.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { expectAllGone } from './liveness.js';

it('cancels the run, terminates every tree, then lets SIGTERM end the host', async () => {
  const index = path.join(path.dirname(path.dirname(builtCli())), 'index.js');
  const mission = `version: "1.0"
name: host signal
steps:
  - id: child
    name: child
    step_type: command
    parameters: { command: ${JSON.stringify(process.execPath)}, args: ["-e", "process.on('SIGTERM',()=>{});console.log(process.pid);setInterval(()=>{},1000)"] }
  - { id: after, name: after, step_type: noop, depends_on: [child] }
config: { kill_grace_seconds: 0.5 }
`;
  const host = `
    const { runMission } = require(${JSON.stringify(index)});
    runMission(${JSON.stringify(mission)}, {
      onEvent: (e) => { if (e.type === 'step_output' && /^\\d+$/.test(e.line)) console.log('PID ' + e.line); },
    }).then((r) => console.log('REPORT ' + JSON.stringify(r)));
  `;
  const child = spawn(process.execPath, ['-e', host], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const pids: number[] = [];
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    const m = /PID (\d+)/.exec(out);
    if (m !== null && pids.length === 0) {
      pids.push(Number(m[1]));
      child.kill('SIGTERM');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  const line = out.split('\n').find((l) => l.startsWith('REPORT '));
  expect(line).toBeDefined();
  const report = JSON.parse(line!.slice('REPORT '.length));
  expect(report.status).toBe('cancelled');
  expect(report.cancel_reason).toBe('the host received SIGTERM');
  expect(report.steps.map((s: { status: string }) => s.status)).toEqual(['cancelled', 'cancelled']);
  expect([code, signal]).toEqual([null, 'SIGTERM']);
  await expectAllGone(pids);
}, 60_000);
