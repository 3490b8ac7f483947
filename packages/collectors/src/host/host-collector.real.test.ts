import { existsSync } from 'node:fs';
import { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { createHostCollector } from './host-collector.js';
import type { TemperatureReading } from './temperatures.js';
import type { TopProcesses } from './top-processes.js';

// Runs against this machine's own /proc and /sys, so it only checks that figures are plausible.
describe.runIf(existsSync('/proc/stat'))('host collector on this machine', () => {
  it('reports plausible figures for every part this machine has, without a warning', async () => {
    const warnings: unknown[] = [];
    const collector = createHostCollector({ logger: { warn: (obj) => warnings.push(obj) }, processScanMs: 0 });
    collector.collect(Date.now());
    // Burn some CPU so this process has something to show between the two PID scans.
    const until = Date.now() + 150;
    while (Date.now() < until) Math.sqrt(Math.random());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const host = collector.collect(Date.now());
    const m = host.metrics;

    expect(warnings).toEqual([]);
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    for (const [key, value] of Object.entries(m)) expect(Number.isFinite(value), key).toBe(true);
    for (const [key, value] of Object.entries(m)) if (!key.startsWith('temp.')) expect(value, key).toBeGreaterThanOrEqual(0);
    for (const key of ['cpu', 'cpu.user', 'cpu.idle', 'mem.percent', 'swap.percent', 'disk.percent']) {
      expect(m[key], key).toBeLessThanOrEqual(100);
    }
    expect(m['mem.used']).toBeLessThanOrEqual(m['mem.total']!);
    expect(m['cpu.ctxt']).toBeGreaterThan(0);
    expect(m['procs.total']).toBeGreaterThan(0);

    if (existsSync('/proc/pressure/cpu')) {
      expect(m['psi.cpu.some.avg10']).toBeDefined();
      for (const [key, value] of Object.entries(m)) if (key.startsWith('psi.')) expect(value, key).toBeLessThanOrEqual(100);
    }
    if (existsSync('/proc/spl/kstat/zfs/arcstats')) expect(m['mem.zfs_arc']).toBeGreaterThan(0);
    for (const sensor of host.details.temperatures as TemperatureReading[]) {
      expect(sensor.celsius, sensor.id).toBeGreaterThan(-60);
      expect(sensor.celsius, sensor.id).toBeLessThan(200);
    }

    const top = host.details.topProcesses as TopProcesses;
    const self = top.byMemory.find((p) => p.pid === process.pid) ?? top.byCpu.find((p) => p.pid === process.pid);
    expect(top.byMemory.length).toBeGreaterThan(0);
    expect(top.byMemory.length).toBeLessThanOrEqual(10);
    for (const p of [...top.byCpu, ...top.byMemory]) expect(p.cpuPercent >= 0 && p.rssBytes >= 0, p.name).toBe(true);
    // This test's own process is busy and tens of MB: it should show up, with its RSS about right.
    if (self) expect(self.rssBytes).toBeGreaterThan(process.memoryUsage().rss / 2);
  });
});
