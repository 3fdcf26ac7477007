// A whole mission, decoded from plain data: the document's shape, the header and `config`, each
// step, then the checks across steps. Produces drafts; parse.ts places them in the text.
import type * as t from 'io-ts';
import { either } from 'fp-ts';
import { ConfigCodec, MissionCodec, MissionHeaderCodec } from './codec.js';
import { decodeWith } from './decode-errors.js';
import { decodeStep, type StepContext } from './decode-step.js';
import { toConfig } from './defaults.js';
import { error, type Draft } from './draft.js';
import type { MissionError } from './errors.js';
import { declaredKeys, findUnknownKeys } from './known-keys.js';
import type { Mission, Step } from './model.js';
import { checkDocumentShape, missingHint, unknownKeyDraft } from './rustchain-hints.js';
import { rangeChecks, validateGraph, type StepNode } from './validate.js';
import { validateTemplates } from './validate-templates.js';
import { dollarBraceWarnings } from './dollar-brace-hints.js';
import { nameClashWarnings } from './name-clashes.js';
import { literalPathWarnings } from './literal-paths.js';

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Errors and warnings in text order (stable for equal positions); those without a position last. */
export const sortedByPosition = (errors: ReadonlyArray<MissionError>): ReadonlyArray<MissionError> =>
  errors
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => byPosition(a, b) || i - j)
    .map(([e]) => e);

const byPosition = (a: MissionError, b: MissionError): number =>
  (a.position?.line ?? Infinity) - (b.position?.line ?? Infinity) ||
  (a.position?.column ?? 0) - (b.position?.column ?? 0);

/** Decodes an already-parsed value (YAML or JSON turned into plain data) into a Mission. */
/** Decodes an already-parsed value into a Mission with every problem as a draft; never throws for bad data. */
export const decodeValue = (
  value: unknown,
  ctx: StepContext,
  file: string | undefined,
): { readonly drafts: Draft[]; readonly mission?: Mission } => {
  const drafts: Draft[] = [];
  const shape = checkDocumentShape(value);
  drafts.push(...shape.drafts);
  if (!shape.rootOk || !isMap(value)) return { drafts };
  const root = value;

  const headerDrafts: Draft[] = [];
  const header = decodeWith(MissionHeaderCodec, root, [], headerDrafts);
  for (const d of headerDrafts) {
    const hint = d.code === 'missing_field' ? missingHint(d.path, root, ctx.registry) : undefined;
    drafts.push(hint !== undefined && d.hint === undefined ? { ...d, hint } : d);
  }
  const severity = ctx.strict ? 'error' : 'warning';
  const topKnown = declaredKeys(MissionCodec) ?? [];
  const configKnown = declaredKeys(ConfigCodec) ?? [];
  // `steps` is walked step by step below; here only the header and `config`.
  const { steps: _steps, ...withoutSteps } = root;
  for (const u of findUnknownKeys(MissionHeaderCodec, withoutSteps, [])) {
    const top = u.path.length === 1;
    const inConfig = u.path.length === 2 && u.path[0] === 'config';
    const v = top ? root[u.key] : undefined;
    drafts.push(
      unknownKeyDraft(
        u.key,
        u.path,
        top ? topKnown : inConfig ? configKnown : u.known,
        v,
        severity,
        top ? 'top' : inConfig ? 'config' : 'nested',
      ),
    );
  }
  const rawConfig = root['config'];
  const config = toConfig(
    header?.config ?? (isMap(rawConfig) ? decodeQuietly(ConfigCodec, rawConfig) : undefined),
  );
  if (isMap(rawConfig)) rangeChecks(rawConfig, (k) => ['config', k], drafts);

  const steps: Step[] = [];
  const nodes: StepNode[] = [];
  if (shape.stepsOk) {
    const rawSteps = root['steps'] as ReadonlyArray<unknown>;
    const stepCtx =
      config.default_dependency_strategy !== undefined
        ? { ...ctx, defaultStrategy: config.default_dependency_strategy }
        : ctx;
    rawSteps.forEach((raw, i) => {
      const r = decodeStep(raw, i, stepCtx, drafts);
      nodes.push(r.node);
      if (r.step !== undefined) steps.push(r.step);
    });
    if (rawSteps.length === 0) {
      drafts.push(
        error({
          code: 'invalid_value',
          path: ['steps'],
          message: 'the mission has no steps',
          expected: 'at least one step',
          hint: 'add a step under `steps:`; a `noop` step will do for a placeholder',
        }),
      );
    }
  }
  drafts.push(...validateGraph(nodes));
  if (!drafts.some((d) => d.severity === 'error') && steps.length === nodes.length) {
    drafts.push(
      ...validateTemplates({
        steps,
        variables: (header?.variables ?? {}) as Readonly<Record<string, unknown>> as Readonly<
          Record<string, string>
        >,
      }),
    );
    drafts.push(...dollarBraceWarnings(steps, header?.variables ?? {}, ctx.registry));
    drafts.push(...nameClashWarnings(steps, header?.variables ?? {}));
    drafts.push(...literalPathWarnings(steps, header?.allowed_paths ?? [], ctx.workingDirectory));
  }

  if (drafts.some((d) => d.severity === 'error') || header === undefined || steps.length !== nodes.length)
    return { drafts };
  const warnings = drafts.map(ctx.finalise);
  const mission: Mission = {
    version: header.version,
    name: header.name,
    ...(header.description !== undefined ? { description: header.description } : {}),
    steps,
    config,
    variables: Object.fromEntries(
      Object.entries(header.variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : v.value]),
    ),
    secrets: [
      ...new Set([
        ...(header.secrets ?? []),
        ...Object.entries(header.variables ?? {}).flatMap(([k, v]) =>
          typeof v !== 'string' && v.secret === true ? [k] : [],
        ),
      ]),
    ],
    allowed_paths: header.allowed_paths ?? [],
    ...(file !== undefined ? { source_file: file } : {}),
    warnings: sortedByPosition(warnings),
  };
  return { drafts, mission };
};

// Config decoded without reporting (its errors are already reported with the header): for defaults only.
const decodeQuietly = <A>(codec: t.Type<A, unknown, unknown>, value: unknown): A | undefined => {
  const r = codec.decode(value);
  return either.isRight(r) ? r.right : undefined;
};
