// Stopping what a dead coordinator's workers still run. A coordinator that dies leaves its
// attempts running on workers that are still alive; before a resumed run starts such a step again,
// each of those attempts is told to stop (a kill key a worker reads before it starts a job, and the
// kill channel for one that runs it) and the resume waits until it is over: its worker marked the
// job done, or that worker is gone (its reaper killed its trees). So one attempt never runs twice
// at the same time, whichever coordinator schedules it.
import type { Redis } from 'ioredis';
import type { OrphanedAttempt } from '../runtime/journaled-run.js';
import { CONTROL_CHANNEL, claimKeyOf, heartbeatKeyOf, jobIdOf, killKeyOf } from './names.js';
import type { KillMessage } from './wire.js';

/** How long a resume waits for a remote attempt to stop before it refuses to run the step again. */
export const REMOTE_GIVE_UP_MS = 60_000;

/** A kill key outlives any attempt's hard deadline. */
const KILL_TTL_MS = 24 * 3600_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether job `job` can no longer be running anywhere. */
const over = async (commands: Redis, job: string): Promise<boolean> => {
  const claim = await commands.get(claimKeyOf(job));
  // Never taken: the kill key set first keeps any worker from starting it.
  if (claim === null) return true;
  if (claim.startsWith('done:')) return true;
  return (await commands.exists(heartbeatKeyOf(claim))) === 0;
};

/**
 * Stops every attempt of `runId` in `attempts` on the workers and resolves once each is over;
 * rejects, naming them, when some still run after `giveUpMs`.
 */
export const stopRemoteAttempts = async (
  commands: Redis,
  runId: string,
  attempts: ReadonlyArray<Pick<OrphanedAttempt, 'step_id' | 'attempt'>>,
  giveUpMs = REMOTE_GIVE_UP_MS,
): Promise<void> => {
  const jobs = attempts.map((a) => jobIdOf(runId, a.step_id, a.attempt));
  if (jobs.length === 0) return;
  const multi = commands.multi();
  for (const job of jobs) {
    const message: KillMessage = { job, reason: 'cancel', mode: 'force' };
    const text = JSON.stringify(message);
    multi.set(killKeyOf(job), text, 'PX', KILL_TTL_MS).publish(CONTROL_CHANNEL, text);
  }
  await multi.exec();
  const started = Date.now();
  let left = jobs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    const done = await Promise.all(left.map((job) => over(commands, job)));
    left = left.filter((_, i) => !done[i]);
    if (left.length === 0) return;
    if (Date.now() - started > giveUpMs)
      throw new Error(
        `attempts ${left.join(', ')} of the run still run on their workers ${Math.round(giveUpMs / 1000)} s after they were told to stop — stop those workers (missionkit worker), then resume again`,
      );
    await sleep(pause);
  }
};
