import { describe, expect, it } from 'vitest';
import { applySample, OpenChunks } from './open-chunk.js';
import { rhythmTolerance, roundSignificant } from './precision.js';

describe('stored precision', () => {
  it('keeps six significant digits of fractions, as the decimal they round to, and integers exact', () => {
    expect(roundSignificant(23.456789012)).toBe(23.4568);
    expect(roundSignificant(0.000123456789)).toBe(0.000123457);
    expect(roundSignificant(-7.1234567)).toBe(-7.12346);
    expect(roundSignificant(1234567.891)).toBe(1234570);
    expect(roundSignificant(8_123_456_789)).toBe(8_123_456_789);
    expect(roundSignificant(0)).toBe(0);
    expect(roundSignificant(99.99999999)).toBe(100);
    for (let i = 0; i < 1000; i++) {
      const v = (Math.random() - 0.5) * 10 ** (Math.floor(Math.random() * 16) - 8);
      const r = roundSignificant(v);
      expect(r).toBe(Number(v.toPrecision(6)));
    }
  });

  it('puts a timestamp a few ms off its series rhythm on it, and leaves real changes of interval alone', () => {
    const limits = { maxPoints: 100, maxSpanMs: 3_600_000 };
    const chunks = new OpenChunks();
    chunks.setNone(0);
    for (const t of [0, 10_003, 19_998, 30_004, 40_090, 45_000]) applySample(chunks, 0, t, 1, limits);
    // 10,003 sets the rhythm; 19,998 and 30,004 are within 50 ms of it; 40,090 is not; 45,000 is a new interval.
    expect(chunks.points(0).t).toEqual([0, 10_003, 20_006, 30_009, 40_090, 45_000]);
    expect(rhythmTolerance(10_000)).toBe(50);
    expect(rhythmTolerance(1000)).toBe(20);
    expect(rhythmTolerance(250)).toBe(5);
  });
});
