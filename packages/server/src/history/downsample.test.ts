import { describe, expect, it } from 'vitest';
import { downsampleLttb, downsampleMinMax } from './downsample.js';

const T0 = 1_735_689_600_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function series(n: number, value: (i: number) => number, step = 10_000): { t: number[]; v: number[] } {
  const t = Array.from({ length: n }, (_, i) => T0 + i * step);
  return { t, v: t.map((_, i) => value(i)) };
}

const downsamplers = { lttb: downsampleLttb, minmax: downsampleMinMax };

describe.each(Object.entries(downsamplers))('%s', (_name, downsample) => {
  it('returns at most the asked number of points, keeping the first and the last', () => {
    const rand = mulberry32(1);
    for (const n of [3, 10, 101, 1000, 8640]) {
      const s = series(n, () => rand() * 100);
      for (const points of [1, 2, 3, 4, 5, 7, 50, 299, 300, 999]) {
        const out = downsample(s.t, s.v, points);
        expect(out.t.length).toBe(out.v.length);
        expect(out.t.length).toBeLessThanOrEqual(Math.min(points, n));
        if (points >= 2) expect([out.t[0], out.t.at(-1)]).toEqual([s.t[0], s.t.at(-1)]);
        if (n > points && points >= 5) expect(out.t.length).toBeGreaterThanOrEqual(points - 1);
      }
    }
  });

  it('keeps time strictly increasing and every point one of the input points', () => {
    const rand = mulberry32(2);
    const t: number[] = [];
    for (let i = 0, at = T0; i < 5000; i++) t.push((at += rand() < 0.01 ? 3_600_000 : 10_000 + Math.floor(rand() * 50)));
    const v = t.map(() => rand() * 100);
    const byTime = new Map(t.map((at, i) => [at, v[i]]));
    for (const points of [3, 10, 120, 1000]) {
      const out = downsample(t, v, points);
      out.t.forEach((at, i) => {
        if (i > 0) expect(at).toBeGreaterThan(out.t[i - 1]!);
        expect(byTime.get(at)).toBe(out.v[i]);
      });
    }
  });

  it('returns a copy, not the input, when there is nothing to reduce', () => {
    const s = series(5, (i) => i * 2);
    const out = downsample(s.t, s.v, 5);
    expect(out).toEqual(s);
    expect(out.t).not.toBe(s.t);
    expect(out.v).not.toBe(s.v);
    expect(downsample([], [], 10)).toEqual({ t: [], v: [] });
  });

  it('handles one- and two-point budgets: the latest point, then both ends', () => {
    const s = series(100, (i) => i);
    expect(downsample(s.t, s.v, 1)).toEqual({ t: [s.t[99]], v: [99] });
    expect(downsample(s.t, s.v, 2)).toEqual({ t: [s.t[0], s.t[99]], v: [0, 99] });
    expect(downsample(s.t, s.v, 3).t.length).toBeLessThanOrEqual(3);
  });

  it('refuses a bad budget or mismatched arrays', () => {
    const s = series(10, (i) => i);
    for (const points of [0, -1, 2.5, Number.NaN]) expect(() => downsample(s.t, s.v, points)).toThrow(RangeError);
    expect(() => downsample(s.t, s.v.slice(1), 5)).toThrow(/10 timestamps but 9 values/);
  });
});

describe('downsampleMinMax', () => {
  it('keeps one-sample spikes and dips that averaging would erase', () => {
    const rand = mulberry32(3);
    // A day of 10 s CPU samples hovering near 20 %, with three short spikes and a dip.
    const s = series(8640, () => 20 + rand() * 2);
    const spikes = new Map([[1234, 97.5], [4000, 88], [8000, 100], [6000, 0.5]]);
    for (const [i, value] of spikes) s.v[i] = value;
    const out = downsampleMinMax(s.t, s.v, 200);
    for (const [i, value] of spikes) expect(out.t[out.v.indexOf(value)]).toBe(s.t[i]);
    expect(Math.max(...out.v)).toBe(100);
    expect(Math.min(...out.v)).toBe(0.5);
  });

  it('emits min and max of each bucket in time order', () => {
    // First bucket (indices 1-4): the max comes before the min; second (5-8): the min before the max.
    const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => T0 + i);
    const v = [5, 9, 1, 3, 4, 4, 2, 3, 8, 5];
    const out = downsampleMinMax(t, v, 6);
    expect(out).toEqual({ t: [0, 1, 2, 6, 8, 9].map((i) => T0 + i), v: [5, 9, 1, 2, 8, 5] });
  });

  it('emits a flat bucket once', () => {
    const s = series(100, () => 7);
    const out = downsampleMinMax(s.t, s.v, 10);
    expect(out.v.every((x) => x === 7)).toBe(true);
    expect(out.t.length).toBe(6);
  });
});

describe('downsampleLttb', () => {
  it('keeps the extremes of a sine with outliers', () => {
    const rand = mulberry32(4);
    const s = series(10_000, (i) => Math.sin((i / 10_000) * 8 * Math.PI) * 10 + rand() * 0.5);
    const outliers = new Map([[777, 60], [3333, -45], [9100, 75]]);
    for (const [i, value] of outliers) s.v[i] = value;
    const out = downsampleLttb(s.t, s.v, 300);
    expect(out.t.length).toBe(300);
    for (const [i, value] of outliers) expect(out.t[out.v.indexOf(value)]).toBe(s.t[i]);
    // Every crest and trough of the four periods survives within the noise band.
    const crests = out.v.filter((x) => x > 9.5 && x < 11).length;
    const troughs = out.v.filter((x) => x < -9 && x > -11).length;
    expect(crests).toBeGreaterThanOrEqual(4);
    expect(troughs).toBeGreaterThanOrEqual(4);
  });

  it('fills the budget exactly when the input is longer', () => {
    const s = series(1000, (i) => i % 17);
    for (const points of [3, 4, 10, 999]) expect(downsampleLttb(s.t, s.v, points).t.length).toBe(points);
  });
});
