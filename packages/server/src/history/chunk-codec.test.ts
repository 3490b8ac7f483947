import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChunkError, decodeChunk, encodeChunk } from './chunk-codec.js';

/** mulberry32: a tiny seeded PRNG so property tests are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z
const regular = (n: number, step = 10_000, start = T0): number[] => Array.from({ length: n }, (_, i) => start + i * step);

/** A CPU-percent gauge: a clamped random walk rounded to one decimal, as agents report it. */
function cpuSeries(rand: () => number, n: number): number[] {
  let x = 20 + rand() * 30;
  return Array.from({ length: n }, () => {
    x = Math.min(100, Math.max(0, x + (rand() - 0.5) * 6));
    return Math.round(x * 10) / 10;
  });
}

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ChunkError);
    return (error as ChunkError).code;
  }
  throw new Error('expected a ChunkError');
}

function roundTrip(t: number[], v: number[]): Uint8Array {
  const bytes = encodeChunk(t, v);
  const back = decodeChunk(bytes);
  expect(back.t).toEqual(t);
  // toEqual treats -0 and 0 as equal; Object.is compares the float64 bits that matter here.
  expect(back.v.length).toBe(v.length);
  back.v.forEach((x, i) => {
    if (!Object.is(x, v[i])) throw new Error(`value ${i}: decoded ${x}, encoded ${v[i]}`);
  });
  return bytes;
}

describe('encodeChunk / decodeChunk', () => {
  it('round-trips a regular 10 s series with noise', () => {
    const rand = mulberry32(1);
    roundTrip(regular(360), regular(360).map(() => 50 + (rand() - 0.5) * 10));
  });

  it('round-trips a constant series', () => {
    roundTrip(regular(500), new Array<number>(500).fill(42.5));
    roundTrip(regular(100), new Array<number>(100).fill(0));
  });

  it('round-trips random walks at one decimal and at full precision', () => {
    const rand = mulberry32(2);
    roundTrip(regular(360), cpuSeries(rand, 360));
    let x = 0;
    roundTrip(regular(1000), regular(1000).map(() => (x += rand() - 0.5)));
  });

  it('round-trips irregular timestamps, repeated timestamps and long gaps', () => {
    const rand = mulberry32(3);
    const t: number[] = [T0];
    for (let i = 1; i < 400; i++) {
      const pick = rand();
      const step = pick < 0.1 ? 0 : pick < 0.2 ? Math.floor(rand() * 86_400_000 * 30) : 10_000 + Math.floor(rand() * 40) - 20;
      t.push(t[i - 1]! + step);
    }
    roundTrip(t, t.map(() => Math.round(rand() * 1000)));
  });

  it('round-trips empty and single-point chunks', () => {
    expect(decodeChunk(encodeChunk([], []))).toEqual({ t: [], v: [] });
    roundTrip([T0], [3.25]);
    roundTrip([0], [-0]);
    roundTrip([T0, T0 + 1], [1, 2]);
  });

  it('keeps every float64 bit: -0, subnormals, extremes, and timestamps up to 2^53', () => {
    const v = [-0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072e-308, Number.MAX_VALUE, -Number.MAX_VALUE];
    v.push(1e-300, 1e300, 0.1 + 0.2, Math.PI, -1, 2 ** 53, 2 ** 64, -0, -0, 5e-324, 123456789.123456789);
    const t = [0, 1, 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 52, 2 ** 52, 2 ** 53 - 2];
    while (t.length < v.length) t.push(Number.MAX_SAFE_INTEGER);
    roundTrip(t, v);
    roundTrip([0, Number.MAX_SAFE_INTEGER], [0, 0]);
    roundTrip(regular(50), regular(50).map((_, i) => (i % 2 ? 4503599627370495 : -4503599627370495)));
  });

  it('round-trips seeded random chunks of every shape (property test)', () => {
    const rand = mulberry32(42);
    const pickValue = (kind: number, prev: number): number => {
      switch (kind) {
        case 0: return Math.round(rand() * 1e6) / 10 ** Math.floor(rand() * 4);
        case 1: return prev + Math.round((rand() - 0.5) * 100) / 100;
        case 2: return (rand() - 0.5) * 10 ** Math.floor(rand() * 600 - 300);
        case 3: return rand() < 0.5 ? prev : Math.floor(rand() * 2 ** 53) * (rand() < 0.5 ? -1 : 1);
        default: {
          const view = new DataView(new ArrayBuffer(8));
          do {
            view.setUint32(0, Math.floor(rand() * 2 ** 32));
            view.setUint32(4, Math.floor(rand() * 2 ** 32));
          } while (!Number.isFinite(view.getFloat64(0)));
          return view.getFloat64(0);
        }
      }
    };
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(rand() * (round % 10 === 0 ? 2000 : 80));
      const kind = round % 5;
      const jitter = Math.floor(rand() * 3) * 10 ** Math.floor(rand() * 8);
      const t: number[] = [];
      const v: number[] = [];
      let at = Math.floor(rand() * 2 ** (rand() < 0.1 ? 52 : 41));
      for (let i = 0; i < n; i++) {
        at = Math.min(Number.MAX_SAFE_INTEGER, at + Math.max(0, 10_000 + Math.floor((rand() - 0.5) * jitter)));
        t.push(at);
        v.push(pickValue(kind, v[i - 1] ?? 0));
      }
      roundTrip(t, v);
    }
  });

  it('refuses input it cannot encode exactly', () => {
    expect(() => encodeChunk([1, 2], [1])).toThrow(/2 timestamps but 1 values/);
    expect(() => encodeChunk([2, 1], [1, 1])).toThrow(/backwards/);
    expect(() => encodeChunk([1.5], [1])).toThrow(/safe integer/);
    expect(() => encodeChunk([-1], [1])).toThrow(/safe integer/);
    expect(() => encodeChunk([2 ** 53], [1])).toThrow(/safe integer/);
    expect(() => encodeChunk([1], [Number.NaN])).toThrow(/not finite/);
    expect(() => encodeChunk([1], [Number.POSITIVE_INFINITY])).toThrow(/not finite/);
    expect(errorCode(() => encodeChunk([1], [Number.NaN]))).toBe('history.chunk_invalid');
  });

  it('throws on truncated, extended, bit-flipped or foreign input instead of returning garbage', () => {
    const rand = mulberry32(7);
    const good = encodeChunk(regular(200), cpuSeries(rand, 200));
    const isCorrupt = (bytes: Uint8Array): boolean => errorCode(() => decodeChunk(bytes)) === 'history.chunk_corrupt';
    expect(isCorrupt(new Uint8Array())).toBe(true);
    expect(() => decodeChunk(Uint8Array.of(9, 0, 0, 0, 0, 0))).toThrow(/format version 9/);
    for (let cut = 0; cut < good.length; cut++) {
      expect(isCorrupt(good.subarray(0, cut))).toBe(true);
    }
    expect(isCorrupt(Uint8Array.of(...good, 0))).toBe(true);
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = good.slice();
      bad[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      expect(isCorrupt(bad)).toBe(true);
    }
    for (let i = 0; i < 200; i++) {
      const noise = Uint8Array.from({ length: 6 + Math.floor(rand() * 60) }, () => Math.floor(rand() * 256));
      noise[0] = 1;
      expect(isCorrupt(noise)).toBe(true);
    }
  });

  it('never hangs or returns impossible points when tampered bytes carry a valid checksum', () => {
    const rand = mulberry32(9);
    const sources = [encodeChunk(regular(100), cpuSeries(rand, 100)), encodeChunk(regular(100), regular(100).map(() => rand() * 1e9))];
    for (let round = 0; round < 1500; round++) {
      const bad = sources[round % 2]!.slice();
      for (let flips = 1 + Math.floor(rand() * 3); flips > 0; flips--) bad[1 + Math.floor(rand() * (bad.length - 5))]! ^= 1 << Math.floor(rand() * 8);
      new DataView(bad.buffer).setUint32(bad.length - 4, crc32(bad.subarray(0, bad.length - 4)));
      try {
        const { t, v } = decodeChunk(bad);
        expect(v.length).toBe(t.length);
        t.forEach((at, i) => expect(Number.isSafeInteger(at) && at >= (t[i - 1] ?? 0)).toBe(true));
        expect(v.every(Number.isFinite)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ChunkError);
      }
    }
  });

  it('decodes a chunk sliced out of a larger buffer', () => {
    const bytes = encodeChunk([T0, T0 + 10_000], [1.5, 2.5]);
    const host = new Uint8Array(bytes.length + 7);
    host.set(bytes, 3);
    expect(decodeChunk(host.subarray(3, 3 + bytes.length))).toEqual({ t: [T0, T0 + 10_000], v: [1.5, 2.5] });
  });
});

