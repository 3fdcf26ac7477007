// `missionkit init`: writes the commented starter mission, never over an existing file unless asked.
import type { InitArgs } from './args.js';
import { type CliContext, displayPath, err, out } from './cli-context.js';
import { starterMission } from './starter-mission.js';

const MISSION_FILE = /\.(ya?ml|json)$/i;
const SCHEMA_IN_PACKAGE = 'node_modules/missionkit/schema/mission.schema.json';
const FORMAT_PAGE_IN_PACKAGE = 'node_modules/missionkit/docs/mission-format.md';

/** The file `init` writes for a name: the name itself when it ends in .yaml/.yml/.json. */
export const initFileName = (name: string | undefined): string =>
  name === undefined ? 'mission.yaml' : MISSION_FILE.test(name) ? name : `${name}.mission.yaml`;

/** The mission's `name:` for a file: its base name without the extensions. */
const missionName = (file: string): string =>
  (file.split(/[\\/]/).pop() ?? file).replace(MISSION_FILE, '').replace(/\.mission$/, '') || 'mission';

/** Runs `missionkit init`; resolves the exit code. */
export const initCommand = async (args: InitArgs, cli: CliContext): Promise<number> => {
  const file = cli.fs.resolve(cli.cwd, initFileName(args.name));
  const shown = displayPath(cli, file);
  const existing = await cli.fs.stat(file);
  if (existing !== undefined && (!args.force || existing.kind !== 'file')) {
    err(
      cli,
      cli.errStyle.red(
        existing.kind === 'file'
          ? `missionkit: ${shown} already exists; pass --force to replace it, or give another name`
          : `missionkit: ${shown} exists and is not a file`,
      ),
    );
    return 2;
  }
  // Point editors at the schema, and readers at the docs, that the project's installed package
  // ships, when there is one (a copy run by npx from its cache would leave a path that vanishes).
  const installed = async (inPackage: string): Promise<string | undefined> => {
    const target = cli.fs.resolve(cli.cwd, inPackage);
    return (await cli.fs.stat(target)) !== undefined
      ? cli.fs.relative(cli.fs.dirname(file), target).split('\\').join('/')
      : undefined;
  };
  const schemaPath = await installed(SCHEMA_IN_PACKAGE);
  const formatPage = await installed(FORMAT_PAGE_IN_PACKAGE);
  try {
    await cli.fs.writeFileAtomic(file, starterMission(missionName(file), schemaPath, formatPage));
  } catch (e) {
    err(cli, cli.errStyle.red(`missionkit: cannot write ${shown}: ${(e as Error).message}`));
    return 2;
  }
  out(cli, `${cli.outStyle.green('✔')} wrote ${shown}`);
  out(cli, `  run it:       npx missionkit run ${shown}`);
  out(cli, `  check it:     npx missionkit validate ${shown}`);
  out(cli, `  see the plan: npx missionkit plan ${shown}`);
  return 0;
};
