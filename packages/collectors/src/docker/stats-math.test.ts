import { describe, expect, it } from 'vitest';
import type { StatsSample } from './engine-answers.js';
import { blockTotals, cpuPercent, memoryUsed, networkTotals, parseEngineTime, statsMetrics } from './stats-math.js';
import type { StatsBaseline } from './stats-math.js';

const MiB = 1024 * 1024;

function sample(overrides: Partial<StatsSample> = {}): StatsSample {
  return {
    read: undefined, pids: 3, cpuTotal: 0, systemCpu: 0, onlineCpus: 4, percpuCount: undefined,
    memoryUsage: 100 * MiB, memoryLimit: 1000 * MiB, memoryStats: {}, networks: undefined, blkio: null,
    ...overrides,
  };
}

const baseline = (overrides: Partial<StatsBaseline>): StatsBaseline => ({
  at: 0, startedAt: 's', cpuTotal: undefined, systemCpu: undefined, rx: undefined, tx: undefined, read: undefined, write: undefined, ...overrides,
});

describe('docker stats formulas', () => {
  it('takes memory used as usage minus total_inactive_file on cgroup v1, not the cgroup-local inactive_file', () => {
    // 300 MiB used, 100 MiB inactive page cache in the hierarchy, 40 MiB of it in this cgroup alone.
    expect(memoryUsed(sample({ memoryUsage: 300 * MiB, memoryStats: { total_inactive_file: 100 * MiB, inactive_file: 40 * MiB } }))).toBe(200 * MiB);
  });

  it('takes memory used as usage minus inactive_file on cgroup v2, and raw usage when nothing smaller is subtractable', () => {
    expect(memoryUsed(sample({ memoryUsage: 300 * MiB, memoryStats: { inactive_file: 40 * MiB } }))).toBe(260 * MiB);
    expect(memoryUsed(sample({ memoryUsage: 30 * MiB, memoryStats: { inactive_file: 40 * MiB } }))).toBe(30 * MiB);
    expect(memoryUsed(sample({ memoryUsage: 30 * MiB, memoryStats: {} }))).toBe(30 * MiB);
  });

  it('sums network bytes over interfaces and block bytes over devices, whatever the op case, leaving Total and Sync out', () => {
    expect(networkTotals(sample({ networks: { eth0: { rx: 100, tx: 10 }, eth1: { rx: 50, tx: 5 } } }))).toEqual({ rx: 150, tx: 15 });
    expect(networkTotals(sample({ networks: undefined }))).toBeUndefined();
    const v1 = [
      { op: 'Read', value: 100 }, { op: 'Write', value: 20 }, { op: 'Sync', value: 20 }, { op: 'Total', value: 120 },
      { op: 'Read', value: 7 }, { op: 'Write', value: 3 },
    ];
    expect(blockTotals(sample({ blkio: v1 }))).toEqual({ read: 107, write: 23 });
    expect(blockTotals(sample({ blkio: [{ op: 'read', value: 5 }, { op: 'write', value: 6 }] }))).toEqual({ read: 5, write: 6 });
    expect(blockTotals(sample({ blkio: null }))).toBeUndefined();
  });

  it('computes CPU % as Δtotal_usage / Δsystem_cpu_usage × online_cpus × 100', () => {
    // 1 s of CPU time in 2 s on a 4-CPU host (8 s of host CPU time): half a core = 50 %.
    const prev = baseline({ at: 0, cpuTotal: 5e9, systemCpu: 100e9 });
    const cur = baseline({ at: 2000, cpuTotal: 6e9, systemCpu: 108e9 });
    expect(cpuPercent(prev, cur, 4, false)).toBe(50);
  });

  it('computes Podman CPU % from the wall clock between samples, since its system_cpu_usage counts busy time only', () => {
    const prev = baseline({ at: 0, cpuTotal: 5e9, systemCpu: 100e9 });
    const cur = baseline({ at: 2000, cpuTotal: 6e9, systemCpu: 100.8e9 });
    expect(cpuPercent(prev, cur, 4, true)).toBe(50);
  });

  it('gives no CPU figure when a counter went backwards or no host time passed', () => {
    expect(cpuPercent(baseline({ cpuTotal: 9e9, systemCpu: 1e9 }), baseline({ cpuTotal: 1e9, systemCpu: 2e9 }), 4, false)).toBeUndefined();
    expect(cpuPercent(baseline({ cpuTotal: 1e9, systemCpu: 2e9 }), baseline({ cpuTotal: 2e9, systemCpu: 2e9 }), 4, false)).toBeUndefined();
  });

  it('reads the engine clock with nanoseconds and ignores Go zero time', () => {
    expect(parseEngineTime('2025-01-01T00:00:02.500250000Z')).toBeCloseTo(Date.UTC(2025, 0, 1, 0, 0, 2, 500) + 0.25, 6);
    expect(parseEngineTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseEngineTime('garbage')).toBeUndefined();
  });

  it('rates counters between samples on the engine clock, and restarts the baseline when the container was restarted', () => {
    const at = Date.UTC(2025, 0, 1);
    const first = statsMetrics(undefined, sample({ read: new Date(at).toISOString(), networks: { eth0: { rx: 1000, tx: 0 } } }), { at: 1, startedAt: 'run1', useWallClock: false });
    expect(first.metrics['net.rx_bps']).toBeUndefined();
    const second = statsMetrics(first.baseline, sample({ read: new Date(at + 4000).toISOString(), networks: { eth0: { rx: 9000, tx: 0 } } }), { at: 2, startedAt: 'run1', useWallClock: false });
    expect(second.metrics['net.rx_bps']).toBe(2000);
    const restarted = statsMetrics(second.baseline, sample({ read: new Date(at + 6000).toISOString(), networks: { eth0: { rx: 10, tx: 0 } } }), { at: 3, startedAt: 'run2', useWallClock: false });
    expect(restarted.metrics['net.rx_bps']).toBeUndefined();
    expect(restarted.baseline.rx).toBe(10);
  });
});