describe('chunk size', () => {
  const bytesPerPoint = (t: number[], v: number[]): number => roundTrip(t, v).length / t.length;

  it('stores an hour of 10 s CPU percent (one decimal) in under 1.3 bytes per point', () => {
    const figures = [1, 2, 3, 4, 5].map((seed) => bytesPerPoint(regular(360), cpuSeries(mulberry32(seed), 360)));
    console.info('cpu % at 10 s, regular t, bytes/point:', figures.map((f) => f.toFixed(3)).join(' '));
    for (const f of figures) expect(f).toBeLessThan(1.3);
  });

  it('stays near 2 bytes per point when the collector stamps Date.now() with ms jitter', () => {
    const figures = [2, 25].map((jitter) => {
      const rand = mulberry32(jitter);
      const t = regular(360).map((at) => at + Math.round((rand() - 0.5) * 2 * jitter));
      return bytesPerPoint(t, cpuSeries(rand, 360));
    });
    console.info('cpu % at 10 s, ±2 ms / ±25 ms jitter, bytes/point:', figures.map((f) => f.toFixed(3)).join(' '));
    expect(figures[0]).toBeLessThan(1.9);
    expect(figures[1]).toBeLessThan(2.5);
  });

  it('stores a regular constant series in under 0.1 bytes per point', () => {
    const figure = bytesPerPoint(regular(360), new Array<number>(360).fill(12.5));
    console.info('constant at 10 s, bytes/point:', figure.toFixed(3));
    expect(figure).toBeLessThan(0.1);
  });

  it('records what full-precision floats cost (Gorilla XOR path)', () => {
    let x = 0;
    const rand = mulberry32(5);
    const figure = bytesPerPoint(regular(360), regular(360).map(() => (x += rand() - 0.5)));
    console.info('full-precision random walk, bytes/point:', figure.toFixed(3));
    expect(figure).toBeLessThan(9);
  });
});
