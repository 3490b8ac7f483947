import { describe, expect, it } from 'vitest';
import { ChunkError } from './chunk-codec.js';
import { decodeHeadBatch, encodeHeadBatch, type HeadSample } from './head-log.js';

const T0 = 1_735_689_600_000;

describe('head log rows', () => {
  it('round-trips decimals, integers, full floats, -0 and times going back between series', () => {
    const samples: HeadSample[] = [
      { seriesId: 1, t: T0, v: 23.4 },
      { seriesId: 1, t: T0 + 10_000, v: 4_123_456_789 },
      { seriesId: 2, t: T0 - 7, v: Math.PI },
      { seriesId: 2, t: T0 - 7, v: -0 },
      { seriesId: 9, t: T0 + 3, v: -0.000_001 },
      { seriesId: 30_000, t: T0 + 5, v: Number.MAX_VALUE },
    ];
    const back = decodeHeadBatch(encodeHeadBatch(samples));
    expect(back).toHaveLength(samples.length);
    back.forEach((s, i) => {
      expect(s.seriesId).toBe(samples[i]!.seriesId);
      expect(s.t).toBe(samples[i]!.t);
      expect(Object.is(s.v, samples[i]!.v), `value ${i}`).toBe(true);
    });
  });

  it('spends a few bytes on a typical sample', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => ({ seriesId: i + 1, t: T0 + (i % 7), v: Math.round(i * 1.7) / 10 }));
    expect(encodeHeadBatch(samples).length / samples.length).toBeLessThan(5);
  });

  it('refuses a damaged row instead of replaying wrong samples', () => {
    const bytes = encodeHeadBatch([{ seriesId: 1, t: T0, v: 1.5 }, { seriesId: 2, t: T0, v: 2.5 }]);
    bytes[4]! ^= 0x10;
    expect(() => decodeHeadBatch(bytes)).toThrow(ChunkError);
  });
});
