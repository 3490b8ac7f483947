import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryMetrics } from './memory.js';
import {
  parseCpuModel, parseLoadavg, parseMeminfo, parseOsRelease, parseProcStat, parseUptime,
} from './proc-readers.js';

const fixture = (path: string): string => readFileSync(new URL(`fixtures/host/${path}`, import.meta.url), 'utf8');

describe('proc readers', () => {
  it('reads total and per-core CPU jiffies, procs and boot time from /proc/stat', () => {
    const stat = parseProcStat(fixture('proc/stat'));
    expect(stat.total).toEqual({ user: 1000, nice: 100, system: 500, idle: 8000, iowait: 200, irq: 50, softirq: 50, steal: 100 });
    expect([...stat.cores.keys()]).toEqual([0, 1]);
    expect(stat.cores.get(1)?.idle).toBe(4000);
    expect(stat).toMatchObject({ procsRunning: 3, procsBlocked: 1, bootTimeSec: 1_700_000_000 });
  });

  it('treats mode columns an old kernel does not print as 0', () => {
    expect(parseProcStat('cpu  10 0 5 100 1 0 0\n').total.steal).toBe(0);
  });

  it('reads meminfo sizes as bytes and unit-less counts as they are', () => {
    const info = parseMeminfo(fixture('proc/meminfo'));
    expect(info.get('MemTotal')).toBe(16_000_000 * 1024);
    expect(info.get('Active(anon)')).toBe(2_000_000 * 1024);
    expect(info.get('HugePages_Total')).toBe(0);
  });

  it('counts memory used as total minus available, so page cache is not used memory', () => {
    const m = memoryMetrics(parseMeminfo(fixture('proc/meminfo')));
    // MemTotal 16,000,000 kB − MemAvailable 10,000,000 kB = 6,000,000 kB (not total − free = 14,000,000 kB).
    expect(m['mem.used']).toBe(6_000_000 * 1024);
    expect(m['mem.percent']).toBe(37.5);
    // Cached 7,000,000 + SReclaimable 400,000 − Shmem 300,000 kB.
    expect(m['mem.cached']).toBe(7_100_000 * 1024);
    expect(m['mem.free']).toBe(2_000_000 * 1024);
    expect(m['mem.buffers']).toBe(500_000 * 1024);
    // SwapTotal 4,000,000 − SwapFree 3,500,000 − SwapCached 100,000 kB = 400,000 kB = 10 %.
    expect(m['swap.used']).toBe(400_000 * 1024);
    expect(m['swap.percent']).toBe(10);
  });

  it('falls back to free + buffers + cache before MemAvailable existed, and reports no swap as 0 %', () => {
    const m = memoryMetrics(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n'));
    expect(m['mem.available']).toBe(400 * 1024);
    expect(m['mem.used']).toBe(600 * 1024);
    expect(m['swap.percent']).toBe(0);
  });

  it('reads load averages, uptime, the CPU model and the OS name', () => {
    expect(parseLoadavg(fixture('proc/loadavg'))).toEqual({ load1: 0.45, load5: 0.6, load15: 0.31 });
    expect(parseUptime(fixture('proc/uptime'))).toBe(403.63);
    expect(parseCpuModel(fixture('proc/cpuinfo'))).toBe('AMD EPYC 7B13 64-Core Processor');
    expect(parseCpuModel('processor\t: 0\nHardware\t: BCM2835\n')).toBe('BCM2835');
    expect(parseOsRelease(fixture('etc/os-release'))).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease('NAME=Alpine\nPRETTY_NAME=Alpine\\ Linux\n')).toBe('Alpine\\ Linux');
    expect(parseOsRelease('NAME=x\n')).toBeUndefined();
  });
});
