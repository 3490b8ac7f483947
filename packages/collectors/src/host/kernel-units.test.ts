import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultKernelUnits, parseAuxv, readKernelUnits } from './kernel-units.js';

/** An auxiliary vector of 64-bit little-endian (type, value) pairs ending in AT_NULL. */
function auxv(pairs: [number, number][]): Buffer {
  const buffer = Buffer.alloc((pairs.length + 1) * 16);
  pairs.forEach(([type, value], i) => {
    buffer.writeBigUInt64LE(BigInt(type), i * 16);
    buffer.writeBigUInt64LE(BigInt(value), i * 16 + 8);
  });
  return buffer;
}

describe('kernel units', () => {
  it('reads AT_PAGESZ and AT_CLKTCK from the auxiliary vector', () => {
    // AT_PHDR 3, AT_PAGESZ 6, AT_CLKTCK 17, as a 64 KiB-page arm64 kernel would hand them over.
    expect(parseAuxv(auxv([[3, 0x400040], [6, 65_536], [17, 100]]), 8)).toEqual({ pageSizeBytes: 65_536, clockTicksPerSec: 100 });
  });

  it('stops at AT_NULL and ignores a missing entry', () => {
    expect(parseAuxv(Buffer.concat([auxv([[17, 100]]), auxv([[6, 16_384]])]), 8)).toEqual({ clockTicksPerSec: 100 });
  });

  it('assumes 4 KiB pages and 100 Hz when there is no auxv to read', () => {
    expect(readKernelUnits(fileURLToPath(new URL('fixtures/host/proc', import.meta.url)))).toEqual(defaultKernelUnits);
  });

  it.runIf(existsSync('/proc/self/auxv'))('reads this machine\'s page size and clock tick', () => {
    const units = readKernelUnits('/proc');
    expect([4096, 16_384, 65_536]).toContain(units.pageSizeBytes);
    expect(units.clockTicksPerSec).toBe(100);
  });
});
