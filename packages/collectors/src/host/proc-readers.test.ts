import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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

  it('reads the context switch, interrupt and fork counters from /proc/stat', () => {
    // intr's first number is the total; the per-IRQ columns after it are not needed.
    expect(parseProcStat(fixture('proc/stat'))).toMatchObject({ contextSwitches: 1_646_202, interrupts: 640_542, forks: 7387 });
  });

  it('treats mode columns an old kernel does not print as 0', () => {
    expect(parseProcStat('cpu  10 0 5 100 1 0 0\n').total.steal).toBe(0);
    // 2.6.32 prints 9 columns (no guest_nice); the fixture's per-core idle is 450,500 jiffies.
    const old = parseProcStat(readFileSync(new URL('fixtures/old-kernel/proc/stat', import.meta.url), 'utf8'));
    expect(old.total).toEqual({ user: 60_000, nice: 1000, system: 20_000, idle: 901_000, iowait: 15_000, irq: 500, softirq: 2500, steal: 0 });
    expect(old.cores.get(1)?.idle).toBe(450_500);
  });

  it('reads meminfo sizes as bytes and unit-less counts as they are', () => {
    const info = parseMeminfo(fixture('proc/meminfo'));
    expect(info.get('MemTotal')).toBe(16_000_000 * 1024);
    expect(info.get('Active(anon)')).toBe(2_000_000 * 1024);
    expect(info.get('HugePages_Total')).toBe(0);
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
