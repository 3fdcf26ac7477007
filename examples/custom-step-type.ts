// A host's own step type: `checksum` hashes a file in the mission's working directory. It gets
// what the built-ins get — parameters checked when the mission loads, typed `params`, timeouts,
// retries, cancellation (`ctx.signal`), progress events — and its output is read by later steps
// as `{<id>_result}` (here its `response`, the hex digest).
//
// Test it in-process, as examples/custom-step-type.test.ts does, or run it for real against the
// built package (it writes under .tmp/checksum-example/):
//   npm run build
//   npx tsc examples/custom-step-type.ts --outDir .tmp/examples --rootDir examples \
//     --module nodenext --moduleResolution nodenext --target es2022 --skipLibCheck
//   node -e "require('./.tmp/examples/custom-step-type.js').main()"
import * as t from 'io-ts';
import { defineStepType, NonRetryableError, runMission, type MissionReport } from 'missionkit';

const hex = (digest: ArrayBuffer): string =>
  [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The `checksum` step type: SHA-256 of a file, optionally checked against an expected digest. */
export const checksumStep = defineStepType({
  name: 'checksum',
  description: 'SHA-256 of a file in the working directory (fails when `expect` is given and differs).',
  parameters: t.intersection([t.type({ path: t.string }), t.partial({ expect: t.string })]),
  run: async (ctx, params) => {
    // `params` is typed from the codec: { path: string } & { expect?: string }.
    ctx.progress(`hashing ${params.path}`);
    const bytes = await ctx.fs.readFile(ctx.fs.resolve(ctx.workingDirectory, params.path));
    if (ctx.signal.aborted) throw new Error('stopped before hashing');
    const sha256 = hex(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
    if (params.expect !== undefined && params.expect !== sha256) {
      // Retrying cannot change the file's content: stop the retry policy.
      throw new NonRetryableError(`${params.path} has SHA-256 ${sha256}, expected ${params.expect}`, {
        hint: 'the file changed or is corrupt: rebuild it, or update `expect`',
        output: { sha256 },
      });
    }
    return { sha256, bytes: bytes.length, response: sha256 };
  },
});

/** A mission using it: build an artifact, hash it, record the digest next to it. */
export const releaseMission = `
version: "1.0"
name: "Package a release"
variables:
  out: ".tmp/checksum-example"
steps:
  - id: build
    name: Build the artifact
    step_type: create_file
    parameters:
      path: "{out}/app.txt"
      content: "app v1.2.3\\n"
  - id: hash
    name: Hash the artifact
    step_type: checksum
    depends_on: [build]
    parameters:
      path: ".tmp/checksum-example/app.txt"
    retry: { max_attempts: 2, delay_seconds: 1 }
  - id: record
    name: Record the digest
    step_type: create_file
    depends_on: [hash]
    parameters:
      path: "{out}/app.txt.sha256"
      content: "{hash_result}  app.txt\\n"
`;

/** Runs the mission for real, in the current directory. */
export const main = async (): Promise<MissionReport> => {
  const report = await runMission(releaseMission, { stepTypes: [checksumStep] });
  for (const s of report.steps)
    console.log(`${s.status.padEnd(10)} ${s.id}${s.message ? `: ${s.message}` : ''}`);
  return report;
};
