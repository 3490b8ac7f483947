import { roundSignificant } from './precision.js';
import { floorTo } from './tiers.js';

/** Averages are kept to the same six significant digits as samples: a mean's full double costs the codec twice the bytes. */
const average = (sum: number, count: number): number => roundSignificant(sum / count);

/** Rollup buckets of one series, oldest first; `t` is the bucket start. */
export interface Buckets {
  t: number[];
  avg: number[];
  min: number[];
  max: number[];
  count: number[];
}

export const emptyBuckets = (): Buckets => ({ t: [], avg: [], min: [], max: [], count: [] });

/** Buckets of width `step` over raw points sorted by t. */
export function rollupRaw(t: readonly number[], v: readonly number[], step: number): Buckets {
  const out = emptyBuckets();
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const bucket = floorTo(t[i]!, step);
    const value = v[i]!;
    const last = out.t.length - 1;
    if (last < 0 || out.t[last] !== bucket) {
      if (last >= 0) out.avg.push(average(sum, out.count[last]!));
      out.t.push(bucket);
      out.min.push(value);
      out.max.push(value);
      out.count.push(1);
      sum = value;
      continue;
    }
    sum += value;
    out.count[last]! += 1;
    if (value < out.min[last]!) out.min[last] = value;
    if (value > out.max[last]!) out.max[last] = value;
  }
  if (out.t.length) out.avg.push(average(sum, out.count[out.count.length - 1]!));
  return out;
}

/**
 * Coarser buckets of width `step` over finer buckets sorted by t. The average is weighted by count,
 * so an hour's average equals the average of its raw samples however unevenly they fell into minutes.
 */
export function rollupBuckets(src: Buckets, step: number): Buckets {
  const out = emptyBuckets();
  let sum = 0;
  for (let i = 0; i < src.t.length; i++) {
    const bucket = floorTo(src.t[i]!, step);
    const n = src.count[i]!;
    const last = out.t.length - 1;
    if (last < 0 || out.t[last] !== bucket) {
      if (last >= 0) out.avg.push(average(sum, out.count[last]!));
      out.t.push(bucket);
      out.min.push(src.min[i]!);
      out.max.push(src.max[i]!);
      out.count.push(n);
      sum = src.avg[i]! * n;
      continue;
    }
    sum += src.avg[i]! * n;
    out.count[last]! += n;
    if (src.min[i]! < out.min[last]!) out.min[last] = src.min[i]!;
    if (src.max[i]! > out.max[last]!) out.max[last] = src.max[i]!;
  }
  if (out.t.length) out.avg.push(average(sum, out.count[out.count.length - 1]!));
  return out;
}

/**
 * `base` with `add` merged in by bucket time; a bucket in both takes `add`'s figures, so rolling a
 * window up twice (after a crash between the rollup and its watermark) gives the same chunk.
 */
export function mergeBuckets(base: Buckets, add: Buckets): Buckets {
  if (base.t.length === 0) return add;
  if (add.t.length === 0) return base;
  const out = emptyBuckets();
  let i = 0;
  let j = 0;
  const take = (from: Buckets, k: number): void => {
    out.t.push(from.t[k]!);
    out.avg.push(from.avg[k]!);
    out.min.push(from.min[k]!);
    out.max.push(from.max[k]!);
    out.count.push(from.count[k]!);
  };
  while (i < base.t.length || j < add.t.length) {
    const a = i < base.t.length ? base.t[i]! : Infinity;
    const b = j < add.t.length ? add.t[j]! : Infinity;
    if (b <= a) {
      take(add, j++);
      if (a === b) i++;
    } else {
      take(base, i++);
    }
  }
  return out;
}

/** Index range [lo, hi) of the sorted `t` that lies in [from, to]. */
export function rangeIndices(t: readonly number[], from: number, to: number): [number, number] {
  return [lowerBound(t, from), lowerBound(t, to + 1)];
}

/** First index whose value is ≥ `x` in sorted `t`. */
export function lowerBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
