/**
 * Reduces a series to at most `points` points for a chart. Both keep the first and the last point, so
 * the line spans the same range, and return a copy when there is nothing to reduce.
 *
 * Buckets are cut by index, not by time: a gap in the data (a host that was off) would leave time buckets
 * empty and waste the budget, while index buckets spend every point on data that exists.
 */

export interface Downsampled {
  t: number[];
  v: number[];
}

function check(t: readonly number[], v: readonly number[], points: number): void {
  if (t.length !== v.length) throw new RangeError(`downsample: ${t.length} timestamps but ${v.length} values`);
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`downsample: points must be a whole number ≥ 1, got ${points}`);
}

/** With room for one or two points only: one point is the latest value (what a one-point view shows), two are the ends. */
function ends(t: readonly number[], v: readonly number[], points: number): Downsampled {
  const last = t.length - 1;
  return points === 1 ? { t: [t[last]!], v: [v[last]!] } : { t: [t[0]!, t[last]!], v: [v[0]!, v[last]!] };
}

/** Start index of bucket `b` of `buckets` over the inner points 1..n-2; integer maths so the last bucket ends exactly at n-1. */
const bucketStart = (b: number, buckets: number, n: number): number => 1 + Math.floor((b * (n - 2)) / buckets);

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): from each bucket keep the point that makes the
 * largest triangle with the point kept before it and the average of the next bucket, which keeps the
 * visual shape (peaks, troughs, turns) far better than averaging or taking every n-th point.
 */
export function downsampleLttb(t: readonly number[], v: readonly number[], points: number): Downsampled {
  check(t, v, points);
  const n = t.length;
  if (n <= points) return { t: [...t], v: [...v] };
  if (points < 3) return ends(t, v, points);
  const buckets = points - 2;
  const out: Downsampled = { t: [t[0]!], v: [v[0]!] };
  let kept = 0;
  for (let b = 0; b < buckets; b++) {
    const from = bucketStart(b, buckets, n);
    const to = bucketStart(b + 1, buckets, n);
    // The next bucket's average; for the last bucket that is the last point itself.
    const nextTo = b + 1 < buckets ? bucketStart(b + 2, buckets, n) : n;
    let avgT = 0;
    let avgV = 0;
    for (let i = to; i < nextTo; i++) {
      avgT += t[i]!;
      avgV += v[i]!;
    }
    avgT /= nextTo - to;
    avgV /= nextTo - to;
    let best = from;
    let bestArea = -1;
    const [keptT, keptV] = [t[kept]!, v[kept]!];
    for (let i = from; i < to; i++) {
      const area = Math.abs((keptT - avgT) * (v[i]! - keptV) - (keptT - t[i]!) * (avgV - keptV));
      if (area > bestArea) [best, bestArea] = [i, area];
    }
    out.t.push(t[best]!);
    out.v.push(v[best]!);
    kept = best;
  }
  out.t.push(t[n - 1]!);
  out.v.push(v[n - 1]!);
  return out;
}

/**
 * Min/max buckets: each bucket contributes its lowest and highest point in time order, so a one-sample
 * spike is never averaged away — what an operator zooming out to a week needs to see.
 */
export function downsampleMinMax(t: readonly number[], v: readonly number[], points: number): Downsampled {
  check(t, v, points);
  const n = t.length;
  if (n <= points) return { t: [...t], v: [...v] };
  if (points < 4) return ends(t, v, points);
  const buckets = Math.floor((points - 2) / 2);
  const out: Downsampled = { t: [t[0]!], v: [v[0]!] };
  for (let b = 0; b < buckets; b++) {
    const from = bucketStart(b, buckets, n);
    const to = bucketStart(b + 1, buckets, n);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (v[i]! < v[lo]!) lo = i;
      if (v[i]! > v[hi]!) hi = i;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      out.t.push(t[i]!);
      out.v.push(v[i]!);
    }
  }
  out.t.push(t[n - 1]!);
  out.v.push(v[n - 1]!);
  return out;
}
