// Where missionkit keeps V8's code cache under a cache home ($XDG_CACHE_HOME), and what is there:
// read by the tests of the CLI's and the package's code cache.
import * as fs from 'node:fs';
import * as path from 'node:path';

const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

/** This version's cache directory under `cacheHome`. */
export const codeCacheDir = (cacheHome: string): string => path.join(cacheHome, 'missionkit', version);

/** The cache's files under `cacheHome`, each with when it was last written (none when there is no directory). */
export const codeCacheFiles = (cacheHome: string): Map<string, number> => {
  const dir = codeCacheDir(cacheHome);
  if (!fs.existsSync(dir)) return new Map();
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
};
