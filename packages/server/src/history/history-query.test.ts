import { describe, expect, it } from 'vitest';
import { readHistory, shrink, tierOrder } from './history-query.js';
import { createMemoryMetricStore } from './metric-store-memory.js';

const retention = { raw: 86_400_000, '1m': 7 * 86_400_000, '1h': 90 * 86_400_000, '1d': 730 * 86_400_000 };
const now = 1_800_000_000_000;
const hour = 3_600_000;
const day = 24 * hour;

describe('history tier choice', () => {
  it('picks the finest tier that holds the range without far too many points, then coarser, then finer', () => {
    expect(tierOrder(now - hour, now, 600, now, retention)).toEqual(['raw', '1m', '1h', '1d']);
    expect(tierOrder(now - 7 * day + 1000, now, 600, now, retention)).toEqual(['1h', '1d', '1m', 'raw']);
    expect(tierOrder(now - 365 * day, now, 600, now, retention)).toEqual(['1d', '1h', '1m', 'raw']);
    // Beyond every retention: still answer from the coarsest, then the rest.
    expect(tierOrder(now - 5000 * day, now, 600, now, retention)[0]).toBe('1d');
    // Raw is out of retention past a day even for few points.
    expect(tierOrder(now - 2 * day, now - 2 * day + hour, 600, now, retention)[0]).toBe('1m');
  });
});

describe('shrink', () => {
  it('keeps spikes in min/max and weights averages by count', () => {
    const t = Array.from({ length: 100 }, (_, i) => i * 1000);
    const v = t.map((_, i) => (i === 37 ? 100 : 1));
    const out = shrink({ t, v }, 10);
    expect(out.t).toHaveLength(10);
    expect(Math.max(...out.max!)).toBe(100);
    expect(Math.min(...out.min!)).toBe(1);
    const total = out.v.reduce((sum, avg, i) => sum + avg * out.count![i]!, 0);
    expect(total).toBeCloseTo(v.reduce((a, b) => a + b, 0));
    const weighted = shrink({ t: [0, 1, 2, 3], v: [10, 20, 10, 20], count: [1, 3, 1, 3], min: [0, 5, 0, 5], max: [50, 30, 50, 30] }, 1);
    expect(weighted).toEqual({ t: [0], v: [17.5], count: [8], min: [0], max: [50] });
  });

  it('returns the points untouched when there are few enough', () => {
    const points = { t: [1, 2], v: [3, 4] };
    expect(shrink(points, 10)).toBe(points);
  });
});

describe('readHistory', () => {
  it('fills the newest stretch a coarse tier has not rolled up yet from the finer tiers', async () => {
    const store = createMemoryMetricStore({ now: () => clock, retention });
    let clock = now - 3 * day;
    // Three days at one sample a minute; maintenance runs as the server would, so the 1 h tier
    // stops at the last finished day and the 1 m tier at the last finished hour.
    for (let t = now - 3 * day; t < now; t += 60_000) {
      store.append([{ resource: 'h', metric: 'cpu', t, v: (t / 60_000) % 10 }]);
      if (t % hour === 0) {
        clock = t;
        await store.maintain();
      }
    }
    clock = now;
    await store.flush();
    const rolledUntil = (await store.read('h', 'cpu', '1h', now - 3 * day, now)).t.at(-1)!;
    expect(rolledUntil).toBeLessThan(now - 2 * hour);
    const [cpu] = await readHistory(store, { resource: 'h', metrics: ['cpu'], from: now - 3 * day, to: now, points: 300 }, now, retention);
    expect(cpu!.tier).toBe('1h');
    // Every minute counted once (hourly buckets, then minutes, then raw samples, no overlap), up to now.
    expect(cpu!.count!.reduce((a, b) => a + b, 0)).toBe(3 * 24 * 60);
    expect(cpu!.t).toEqual([...cpu!.t].sort((a, b) => a - b));
    expect(new Set(cpu!.t).size).toBe(cpu!.t.length);
    expect(cpu!.t.at(-1)).toBeGreaterThanOrEqual(now - 20 * 60_000);
  });
});
