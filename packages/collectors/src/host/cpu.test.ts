import { describe, expect, it } from 'vitest';
import { CpuMeter, busyPercent, cpuModesBetween } from './cpu.js';
import type { CpuTimes, ProcStat } from './proc-readers.js';

const times = (t: Partial<CpuTimes>): CpuTimes => ({
  user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, ...t,
});
const stat = (total: CpuTimes, cores: CpuTimes[]): ProcStat => ({
  total, cores: new Map(cores.map((c, i) => [i, c])), procsRunning: 0, procsBlocked: 0, bootTimeSec: 0,
  contextSwitches: 0, interrupts: 0, forks: 0,
});

describe('CPU usage', () => {
  it('splits the interval across modes and counts busy as everything but idle and iowait', () => {
    const modes = cpuModesBetween(times({ user: 100, idle: 100 }), times({ user: 400, iowait: 100, idle: 700 }))!;
    expect(modes).toMatchObject({ user: 30, iowait: 10, idle: 60 });
    expect(busyPercent(modes)).toBe(30);
  });

  it('never reports a negative share when iowait steps backwards', () => {
    const modes = cpuModesBetween(times({ user: 100, iowait: 50, idle: 100 }), times({ user: 200, iowait: 40, idle: 200 }))!;
    expect(modes.iowait).toBe(0);
    expect(modes.user).toBe(50);
  });

  it('reports the since-boot average on the first sample', () => {
    const usage = new CpuMeter().update(stat(times({ user: 25, idle: 75 }), [times({ user: 25, idle: 75 })]));
    expect(usage.cores).toEqual([25]);
  });

  it('repeats a core\'s previous value when no jiffies passed for it', () => {
    const meter = new CpuMeter();
    meter.update(stat(times({ user: 50, idle: 50 }), [times({ user: 50, idle: 50 })]));
    const usage = meter.update(stat(times({ user: 50, idle: 50 }), [times({ user: 50, idle: 50 })]));
    expect(usage.cores).toEqual([50]);
    expect(usage.modes.user).toBe(50);
  });

  it('survives cores being hot-plugged in and out', () => {
    const meter = new CpuMeter();
    meter.update(stat(times({ user: 10, idle: 10 }), [times({ user: 10, idle: 10 })]));
    const grown = meter.update(stat(times({ user: 30, idle: 30 }), [times({ user: 20, idle: 20 }), times({ user: 10, idle: 30 })]));
    expect(grown.cores).toEqual([50, 25]);
    const shrunk = meter.update(stat(times({ user: 40, idle: 40 }), [times({ user: 30, idle: 30 })]));
    expect(shrunk.cores).toEqual([50]);
  });
});
