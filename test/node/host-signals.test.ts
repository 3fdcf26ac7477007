// The host's SIGINT/SIGTERM reach the run while it lasts, every time, and stop reaching it after.
// Jest gives tests a sandboxed `process` whose listeners are not real signal handlers, so the
// module runs in a real child process (compiled on the fly) that receives real signals.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { NodeExecutor } from '../../src/node/node-executor.js';
import { expectAllGone } from './liveness.js';
import { start } from './run-fixture.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-signals-'));
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'node', 'host-signals.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  fs.writeFileSync(path.join(dir, 'host-signals.js'), outputText);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('passes every SIGINT and SIGTERM to the handler until disposed, then the default applies again', async () => {
  const run = start(new NodeExecutor(), 'host-signals', [path.join(dir, 'host-signals.js')]);
  const pid = run.process.pid ?? -1;
  await run.waitFor((t) => t.includes('ready'));
  process.kill(pid, 'SIGTERM');
  await run.waitFor((t) => t.includes('got SIGTERM'));
  // A second signal while cancelling is passed on too: the CLI forces on it.
  process.kill(pid, 'SIGINT');
  await run.waitFor((t) => t.includes('disposed'));
  process.kill(pid, 'SIGTERM');
  await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
  expect(run.text()).toBe('ready\ngot SIGTERM\ngot SIGINT\ndisposed\n');
  await expectAllGone(run.pids(), 100);
});
