// The executor contract against the FakeExecutor on a VirtualClock: the fake must keep every
// promise the real executor keeps (the same suite runs against the Node executor).
import { FakeExecutor, VirtualClock, fakePrograms, type FakeProgramName } from '../../src/testing/index.js';
import { describeExecutorContract } from '../contract/executor-contract.js';
import {
  contractPrograms,
  type ContractProgram,
  type ExecutorRig,
  type ProgramLine,
} from '../contract/rig.js';

/** Not scripted anywhere, so the FakeExecutor fails to spawn it with ENOENT. */
const MISSING_COMMAND = 'missionkit-contract-no-such-command';

// Every contract program but `missing` must have a fake script; a new program is a compile error here.
const scripted: ReadonlyArray<Exclude<ContractProgram, 'missing'>> = contractPrograms.filter(
  (p): p is Exclude<ContractProgram, 'missing'> => p !== 'missing',
);
const covered: ReadonlyArray<FakeProgramName> = scripted;

const makeFakeRig = (): ExecutorRig => {
  const clock = new VirtualClock();
  const executor = new FakeExecutor({ clock, commands: fakePrograms });
  return {
    name: 'fake',
    executor,
    cwd: '/virtual/mission',
    env: { PATH: '/usr/bin:/bin' },
    program: (name: ContractProgram, ...args: string[]): ProgramLine =>
      name === 'missing' ? { command: MISSING_COMMAND, args } : { command: name, args },
    settle: (p) => clock.runUntilSettled(p),
    wait: (ms) => clock.advance(ms),
  };
};

describe('FakeExecutor', () => {
  it('scripts every contract program but `missing`', () => {
    expect([...covered].sort()).toEqual(Object.keys(fakePrograms).sort());
  });

  describeExecutorContract(makeFakeRig);
});
