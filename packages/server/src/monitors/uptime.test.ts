import { describe, expect, it } from 'vitest';
import { createMemoryMetricStore } from '../history/metric-store-memory.js';
import { startHistoryRecorder } from '../history/recorder.js';
import { createRegistry } from '../resources/index.js';
import { uptimePercent, uptimeRanges } from './uptime.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const retention = { raw: DAY, '1m': 7 * DAY, '1h': 90 * DAY, '1d': 730 * DAY };
const silent = { error: () => undefined } as never;

describe('uptime', () => {
  it('is the share of checks up over the range, read through the recorder path and the rollup tiers', async () => {
    const start = 1_800_000_000_000 - 3 * DAY;
    let clock = start;
    const store = createMemoryMetricStore({ now: () => clock, retention });
    const registry = createRegistry();
    const recorder = startHistoryRecorder({ registry, store, flushIntervalMs: 3_600_000, maintainEveryMs: 3_600_000, now: () => clock, logger: silent });
    // Three days of a check a minute; down for the first 36 minutes of every hour after the first day.
    for (let t = start; t < start + 3 * DAY; t += 60_000) {
      clock = t;
      const up = t - start < DAY || (t % HOUR) >= 36 * 60_000 ? 1 : 0;
      registry.apply({ source: 'monitors', at: t, complete: false, resources: [{ id: 'monitor:m1', type: 'monitor', name: 'm1', source: 'monitors', status: 'online', metrics: { up, rt: 12 }, details: {}, identity: {}, tags: [] }] });
      if (t % HOUR === 0) await store.maintain();
    }
    clock = start + 3 * DAY;
    await store.flush();
    const history = { store, retention: () => retention };
    expect(await uptimePercent(history, 'm1', DAY, clock)).toBeCloseTo(40, 0);
    expect(await uptimePercent(history, 'm1', 3 * DAY, clock)).toBeCloseTo(60, 0);
    // The status pages hand the bare metric store: the same figures.
    expect(await uptimePercent(store, 'm1', 3 * DAY, clock)).toBeCloseTo(60, 0);
    expect(await uptimeRanges(history, 'm1', clock)).toMatchObject({ '24h': expect.closeTo(40, 0), '1y': expect.closeTo(60, 0) });
    expect(await uptimePercent(history, 'never-checked', DAY, clock)).toBeNull();
    await recorder.stop();
  });
});
