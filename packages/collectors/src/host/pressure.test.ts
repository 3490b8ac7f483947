import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PressureMeter, parsePressure, readPressure } from './pressure.js';

const proc = (tree: string): string => fileURLToPath(new URL(`fixtures/${tree}/proc`, import.meta.url));

describe('pressure stall information', () => {
  it('parses some and full lines', () => {
    expect(parsePressure('some avg10=1.50 avg60=0.80 avg300=0.40 total=120000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n')).toEqual({
      some: { avg10: 1.5, avg60: 0.8, avg300: 0.4, totalUs: 120_000_000 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 0 },
    });
    // 4.20-5.12 kernels print no `full` line for cpu.
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n')).toEqual({ some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 5 } });
  });

  it('reads every resource, and nothing on a kernel without /proc/pressure', () => {
    expect(Object.keys(readPressure(proc('docker-container')))).toEqual(['cpu', 'memory', 'io']);
    expect(readPressure(proc('old-kernel'))).toEqual({});
  });

  it('reports the kernel averages and the share of the interval stalled, leaving out system-wide cpu full', () => {
    const meter = new PressureMeter();
    const first = meter.update(1000, readPressure(proc('docker-container')));
    expect(first).toEqual({
      'psi.cpu.some': 0, 'psi.cpu.some.avg10': 1.5, 'psi.cpu.some.avg60': 0.8,
      'psi.memory.some': 0, 'psi.memory.some.avg10': 0, 'psi.memory.some.avg60': 0.1,
      'psi.memory.full': 0, 'psi.memory.full.avg10': 0, 'psi.memory.full.avg60': 0.05,
      'psi.io.some': 0, 'psi.io.some.avg10': 0.25, 'psi.io.some.avg60': 0.3,
      'psi.io.full': 0, 'psi.io.full.avg10': 0.1, 'psi.io.full.avg60': 0.2,
    });
    // 2 s later: cpu some +100,000 µs = 0.1 s stalled of 2 s = 5 %; io some +1,000,000 µs = 50 %.
    const second = meter.update(3000, {
      cpu: { some: { avg10: 3, avg60: 1, avg300: 0.5, totalUs: 120_100_000 } },
      io: { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 46_000_000 } },
    });
    expect(second).toMatchObject({ 'psi.cpu.some': 5, 'psi.cpu.some.avg10': 3, 'psi.io.some': 50 });
    // memory vanished from the reading (cannot happen on one kernel, but must not throw or linger).
    expect(second).not.toHaveProperty('psi.memory.some');
  });

  it('reports 0 when a total goes backwards or the clock does not move', () => {
    const meter = new PressureMeter();
    meter.update(1000, { io: { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 5_000_000 } } });
    expect(meter.update(2000, { io: { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 1_000 } } })['psi.io.some']).toBe(0);
    expect(meter.update(2000, { io: { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 9_000 } } })['psi.io.some']).toBe(0);
  });
});
