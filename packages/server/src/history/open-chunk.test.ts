import { describe, expect, it } from 'vitest';
import { decodeChunk } from './chunk-codec.js';
import { ChunkSlabs } from './chunk-slabs.js';
import { applySample, limitsFor, OpenChunks } from './open-chunk.js';
import { roundSignificant } from './precision.js';

const T0 = 1_735_689_600_000;
const limits = { maxPoints: 120, maxSpanMs: 7_200_000 };

/** Chunks with series 0 … n - 1 loaded and empty (no raw chunk yet). */
function chunksOf(n: number, slabs?: ChunkSlabs): OpenChunks {
  const chunks = new OpenChunks(slabs);
  for (let s = 0; s < n; s++) chunks.setNone(s);
  return chunks;
}

describe('open chunk', () => {
  it('gives back exactly what was appended: decimals, big integers, tiny and huge floats, -0, irregular times', () => {
    const t = [T0, T0 + 10_000, T0 + 20_000, T0 + 20_001, T0 + 95_000, T0 + 95_000 + 2 ** 31, T0 + 2 ** 40];
    const v = [23.4, 8_123_456_789, -0.000_001_234_57, Math.PI, -0, Number.MAX_VALUE, -12];
    const chunks = new OpenChunks();
    chunks.load(3, T0, t, v);
    const back = chunks.points(3);
    expect(back.t).toEqual(t);
    back.v.forEach((x, i) => expect(Object.is(x, v[i]), `value ${i}`).toBe(true));
    expect([chunks.start(3), chunks.end(3), chunks.count(3)]).toEqual([T0, t.at(-1), t.length]);
    expect(decodeChunk(chunks.encode(3)).t).toEqual(t);
    expect(chunks.has(3) && !chunks.has(2) && !chunks.isLoaded(2)).toBe(true);
  });

  it('holds a 10 s series of six-digit values in about three bytes a point', () => {
    const chunks = chunksOf(1);
    let level = 40;
    for (let i = 0; i < 120; i++) {
      level += Math.sin(i) * 3;
      applySample(chunks, 0, T0 + i * 10_000 + (i % 3), roundSignificant(level), limits);
    }
    expect(chunks.count(0)).toBe(120);
    expect(chunks.length(0) / 120).toBeLessThan(4);
  });

  it('holds a repeated value on a steady rhythm in one byte a point, and gives back repeats of every kind', () => {
    const chunks = chunksOf(2);
    for (let i = 0; i < 120; i++) applySample(chunks, 0, T0 + i * 10_000, 8_589_934_592, limits);
    // the first point holds the value (six bytes), the second sets the interval (a three-byte header);
    // each of the 118 repeats after them is a one-byte header
    expect(chunks.length(0)).toBe(6 + 3 + 118);
    const v = [0, 0, -0, -0, 23.4, 23.4, Math.PI, Math.PI, Number.NaN, Number.NaN, 7, 23.4, 23.4];
    const t = v.map((_, i) => T0 + i * 10_000 + (i === 5 ? 3_000 : 0));
    chunks.load(1, T0, t, v);
    const back = chunks.points(1);
    expect(back.t).toEqual(t);
    back.v.forEach((x, i) => expect(Object.is(x, v[i]), `value ${i}`).toBe(true));
  });

  it('inserts a late sample in order, replaces one at an existing time, and refuses one before its start', () => {
    const chunks = chunksOf(1);
    for (const t of [0, 10_000, 30_000, 40_000]) applySample(chunks, 0, T0 + t, t / 1000, limits);
    expect(applySample(chunks, 0, T0 + 20_000, 20, limits)).toBe('changed');
    expect(applySample(chunks, 0, T0 + 40_000, 40, limits)).toBe('same');
    expect(applySample(chunks, 0, T0 + 40_000, 41, limits)).toBe('changed');
    expect(applySample(chunks, 0, T0 + 10_000, 10, limits)).toBe('same');
    expect(applySample(chunks, 0, T0 - 1, 1, limits)).toBe('late');
    expect(chunks.points(0)).toEqual({ t: [0, 10, 20, 30, 40].map((s) => T0 + s * 1000), v: [0, 10, 20, 30, 41] });
    // The rhythm and the last value still follow the rewritten chunk.
    expect(applySample(chunks, 0, T0 + 50_010, 50, limits)).toBe('changed');
    expect(chunks.points(0).t.at(-1)).toBe(T0 + 50_000);
  });

  it('gives series chunk limits spread evenly between three quarters and all of the limit, the same for an id every time', () => {
    const points = Array.from({ length: 6_000 }, (_, id) => limitsFor(id, limits).maxPoints);
    expect(Math.min(...points)).toBe(91);
    expect(Math.max(...points)).toBe(120);
    // every length is used about as often: no flush closes a crowd of chunks that started together
    const counts = new Map<number, number>();
    for (const p of points) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(counts.size).toBe(30);
    for (const n of counts.values()) expect(n).toBe(200);
    expect(limitsFor(4_321, limits)).toEqual(limitsFor(4_321, limits));
    const { maxPoints, maxSpanMs } = limitsFor(4_321, limits);
    expect(maxSpanMs / limits.maxSpanMs).toBeCloseTo(maxPoints / limits.maxPoints, 2);
  });

  it('closes a full chunk, letting the caller read it first, and starts the next with the new sample', () => {
    const chunks = chunksOf(1);
    const small = { maxPoints: 3, maxSpanMs: 60_000 };
    const closed: unknown[] = [];
    const effects = [0, 1, 2, 3].map((i) => applySample(chunks, 0, T0 + i * 10_000, i, small, (s) => closed.push(chunks.points(s))));
    expect(effects).toEqual(['changed', 'changed', 'changed', 'closed']);
    expect(closed).toEqual([{ t: [T0, T0 + 10_000, T0 + 20_000], v: [0, 1, 2] }]);
    expect(chunks.points(0)).toEqual({ t: [T0 + 30_000], v: [3] });
    expect(chunks.unsavedSince(0)).toBeUndefined();
  });

  it('keeps every series its own points while thousands of chunks grow, close and restart in shared slabs', () => {
    // Eight series a slab, so regions move and slabs compact all the time.
    const chunks = chunksOf(2000, new ChunkSlabs(3));
    const expected = Array.from({ length: 2000 }, () => ({ t: [] as number[], v: [] as number[] }));
    const small = { maxPoints: 25, maxSpanMs: 3_600_000 };
    for (let i = 0; i < 60; i++) {
      for (let s = 0; s < 2000; s++) {
        // Some series are floats (9 bytes a point), some constant (2 bytes), some skip ticks.
        if (s % 5 === 4 && i % 3) continue;
        const t = T0 + i * 10_000;
        const v = s % 3 === 0 ? Math.sqrt(s + i) : s % 3 === 1 ? 7 : roundSignificant(s * 1.5 + i);
        const effect = applySample(chunks, s, t, v, small);
        if (effect === 'closed') expected[s] = { t: [], v: [] };
        expected[s]!.t.push(t);
        expected[s]!.v.push(v);
      }
    }
    for (let s = 0; s < 2000; s++) expect(chunks.points(s), `series ${s}`).toEqual(expected[s]);
  });
});
