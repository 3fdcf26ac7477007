// What the CLI's `run --redis` needs: a step runner on BullMQ for one run, and how to let it go.
// Loaded by the CLI only when --redis is given, so other commands never load bullmq.
import type { StepRunnerFactory } from '../ports/step-runner.js';
import type { AnyStepType } from '../ports/step-type.js';
import { newRunId } from '../runtime/journaled-run.js';
import { makeRegistry } from '../steps/registry.js';
import { systemClock } from '../node/system-clock.js';
import { BullStepRunner } from './bull-step-runner.js';
import { fingerprintsOf } from './fingerprint.js';

/** A coordinator's connection to its workers. */
export interface CoordinatorLink {
  readonly stepRunner: StepRunnerFactory;
  /** Stops attempts of run `runId` a dead coordinator left on workers; resolves once each is over. */
  readonly stopAttempts: (
    runId: string,
    attempts: ReadonlyArray<{ readonly step_id: string; readonly attempt: number }>,
  ) => Promise<void>;
  readonly close: () => Promise<void>;
}

/** Connects a coordinator to the workers on `redis`; rejects (a TypeError with a hint) when Redis does not answer. */
export const coordinatorLink = async (
  redis: string,
  stepTypes: ReadonlyArray<AnyStepType> = [],
): Promise<CoordinatorLink> => {
  const runner = new BullStepRunner({
    redis,
    fingerprints: fingerprintsOf(makeRegistry(stepTypes)),
    newRunId: () => newRunId(systemClock.now()),
  });
  try {
    await runner.ready();
  } catch (e) {
    await runner.close();
    throw e;
  }
  return {
    stepRunner: runner.factory,
    stopAttempts: (runId, attempts) => runner.stopAttempts(runId, attempts),
    close: () => runner.close(),
  };
};
