import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';

/** The units `/proc/<pid>/stat` counts in. */
export interface KernelUnits {
  /** Bytes per page: the unit of `rss`. */
  pageSizeBytes: number;
  /** USER_HZ: the unit of `utime`, `stime` and `starttime`. */
  clockTicksPerSec: number;
}

/**
 * What to assume when the auxiliary vector cannot be read (a fixture tree, a locked-down /proc):
 * USER_HZ is 100 on every architecture Node runs on, and 4 KiB pages are the x86 and usual ARM size.
 * Kernels with 16 KiB or 64 KiB pages (Apple silicon, some arm64 and ppc64 distributions) exist,
 * which is why the real value is read when it can be.
 */
export const defaultKernelUnits: KernelUnits = { pageSizeBytes: 4096, clockTicksPerSec: 100 };

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/**
 * Page size and clock tick from `/proc/self/auxv`, the (type, value) word pairs the kernel hands
 * every process at exec — where getconf(1) and sysconf() get them — so no child process is needed.
 * Words are the reader's native width and byte order; the kernel is the reader's kernel.
 */
export function parseAuxv(buffer: Buffer, wordBytes = process.arch.endsWith('64') ? 8 : 4): Partial<KernelUnits> {
  const little = endianness() === 'LE';
  const word = (offset: number): number => {
    if (wordBytes === 4) return little ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
    return Number(little ? buffer.readBigUInt64LE(offset) : buffer.readBigUInt64BE(offset));
  };
  const units: Partial<KernelUnits> = {};
  for (let offset = 0; offset + 2 * wordBytes <= buffer.length; offset += 2 * wordBytes) {
    const type = word(offset);
    if (type === 0) break; // AT_NULL ends the vector
    const value = word(offset + wordBytes);
    if (type === AT_PAGESZ && value > 0) units.pageSizeBytes = value;
    if (type === AT_CLKTCK && value > 0) units.clockTicksPerSec = value;
  }
  return units;
}

export function readKernelUnits(procRoot: string): KernelUnits {
  let buffer: Buffer;
  try {
    buffer = readFileSync(join(procRoot, 'self/auxv'));
  } catch {
    // Fixture trees have no auxv; procfs with hidepid or an LSM may refuse it. The defaults hold.
    return defaultKernelUnits;
  }
  return { ...defaultKernelUnits, ...parseAuxv(buffer) };
}
