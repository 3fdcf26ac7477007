// The CLI as users run it: the bundled JavaScript the package ships, started with node. Tests build
// it once (scripts/build.mjs --js-only: the package's JavaScript, without declarations) into a
// private directory keyed by a hash of the sources and the build script (never `npm run build`,
// which deletes the dist/ other processes may be using). Test files running in parallel share one
// build: the first takes a lock, the others wait for its result; a later run with unchanged sources
// reuses it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository's root. */
export const REPO = path.resolve(__dirname, '..', '..');

const BUILDS = path.join(REPO, '.tmp', 'cli-build');
const CONFIGS = [
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.cjs.json',
  'scripts/build.mjs',
  'scripts/cli-bin.cjs',
  'scripts/code-cache.cjs',
];
/** A lock older than this belongs to a build that died; take it over. */
const STALE_LOCK_MS = 5 * 60_000;
const WAIT_MS = 4 * 60_000;

const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();

/** A hash of everything the compiled CLI depends on: the sources and the compiler settings. */
const sourceHash = (): string => {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(path.join(REPO, 'src')), ...CONFIGS.map((c) => path.join(REPO, c))]) {
    hash.update(path.relative(REPO, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const lockIsStale = (lock: string): boolean => {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // No pid file yet (the owner is between mkdir and write) is not stale; a dead owner is.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const compile = (target: string): void => {
  const scratch = `${target}.building-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--js-only', scratch], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    // esbuild does not check types (that is the typecheck step's to report): a failure here is a
    // syntax error or a missing module.
    const e = error as { stdout?: string; stderr?: string; message: string };
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`building the CLI failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
  fs.renameSync(scratch, target);
};

const prune = (keep: string): void => {
  for (const name of fs.readdirSync(BUILDS)) {
    const p = path.join(BUILDS, name);
    if (p === keep || name.includes('.lock')) continue;
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // another run pruned it first
    }
  }
};

let built: string | undefined;

/**
 * The path of the built CLI's script (cjs/cli/main.js, beside the CommonJS build of the package's
 * entry points in cjs/), building it first when the sources changed.
 */
export const builtCli = (): string => {
  if (built !== undefined) return built;
  fs.mkdirSync(BUILDS, { recursive: true });
  const target = path.join(BUILDS, sourceHash());
  const main = path.join(target, 'cjs', 'cli', 'main.js');
  const lock = `${target}.lock`;
  const until = Date.now() + WAIT_MS;
  while (!fs.existsSync(main)) {
    if (Date.now() > until) throw new Error(`timed out waiting for another test's CLI build (${lock})`);
    try {
      fs.mkdirSync(lock);
    } catch {
      if (lockIsStale(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else sleep(200);
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      if (!fs.existsSync(main)) compile(target);
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  prune(target);
  built = main;
  return main;
};
