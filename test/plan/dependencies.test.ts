import { resolveDependencies, type DependencyDecision } from '../../src/plan/dependencies.js';
import { stepId, type DependencyStrategy } from '../../src/mission/model.js';
import type { StepStatus } from '../../src/scheduler/step-status.js';

// Every strategy × every way a dependency can end. `a` is the dependency under test; `b` succeeded.
const outcomes: ReadonlyArray<StepStatus> = [
  'succeeded',
  'succeeded_with_warnings',
  'partial',
  'failed',
  'timed_out',
  'resource_exceeded',
  'skipped',
  'cancelled',
];
const a = stepId('a');
const b = stepId('b');
const alt = stepId('alt');
const conditional = (
  on_failure: Extract<DependencyStrategy, { _tag: 'conditional' }>['dependencies'][number]['on_failure'],
  required = true,
): DependencyStrategy => ({
  _tag: 'conditional',
  dependencies: [{ step_id: a, required, on_failure }],
});

const strategies: ReadonlyArray<[string, DependencyStrategy, boolean]> = [
  ['all_required', { _tag: 'all_required' }, false],
  ['any_required', { _tag: 'any_required' }, false],
  ['best_effort', { _tag: 'best_effort' }, false],
  ['continue_on_failure', { _tag: 'all_required' }, true],
  ['conditional skip', conditional({ _tag: 'skip' }), false],
  ['conditional log_warning', conditional({ _tag: 'log_warning' }), false],
  ['conditional use_default_value', conditional({ _tag: 'use_default_value', value: 'n/a' }), false],
  [
    'conditional retry_with_alternative',
    conditional({ _tag: 'retry_with_alternative', step_id: alt }),
    false,
  ],
  ['conditional not required', conditional({ _tag: 'skip' }, false), false],
];

const expected = (name: string, ok: boolean, alone: boolean): DependencyDecision['_tag'] => {
  if (ok) return 'run';
  switch (name) {
    case 'all_required':
    case 'conditional skip':
      return 'skip';
    case 'any_required':
      return alone ? 'skip' : 'run';
    case 'conditional retry_with_alternative':
      return 'alternative';
    default:
      return 'run';
  }
};

describe('resolveDependencies: every strategy × every outcome', () => {
  for (const [name, strategy, continueOnFailure] of strategies) {
    for (const outcome of outcomes) {
      const ok = ['succeeded', 'succeeded_with_warnings', 'partial'].includes(outcome);
      it(`${name}: dependency ${outcome} (with another that succeeded)`, () => {
        const d = resolveDependencies(strategy, continueOnFailure, [
          { step_id: a, conclusion: outcome },
          { step_id: b, conclusion: 'succeeded' },
        ]);
        // With a second, successful dependency, any_required runs.
        expect(d._tag).toBe(name === 'any_required' ? 'run' : expected(name, ok, false));
        if (d._tag === 'skip')
          expect(d.reason).toContain(
            `dependency a ${outcome === 'skipped' ? 'was skipped' : outcome === 'cancelled' ? 'was cancelled' : outcome === 'timed_out' ? 'timed out' : outcome === 'resource_exceeded' ? 'exceeded a resource limit' : 'failed'}`,
          );
        if (d._tag === 'run' && !ok) expect(d.warnings.length).toBeGreaterThan(0);
        if (d._tag === 'run')
          expect(d.defaults.length).toBe(name === 'conditional use_default_value' && !ok ? 1 : 0);
        if (d._tag === 'alternative') expect(d).toEqual({ _tag: 'alternative', failed: a, alternative: alt });
      });
      it(`${name}: dependency ${outcome} alone`, () => {
        const d = resolveDependencies(strategy, continueOnFailure, [{ step_id: a, conclusion: outcome }]);
        expect(d._tag).toBe(expected(name, ok, true));
      });
    }
  }

  it('names the strategy and the dependency in every skip reason', () => {
    expect(
      resolveDependencies({ _tag: 'all_required' }, false, [{ step_id: a, conclusion: 'skipped' }]),
    ).toEqual({ _tag: 'skip', reason: 'dependency a was skipped (all_required)' });
    expect(
      resolveDependencies({ _tag: 'any_required' }, false, [
        { step_id: a, conclusion: 'failed' },
        { step_id: b, conclusion: 'timed_out' },
      ]),
    ).toEqual({
      _tag: 'skip',
      reason: 'none of the dependencies succeeded: a failed, b timed out (any_required)',
    });
  });

  it('treats a depends_on entry missing from a conditional list as required', () => {
    expect(
      resolveDependencies(conditional({ _tag: 'log_warning' }), false, [{ step_id: b, conclusion: 'failed' }])
        ._tag,
    ).toBe('skip');
  });
});
