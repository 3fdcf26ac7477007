// Parsing a big mission, beside the YAML readers alone on the same text: a generated 10,000-step
// mission (about 1.7 MB of YAML) through parseMission (read, decode, validate: the whole path to a
// Mission), against js-yaml's `load` of the same text (the floor; target ≤ 3×) and the `yaml`
// library's `parseDocument` (what parseMission cost before it read with js-yaml). Then the same
// mission with one mistake in its last step, to show the slow path still says file:line:col.
// All in this one process; parseMission and js-yaml alternate, and the best of 7 runs of each is compared.
// Run after `npm run build`: node bench/parse.bench.mjs [steps]   (exit code 1 when the target is missed)
import { load } from 'js-yaml';
import { parseDocument } from 'yaml';
import { parseMission } from '../dist/esm/index.js';

const STEPS = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 10_000;
const TARGET_RATIO = 3;
const ROUNDS = 7;

/** A mission of `n` command steps, each depending on the one before, in the block style people write. */
const missionText = (n, lastDependsOn) => {
  const lines = [
    'version: "1.0"',
    `name: "Parse bench, ${n} steps"`,
    'description: "Generated: one command step per part, each after the one before"',
    'config:',
    '  max_parallel_steps: 4',
    '  timeout_seconds: 3600',
    'steps:',
  ];
  for (let i = 0; i < n; i++) {
    const id = `step_${String(i).padStart(5, '0')}`;
    lines.push(
      `  - id: ${id}`,
      `    name: "Build part ${i}"`,
      '    step_type: command',
      '    parameters:',
      '      command: echo',
      `      args: ["part", "${i}"]`,
    );
    const dep =
      i === n - 1 && lastDependsOn !== undefined
        ? lastDependsOn
        : i > 0
          ? `step_${String(i - 1).padStart(5, '0')}`
          : undefined;
    if (dep !== undefined) lines.push(`    depends_on: [${dep}]`);
    lines.push('    timeout_seconds: 30');
  }
  return `${lines.join('\n')}\n`;
};

const timed = (fn) => {
  globalThis.gc?.();
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
};

/** Runs each reader ROUNDS times, alternating between them so a busy moment on a shared machine hits all; keeps the best of each. */
const alternating = (readers) => {
  const best = readers.map(() => ({ ms: Infinity, result: undefined }));
  for (let r = 0; r < ROUNDS; r++) {
    readers.forEach((fn, i) => {
      const t = timed(fn);
      if (t.ms < best[i].ms) best[i] = t;
    });
  }
  return best;
};

const text = missionText(STEPS);
const file = 'bench.mission.yaml';
// Warm up every reader once on a small mission, so no one pays for first compilation alone.
const warm = missionText(200);
load(warm);
parseDocument(warm);
parseMission(warm, { file });

const [floor, mk] = alternating([() => load(text), () => parseMission(text, { file })]);
const [yamlLib] = alternating([() => parseDocument(text)]);
if (mk.result._tag !== 'Right') {
  console.error('the generated mission did not parse:', JSON.stringify(mk.result.left.slice(0, 3)));
  process.exit(1);
}
const ratio = mk.ms / floor.ms;
const ok = ratio <= TARGET_RATIO;
const mb = (Buffer.byteLength(text) / 1e6).toFixed(2);
console.log(`a valid ${STEPS}-step mission, ${mb} MB of YAML; best of ${ROUNDS} runs each`);
console.log(
  `  missionkit parseMission ${mk.ms.toFixed(0)} ms, js-yaml load ${floor.ms.toFixed(0)} ms → ` +
    `${ratio.toFixed(2)}× js-yaml (target ≤ ${TARGET_RATIO}×) ${ok ? 'ok' : 'MISSED'}`,
);
console.log(
  `  yaml parseDocument ${yamlLib.ms.toFixed(0)} ms (${(yamlLib.ms / floor.ms).toFixed(2)}× js-yaml: ` +
    `what reading with the yaml library alone costs)`,
);

const broken = missionText(STEPS, 'step_missing');
const [slow] = alternating([() => parseMission(broken, { file })]);
const first = slow.result._tag === 'Left' ? slow.result.left[0] : undefined;
const where =
  first?.position !== undefined
    ? `${first.file}:${first.position.line}:${first.position.column}`
    : 'NO POSITION';
console.log(
  `the same mission with one error in its last step: ${slow.ms.toFixed(0)} ms ` +
    `(${(slow.ms / floor.ms).toFixed(2)}× js-yaml; positions come from the yaml library only now)`,
);
console.log(`  ${where} ${first?.path ?? ''}: ${first?.message ?? 'no error reported'}`);
process.exitCode = ok && first?.position !== undefined ? 0 : 1;
