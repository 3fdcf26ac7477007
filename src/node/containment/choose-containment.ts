// Which containment this host uses, decided once per process (the probes create and remove a
// group and start one tiny process, so their answers are cached): cgroup v2 where it is the
// host's main hierarchy and writable; else cgroup v1 where its freezer and pids hierarchies are
// writable (root); else a writable cgroup v2 without controllers (a hybrid host); else the
// process group and marker. `MISSIONKIT_CONTAINMENT` or the executor's `containment` option
// forces a choice (tests use it to run the fallback on a host that has cgroups).
import type { KillTreeOptions } from '../kill-tree.js';
import type { HostPlatform } from '../platform.js';
import { ownGroups } from './cgroup-mounts.js';
import type { CgroupV1Host } from './cgroup-v1.js';
import { cgroupV1Containment, probeCgroupV1 } from './cgroup-v1.js';
import type { CgroupV2Host } from './cgroup-v2.js';
import { cgroupV2Containment, probeCgroupV2 } from './cgroup-v2.js';
import type { Containment } from './containment.js';
import { processGroupContainment } from './process-group.js';
import { unreachable } from '../../unreachable.js';

/** The environment variable that forces a containment (same values as the option). */
export const CONTAINMENT_VARIABLE = 'MISSIONKIT_CONTAINMENT';

/** What to contain steps with: the best the host allows (`auto`), or one forced. */
export type ContainmentChoice = 'auto' | 'cgroup-v2' | 'cgroup-v1' | 'process-group';

const CHOICES: ReadonlyArray<ContainmentChoice> = ['auto', 'cgroup-v2', 'cgroup-v1', 'process-group'];

/** The choice read from the option or the environment variable, or why it cannot be read. */
export type ChoiceReading =
  | { readonly _tag: 'chosen'; readonly choice: ContainmentChoice }
  | { readonly _tag: 'invalid'; readonly message: string; readonly hint: string };

/** Reads the choice: the option first, then the environment variable, else `auto`. */
export const readContainmentChoice = (
  option: string | undefined,
  variable: string | undefined,
): ChoiceReading => {
  const [value, where] =
    option !== undefined ? [option, 'the `containment` option'] : [variable ?? '', CONTAINMENT_VARIABLE];
  if (value === '') return { _tag: 'chosen', choice: 'auto' };
  const found = CHOICES.find((c) => c === value);
  if (found !== undefined) return { _tag: 'chosen', choice: found };
  return {
    _tag: 'invalid',
    message: `${where} is "${value}"; expected one of ${CHOICES.join(', ')}`,
    hint: 'remove it to let missionkit choose, or set it to process-group to turn control groups off',
  };
};

let v2: CgroupV2Host | null | undefined;
let v1: CgroupV1Host | null | undefined;
let groups: ReturnType<typeof ownGroups> | undefined;

const v2Host = (): CgroupV2Host | undefined => {
  groups ??= ownGroups();
  if (v2 === undefined) v2 = probeCgroupV2(groups.v2) ?? null;
  return v2 ?? undefined;
};

const v1Host = (): CgroupV1Host | undefined => {
  groups ??= ownGroups();
  if (v1 === undefined) v1 = probeCgroupV1(groups.v1) ?? null;
  return v1 ?? undefined;
};

/** Whether this host can contain steps in cgroup v2 / v1 groups (probed once), and why not, for tests and diagnostics. */
export const cgroupSupport = (): { readonly v2: boolean; readonly v1: boolean; readonly why: string } => {
  if (process.platform !== 'linux')
    return { v2: false, v1: false, why: `control groups are a Linux feature, this is ${process.platform}` };
  const v2 = v2Host() !== undefined;
  const v1 = v1Host() !== undefined;
  const why =
    v2 || v1
      ? `cgroup ${[v2 ? 'v2' : '', v1 ? 'v1' : ''].filter((v) => v !== '').join(' and ')} writable`
      : 'no writable cgroup2 hierarchy (root or a delegated subtree) and no writable v1 freezer and pids hierarchies';
  return { v2, v1, why };
};

/**
 * The containment for `choice` on this host. A forced cgroup kind the host cannot provide falls
 * back to the process group (each step's report says what it really had).
 */
export const chooseContainment = (
  platform: HostPlatform,
  choice: ContainmentChoice,
  options: KillTreeOptions,
): Containment => {
  const fallback = processGroupContainment(platform, options);
  if (platform !== 'linux') return fallback;
  const withV2 = (host: CgroupV2Host | undefined): Containment | undefined =>
    host === undefined ? undefined : cgroupV2Containment(host, fallback, options);
  const withV1 = (host: CgroupV1Host | undefined): Containment | undefined =>
    host === undefined ? undefined : cgroupV1Containment(host, fallback, options);
  switch (choice) {
    case 'process-group':
      return fallback;
    case 'cgroup-v2':
      return withV2(v2Host()) ?? fallback;
    case 'cgroup-v1':
      return withV1(v1Host()) ?? fallback;
    case 'auto': {
      const main = v2Host();
      if (main?.isMain === true) return withV2(main)!;
      return withV1(v1Host()) ?? withV2(main) ?? fallback;
    }
    default:
      return unreachable(choice);
  }
};
