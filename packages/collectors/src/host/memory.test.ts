import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateAvailable, memoryMetrics } from './memory.js';
import { parseMeminfo } from './proc-readers.js';

const fixture = (path: string): string => readFileSync(new URL(`fixtures/${path}`, import.meta.url), 'utf8');
const KiB = 1024;

describe('memory', () => {
  it('counts memory used as total minus available, so page cache is not used memory', () => {
    const m = memoryMetrics(parseMeminfo(fixture('host/proc/meminfo')));
    // MemTotal 16,000,000 kB − MemAvailable 10,000,000 kB = 6,000,000 kB (not total − free = 14,000,000 kB).
    expect(m['mem.used']).toBe(6_000_000 * KiB);
    expect(m['mem.percent']).toBe(37.5);
    // Cached 7,000,000 + SReclaimable 400,000 − Shmem 300,000 kB.
    expect(m['mem.cached']).toBe(7_100_000 * KiB);
    expect(m['mem.free']).toBe(2_000_000 * KiB);
    expect(m['mem.buffers']).toBe(500_000 * KiB);
    // SwapTotal 4,000,000 − SwapFree 3,500,000 − SwapCached 100,000 kB = 400,000 kB = 10 %.
    expect(m['swap.used']).toBe(400_000 * KiB);
    expect(m['swap.percent']).toBe(10);
    expect(m).not.toHaveProperty('mem.zfs_arc');
  });

  it('estimates MemAvailable as the kernel does on a pre-3.14 kernel that does not print it', () => {
    const info = parseMeminfo(fixture('old-kernel/proc/meminfo'));
    expect(info.has('MemAvailable')).toBe(false);
    // min_free_kbytes 67,584 → low watermark 84,480 kB. Free 1,000,000 − 84,480
    // + file cache 3,000,000 − min(1,500,000, 84,480) + SReclaimable 400,000 − min(200,000, 84,480).
    const available = (1_000_000 - 84_480 + 3_000_000 - 84_480 + 400_000 - 84_480) * KiB;
    expect(estimateAvailable(info, 67_584 * KiB)).toBe(available);
    const m = memoryMetrics(info, { minFreeBytes: 67_584 * KiB });
    expect(m['mem.available']).toBe(available);
    expect(m['mem.used']).toBe(8_000_000 * KiB - available);
    // SwapTotal 2,000,000 − SwapFree 1,900,000 − SwapCached 20,000 kB.
    expect(m['swap.used']).toBe(80_000 * KiB);
  });

  it('estimates without a watermark when min_free_kbytes is unreadable, never below 0', () => {
    const info = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nActive(file): 200 kB\nInactive(file): 100 kB\nSReclaimable: 40 kB\n');
    expect(estimateAvailable(info, undefined)).toBe(440 * KiB);
    expect(estimateAvailable(parseMeminfo('MemFree: 0 kB\nActive(file): 0 kB\n'), 100 * KiB)).toBe(0);
  });

  it('falls back to free + buffers + cache on kernels without the file/anon split, and reports no swap as 0 %', () => {
    const m = memoryMetrics(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n'));
    expect(m['mem.available']).toBe(400 * KiB);
    expect(m['mem.used']).toBe(600 * KiB);
    expect(m['swap.percent']).toBe(0);
  });

  it('moves the ARC above c_min from used to available and cached, and reports the ARC size', () => {
    const info = parseMeminfo(fixture('proxmox/proc/meminfo'));
    // ARC 16,000,000 kB, c_min 1,000,000 kB: 15,000,000 kB would come back under pressure.
    const m = memoryMetrics(info, { arc: { size: 16_000_000 * KiB, min: 1_000_000 * KiB } });
    expect(m['mem.zfs_arc']).toBe(16_000_000 * KiB);
    // MemAvailable 6,000,000 + 15,000,000 kB; without the ARC, used would read 26,000,000 kB (81 %).
    expect(m['mem.available']).toBe(21_000_000 * KiB);
    expect(m['mem.used']).toBe(11_000_000 * KiB);
    expect(m['mem.percent']).toBe(34.375);
    // Cached 2,000,000 + SReclaimable 500,000 − Shmem 100,000 + 15,000,000 kB.
    expect(m['mem.cached']).toBe(17_400_000 * KiB);
  });

  it('takes nothing off used while the ARC is at or below c_min, and never more than the total', () => {
    const info = parseMeminfo('MemTotal: 1000 kB\nMemAvailable: 100 kB\n');
    expect(memoryMetrics(info, { arc: { size: 50 * KiB, min: 64 * KiB } })['mem.used']).toBe(900 * KiB);
    // An ARC larger than the memory it could be in (a stale or foreign arcstats) cannot push used below 0.
    expect(memoryMetrics(info, { arc: { size: 5000 * KiB, min: 0 } })).toMatchObject({ 'mem.used': 0, 'mem.available': 1000 * KiB });
  });
});
