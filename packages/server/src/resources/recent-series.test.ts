import { describe, expect, it } from 'vitest';
import { createRecentSeries } from './recent-series.js';

describe('recent series', () => {
  it('keeps only the window and answers from a given time', () => {
    let now = 0;
    const series = createRecentSeries({ windowMs: 10_000, now: () => now });
    for (now = 0; now <= 30_000; now += 1000) series.record('h', now, { cpu: now / 1000, bad: Number.NaN });
    now = 30_000;
    const { cpu, missing } = series.read('h', ['cpu', 'missing'], 0);
    expect(cpu!.t[0]).toBe(20_000);
    expect(cpu!.v.at(-1)).toBe(30);
    expect(cpu!.t).toHaveLength(11);
    expect(missing).toEqual({ t: [], v: [] });
    expect(series.read('h', ['cpu'], 28_000).cpu!.v).toEqual([28, 29, 30]);
  });

  it('keeps points in time order when two sources of one machine interleave out of order', () => {
    const series = createRecentSeries({ windowMs: 60_000, now: () => 10_000 });
    for (const [t, v] of [[1000, 1], [3000, 3], [2000, 2], [4000, 4], [3500, 3.5], [2000, 2.5]] as const) series.record('h', t, { cpu: v });
    expect(series.read('h', ['cpu'], 0).cpu).toEqual({ t: [1000, 2000, 3000, 3500, 4000], v: [1, 2.5, 3, 3.5, 4] });
  });

  it('stays bounded over a long run', () => {
    let now = 0;
    const series = createRecentSeries({ windowMs: 3_600_000, now: () => now });
    for (now = 0; now < 5 * 3_600_000; now += 2000) series.record('h', now, { a: 1, b: 2 });
    expect(series.pointCount).toBeLessThanOrEqual(2 * 1801);
  });
});
