// The executor contract against the Node executor: real fixture programs in real time. The same
// suite runs against the FakeExecutor (test/testing), so the fake cannot drift from reality.
// Beyond the contract, this rig checks after each test that no process it started is alive.
import * as os from 'node:os';
import { NodeExecutor } from '../../src/node/node-executor.js';
import type { Executor } from '../../src/ports/executor.js';
import { describeExecutorContract } from '../contract/executor-contract.js';
import type { ContractProgram, ExecutorRig, ProgramLine } from '../contract/rig.js';
import { contractPrograms } from '../contract/rig.js';
import { expectAllGone } from './liveness.js';
import { fixture, hostEnv } from './run-fixture.js';

/** A command no system has, so spawning it fails with ENOENT. */
const MISSING_COMMAND = 'missionkit-contract-no-such-command';

const node = (script: string, ...args: string[]): ProgramLine => ({
  command: process.execPath,
  args: [fixture(script), ...args],
});

// An exhaustive table: a new contract program is a compile error until it is mapped here.
const programs: { readonly [P in ContractProgram]: (...args: string[]) => ProgramLine } = {
  exit: (code = '0') => node('exit-code', code),
  print: (...lines) => node('print', 'stdout', ...lines),
  'print-stderr': (...lines) => node('print', 'stderr', ...lines),
  'no-newline': (...texts) => node('print', 'raw', ...texts),
  forever: () => node('forever'),
  'ignore-sigterm': () => node('ignore-sigterm'),
  missing: (...args) => ({ command: MISSING_COMMAND, args }),
};

const makeNodeRig = (): ExecutorRig => {
  const inner = new NodeExecutor();
  const pids: number[] = [];
  const executor: Executor = {
    spawn: (request) => {
      const spawned = inner.spawn(request);
      if (spawned.pid !== undefined) pids.push(spawned.pid);
      return spawned;
    },
  };
  return {
    name: 'node',
    executor,
    cwd: os.tmpdir(),
    env: hostEnv(),
    program: (name, ...args) => programs[name](...args),
    settle: (p) => p,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: () => expectAllGone(pids, 500),
  };
};

describe('NodeExecutor', () => {
  it('maps every contract program to a fixture', () => {
    expect(Object.keys(programs).sort()).toEqual([...contractPrograms].sort());
  });

  describeExecutorContract(makeNodeRig);
});
