// bullmq and ioredis are loaded by missionkit/distributed only: an application that uses
// missionkit, missionkit/core or missionkit/testing never loads them (nor opens a Redis client).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';

const loaded = (entries: ReadonlyArray<string>): string[] => {
  const dist = path.dirname(path.dirname(builtCli()));
  const script = `
    for (const e of ${JSON.stringify(entries)}) require(require('node:path').join(${JSON.stringify(dist)}, e));
    const hits = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](bullmq|ioredis)[\\\\/]/.test(k));
    process.stdout.write(JSON.stringify([...new Set(hits.map((k) => k.match(/node_modules[\\\\/](bullmq|ioredis)/)[1]))]));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
};

test('missionkit, missionkit/core and missionkit/testing do not load bullmq or ioredis', () => {
  expect(loaded(['index.js', 'core.js', 'testing/index.js'])).toEqual([]);
});

test('missionkit/distributed loads them', () => {
  expect(loaded(['distributed/index.js']).sort()).toEqual(['bullmq', 'ioredis']);
});
