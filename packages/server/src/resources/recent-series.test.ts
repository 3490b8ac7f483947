import { describe, expect, it } from 'vitest';
import { createMemoryMetricStore } from '../history/metric-store-memory.js';
import { DEFAULT_RETENTION_MS } from '../history/tiers.js';
import { createRecentSeries } from './recent-series.js';

const T0 = 1_735_689_600_000;

describe('recent series', () => {
  it('answers the window from the raw history, flushed or still buffered, and empty for an unknown metric', async () => {
    let now = T0;
    const store = createMemoryMetricStore({ now: () => now, retention: DEFAULT_RETENTION_MS });
    const series = createRecentSeries({ source: store, windowMs: 10_000, now: () => now });
    for (now = T0; now <= T0 + 30_000; now += 1000) {
      store.append([{ resource: 'h', metric: 'cpu', t: now, v: (now - T0) / 1000 }, { resource: 'h', metric: 'bad', t: now, v: Number.NaN }]);
      if ((now - T0) % 5000 === 0) await store.flush();
    }
    now = T0 + 30_000;
    const { cpu, missing, bad } = await series.read('h', ['cpu', 'missing', 'bad'], 0);
    expect(cpu!.t[0]).toBe(T0 + 20_000);
    expect(cpu!.v.at(-1)).toBe(30);
    expect(cpu!.t).toHaveLength(11);
    expect(missing).toEqual({ t: [], v: [] });
    expect(bad).toEqual({ t: [], v: [] });
    expect((await series.read('h', ['cpu'], T0 + 28_000)).cpu!.v).toEqual([28, 29, 30]);
  });

  it('keeps points in time order when two sources of one machine interleave out of order', async () => {
    const now = T0 + 10_000;
    const store = createMemoryMetricStore({ now: () => now, retention: DEFAULT_RETENTION_MS });
    const series = createRecentSeries({ source: store, windowMs: 60_000, now: () => now });
    store.append([[1000, 1], [3000, 3]].map(([t, v]) => ({ resource: 'h', metric: 'cpu', t: T0 + t!, v: v! })));
    await store.flush();
    store.append([[2000, 2], [4000, 4], [3500, 3.5], [2000, 2.5]].map(([t, v]) => ({ resource: 'h', metric: 'cpu', t: T0 + t!, v: v! })));
    await store.flush();
    expect((await series.read('h', ['cpu'], 0)).cpu).toEqual({ t: [1000, 2000, 3000, 3500, 4000].map((t) => T0 + t), v: [1, 2.5, 3, 3.5, 4] });
  });
});
