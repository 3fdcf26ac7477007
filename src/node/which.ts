// Whether a program is on PATH, the way the Node executor will look for it: a command with a path
// separator is a path (relative to the step's directory), anything else is searched in the
// step's PATH — with PATHEXT and the current directory first on Windows, as cmd.exe does.
import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hasPathSeparator, searchPath, windowsCommandCandidates, type HostPlatform } from './platform.js';

const isExecutableFile = async (file: string, platform: HostPlatform): Promise<boolean> => {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) return false;
    if (platform === 'win32') return true;
    await fsp.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The file `command` would run as, or `undefined` when it is not found. */
export const which = async (
  command: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
  platform: HostPlatform = process.platform,
): Promise<string | undefined> => {
  if (command === '') return undefined;
  const candidates =
    platform === 'win32'
      ? windowsCommandCandidates(command, cwd, env)
      : hasPathSeparator(platform, command)
        ? [path.resolve(cwd, command)]
        : searchPath(platform, env).map((dir) => path.join(path.resolve(cwd, dir), command));
  for (const file of candidates) if (await isExecutableFile(file, platform)) return file;
  return undefined;
};
