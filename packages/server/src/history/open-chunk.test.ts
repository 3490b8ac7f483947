import { describe, expect, it } from 'vitest';
import { decodeChunk } from './chunk-codec.js';
import { applySample, OpenChunk } from './open-chunk.js';
import { roundSignificant } from './precision.js';

const T0 = 1_735_689_600_000;
const limits = { maxPoints: 120, maxSpanMs: 7_200_000 };

describe('open chunk', () => {
  it('gives back exactly what was appended: decimals, big integers, tiny and huge floats, -0, irregular times', () => {
    const t = [T0, T0 + 10_000, T0 + 20_000, T0 + 20_001, T0 + 95_000, T0 + 95_000 + 2 ** 31, T0 + 2 ** 40];
    const v = [23.4, 8_123_456_789, -0.000_001_234_57, Math.PI, -0, Number.MAX_VALUE, -12];
    const chunk = OpenChunk.of(T0, t, v);
    const back = chunk.points();
    expect(back.t).toEqual(t);
    back.v.forEach((x, i) => expect(Object.is(x, v[i]), `value ${i}`).toBe(true));
    expect([chunk.start, chunk.end, chunk.count]).toEqual([T0, t.at(-1), t.length]);
    expect(decodeChunk(chunk.encode()).t).toEqual(t);
  });

  it('holds a 10 s series of six-digit values in about three bytes a point', () => {
    const series: { open: OpenChunk | null } = { open: null };
    let level = 40;
    for (let i = 0; i < 120; i++) {
      level += Math.sin(i) * 3;
      applySample(series, T0 + i * 10_000 + (i % 3), roundSignificant(level), limits);
    }
    expect(series.open!.count).toBe(120);
    expect(series.open!.length / 120).toBeLessThan(4);
  });

  it('inserts a late sample in order, replaces one at an existing time, and refuses one before its start', () => {
    const series: { open: OpenChunk | null } = { open: null };
    for (const t of [0, 10_000, 30_000, 40_000]) applySample(series, T0 + t, t / 1000, limits);
    expect(applySample(series, T0 + 20_000, 20, limits)).toBe('changed');
    expect(applySample(series, T0 + 40_000, 40, limits)).toBe('same');
    expect(applySample(series, T0 + 40_000, 41, limits)).toBe('changed');
    expect(applySample(series, T0 + 10_000, 10, limits)).toBe('same');
    expect(applySample(series, T0 - 1, 1, limits)).toBe('late');
    expect(series.open!.points()).toEqual({ t: [0, 10, 20, 30, 40].map((s) => T0 + s * 1000), v: [0, 10, 20, 30, 41] });
    // The rhythm and the last value still follow the rewritten chunk.
    expect(applySample(series, T0 + 50_010, 50, limits)).toBe('changed');
    expect(series.open!.points().t.at(-1)).toBe(T0 + 50_000);
  });

  it('closes a full chunk and starts the next with the new sample', () => {
    const series: { open: OpenChunk | null } = { open: null };
    const small = { maxPoints: 3, maxSpanMs: 60_000 };
    const effects = [0, 1, 2, 3].map((i) => applySample(series, T0 + i * 10_000, i, small));
    expect(effects).toEqual(['changed', 'changed', 'changed', 'closed']);
    expect(series.open!.points()).toEqual({ t: [T0 + 30_000], v: [3] });
  });
});
