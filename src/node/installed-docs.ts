// Where the documentation pages of this copy of missionkit are: the package ships docs/, so a
// person who installed it from the registry can read the page `--help` names without a network.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/** How many directories up from this file the package root may be (dist/cjs/cli/chunks when bundled, src/node). */
const MAX_LEVELS = 6;

/** This module's directory: CommonJS has __dirname; the ES module build is reached through the CLI's script. */
const startDirectory = (): string | undefined => {
  if (typeof __dirname === 'string') return __dirname;
  const script = process.argv[1];
  if (script === undefined) return undefined;
  try {
    return path.dirname(realpathSync(script));
  } catch {
    return undefined;
  }
};

const isMissionkitRoot = (dir: string): boolean => {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'missionkit';
  } catch {
    return false;
  }
};

/** The absolute path of the installed docs/ directory, or undefined when this copy has none. */
export const installedDocs = (): string | undefined => {
  let dir = startDirectory();
  for (let level = 0; dir !== undefined && level < MAX_LEVELS; level += 1) {
    if (isMissionkitRoot(dir)) {
      const docs = path.join(dir, 'docs');
      return existsSync(path.join(docs, 'mission-format.md')) ? docs : undefined;
    }
    const parent = path.dirname(dir);
    dir = parent === dir ? undefined : parent;
  }
  return undefined;
};
