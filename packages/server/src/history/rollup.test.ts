import { describe, expect, it } from 'vitest';
import { decodeRollupChunk, encodeRollupChunk } from './chunk-format.js';
import { mergeBuckets, rollupBuckets, rollupRaw } from './rollup.js';

describe('rollups', () => {
  it('weights averages by count when rolling buckets up again', () => {
    // Minute 0 holds three samples, minute 1 one: the hour's average is over all four samples.
    const minutes = rollupRaw([0, 10_000, 20_000, 60_000], [1, 2, 3, 10], 60_000);
    expect(minutes).toEqual({ t: [0, 60_000], avg: [2, 10], min: [1, 10], max: [3, 10], count: [3, 1] });
    expect(rollupBuckets(minutes, 3_600_000)).toEqual({ t: [0], avg: [4], min: [1], max: [10], count: [4] });
  });

  it('gives the same chunk when a window is merged in twice', () => {
    const base = rollupRaw([0, 60_000], [1, 2], 60_000);
    const add = rollupRaw([60_000, 120_000], [5, 6], 60_000);
    const once = mergeBuckets(base, add);
    expect(once.t).toEqual([0, 60_000, 120_000]);
    expect(once.avg).toEqual([1, 5, 6]);
    expect(mergeBuckets(once, add)).toEqual(once);
  });

  it('round-trips a rollup chunk through its four streams', () => {
    const b = rollupRaw(Array.from({ length: 600 }, (_, i) => i * 10_000), Array.from({ length: 600 }, (_, i) => (i % 13) / 10), 60_000);
    expect(decodeRollupChunk(encodeRollupChunk(b))).toEqual(b);
  });
});
