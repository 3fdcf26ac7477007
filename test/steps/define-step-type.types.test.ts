// Type tests: the typecheck (`tsc -p tsconfig.json --noEmit`, which covers test files) fails if a
// `@ts-expect-error` below stops being an error, so these lines prove that a wrong parameter in a
// typed mission does not compile and that `params` is inferred from the codec. Jest runs the file
// too, which checks the definitions also behave at run time.
import * as t from 'io-ts';
import { expectTypeOf } from 'expect-type';
import type { Mission } from '../../src/mission/model.js';
import type { StepContext, StepType } from '../../src/ports/step-type.js';
import { defineMission } from '../../src/steps/define-mission.js';
import {
  defineStepType,
  NonRetryableError,
  StepError,
  type TypedStepType,
} from '../../src/steps/define-step-type.js';

const uploadParameters = t.intersection([
  t.type({ file: t.string, bucket: t.string }),
  t.partial({ public: t.boolean, retries: t.number }),
]);

const upload = defineStepType({
  name: 'upload',
  parameters: uploadParameters,
  run: async (ctx, params) => {
    expectTypeOf(ctx).toEqualTypeOf<StepContext>();
    expectTypeOf(params).toEqualTypeOf<
      { file: string; bucket: string } & { public?: boolean; retries?: number }
    >();
    expectTypeOf(params.file).toBeString();
    // @ts-expect-error `size` is not a parameter of this step type
    void params.size;
    return { url: `s3://${params.bucket}/${params.file}` };
  },
});

describe('defineStepType types', () => {
  it('keeps the name and codec in the type and is a StepType of the decoded parameters', () => {
    expectTypeOf(upload).toMatchTypeOf<StepType<t.TypeOf<typeof uploadParameters>>>();
    expectTypeOf(upload).toEqualTypeOf<TypedStepType<'upload', typeof uploadParameters>>();
    expectTypeOf(upload.name).toEqualTypeOf<'upload'>();
    expect(upload.name).toBe('upload');
  });

  it('rejects a run whose params are used as the wrong type', () => {
    defineStepType({
      name: 'count',
      parameters: t.type({ n: t.number }),
      run: async (_ctx, p) => {
        // @ts-expect-error `n` is a number, not a string
        const s: string = p.n;
        return s;
      },
    });
    expect(true).toBe(true);
  });

  it('types the errors a step throws', () => {
    const e = new StepError('quota exceeded', {
      http_status: 429,
      hint: 'wait',
      failure_kind: 'http_status',
    });
    expectTypeOf(e.http_status).toEqualTypeOf<number | undefined>();
    // @ts-expect-error failure_kind is a closed union
    void new StepError('x', { failure_kind: 'oops' });
    expect(new NonRetryableError('no').retryable).toBe(false);
  });
});

describe('defineMission types', () => {
  it('accepts a mission whose steps match their step types', () => {
    const m = defineMission(
      {
        name: 'typed',
        steps: [
          { id: 'up', name: 'Upload', step_type: 'upload', parameters: { file: 'a.txt', bucket: 'b' } },
          {
            id: 'get',
            name: 'Get',
            step_type: 'http',
            parameters: { url: 'https://example.com', method: 'POST', body: { a: 1 } },
          },
          { id: 'wait', name: 'Join', step_type: 'noop', depends_on: ['up', 'get'] },
        ],
      },
      { stepTypes: [upload] },
    );
    expectTypeOf(m).toEqualTypeOf<Mission>();
    expect(m.steps.map((s) => s.step_type)).toEqual(['upload', 'http', 'noop']);
  });

  it('makes a wrong parameter a compile error (and a MissionValidationError at run time)', () => {
    expect(() =>
      defineMission(
        {
          name: 'typed',
          steps: [
            // @ts-expect-error `bucket` must be a string
            { id: 'up', name: 'Upload', step_type: 'upload', parameters: { file: 'a.txt', bucket: 42 } },
          ],
        },
        { stepTypes: [upload] },
      ),
    ).toThrow(/bucket/);
  });

  it('makes a missing required parameter, an unknown parameter and a bad built-in parameter compile errors', () => {
    const missing = () =>
      defineMission(
        // @ts-expect-error `bucket` is required by the upload step type
        { name: 'm', steps: [{ id: 'a', name: 'A', step_type: 'upload', parameters: { file: 'x' } }] },
        { stepTypes: [upload] },
      );
    const unknown = () =>
      defineMission(
        {
          name: 'm',
          steps: [
            {
              id: 'a',
              name: 'A',
              step_type: 'upload',
              // @ts-expect-error `colour` is not a parameter of the upload step type
              parameters: { file: 'x', bucket: 'b', colour: 'red' },
            },
          ],
        },
        { stepTypes: [upload] },
      );
    const builtin = () =>
      defineMission({
        name: 'm',
        // @ts-expect-error the http step's `method` is one of GET, POST, …
        steps: [{ id: 'a', name: 'A', step_type: 'http', parameters: { url: 'https://x', method: 'FETCH' } }],
      });
    const unregistered = () =>
      defineMission({
        name: 'm',
        // @ts-expect-error `upload` is not registered for this mission
        steps: [{ id: 'a', name: 'A', step_type: 'upload', parameters: { file: 'x', bucket: 'b' } }],
      });
    const noParameters = () =>
      defineMission(
        // @ts-expect-error the upload step type needs parameters
        { name: 'm', steps: [{ id: 'a', name: 'A', step_type: 'upload' }] },
        { stepTypes: [upload] },
      );
    for (const f of [missing, unknown, builtin, unregistered, noParameters]) expect(f).toThrow();
  });
});
