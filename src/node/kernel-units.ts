// The units of the kernel's per-process counters: CPU times in /proc are in clock ticks, resident
// memory in pages. Both are read once, from the values the kernel hands every process at start
// (/proc/self/auxv: AT_CLKTCK and AT_PAGESZ, where sysconf reads them too), so the first sample
// of a run does not stall the event loop on a child process; `getconf` is the fallback.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Clock ticks per second and page size. */
export interface KernelUnits {
  readonly ticksPerSecond: number;
  readonly pageBytes: number;
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/** Reads the entries of an auxiliary vector (pairs of native words, ending with AT_NULL). */
export const parseAuxv = (
  data: Buffer,
  wordBytes: 4 | 8,
  littleEndian: boolean,
): ReadonlyMap<number, number> => {
  const entries = new Map<number, number>();
  const word = (at: number): number =>
    wordBytes === 8
      ? Number(littleEndian ? data.readBigUInt64LE(at) : data.readBigUInt64BE(at))
      : littleEndian
        ? data.readUInt32LE(at)
        : data.readUInt32BE(at);
  for (let at = 0; at + 2 * wordBytes <= data.length; at += 2 * wordBytes) {
    const key = word(at);
    if (key === 0) break;
    entries.set(key, word(at + wordBytes));
  }
  return entries;
};

const positive = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;

const fromAuxv = (): ReadonlyMap<number, number> => {
  try {
    const wordBytes = ['ia32', 'arm', 'mips', 'mipsel', 'ppc'].includes(process.arch) ? 4 : 8;
    return parseAuxv(fs.readFileSync('/proc/self/auxv'), wordBytes, os.endianness() === 'LE');
  } catch {
    return new Map();
  }
};

const fromGetconf = (name: string): number | undefined => {
  try {
    return positive(
      Number(
        execFileSync('getconf', [name], {
          encoding: 'latin1',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 5000,
        }),
      ),
    );
  } catch {
    return undefined;
  }
};

let units: KernelUnits | undefined;

/** The units, read on first use (a host that never samples never reads them); 100 and 4096 when nothing says. */
export const kernelUnits = (): KernelUnits => {
  if (units === undefined) {
    const auxv = fromAuxv();
    units = {
      ticksPerSecond: positive(auxv.get(AT_CLKTCK)) ?? fromGetconf('CLK_TCK') ?? 100,
      pageBytes: positive(auxv.get(AT_PAGESZ)) ?? fromGetconf('PAGESIZE') ?? 4096,
    };
  }
  return units;
};
