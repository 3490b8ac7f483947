import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLocalSource } from './local-source.js';

// Runs against this machine's own /proc and /sys, so it only checks that figures are sane.
describe.runIf(existsSync('/proc/stat'))('local source on this machine', () => {
  it('reports sane figures and a stable id across two sources', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (obj: object) => warnings.push(obj) };
    const local = createLocalSource({ intervalMs: 1000, logger });
    local.collect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const host = local.collect();
    const m = host.metrics;

    expect(warnings).toEqual([]);
    expect(m.cpu).toBeGreaterThanOrEqual(0);
    expect(m.cpu).toBeLessThanOrEqual(100);
    expect(m['mem.total']).toBeGreaterThan(0);
    expect(m['mem.used']).toBeLessThanOrEqual(m['mem.total']!);
    expect(m.cores).toBeGreaterThanOrEqual(1);
    expect(m['procs.total']).toBeGreaterThan(0);
    expect((host.details.filesystems as unknown[]).length).toBeGreaterThanOrEqual(1);
    for (const [key, value] of Object.entries(m)) {
      expect(Number.isFinite(value) && value >= 0, key).toBe(true);
    }
    for (const core of host.details.cores as number[]) expect(core >= 0 && core <= 100).toBe(true);

    expect(createLocalSource({ intervalMs: 1000, logger }).collect().id).toBe(host.id);
  });
});
