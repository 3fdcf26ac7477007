// The built package as a host's node_modules holds it: node_modules/missionkit with the
// repository's package.json (its exports map) and the JavaScript the tests build (test/cli/built-cli.ts)
// as its dist/, so that `require('missionkit')` and `import('missionkit')` resolve as they do for a user.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtCli, REPO } from '../cli/built-cli';

/** The built package's dist/ directory (cjs/ and esm/). */
export const builtDist = (): string => path.dirname(path.dirname(path.dirname(builtCli())));

/** Installs the built package into `dir`/node_modules/missionkit; returns that directory. */
export const installBuilt = (dir: string): string => {
  const pkg = path.join(dir, 'node_modules', 'missionkit');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(builtDist(), path.join(pkg, 'dist'), 'dir');
  return pkg;
};
