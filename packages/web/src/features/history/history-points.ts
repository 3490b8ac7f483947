/*
 * One metric's history as the charts hold it, and the few things done to it: read from the API,
 * extended by live samples, topped up with a finer tier where a coarse one stops short, trimmed
 * as a live window slides. Every function returns new arrays, so a signal holding them changes.
 */

export type Tier = 'raw' | '1m' | '1h' | '1d';

/** One series of `GET /api/metrics/history`: rollup tiers and downsampled raw carry min/max/count. */
export interface WireSeries {
  metric: string;
  tier: Tier;
  t: number[];
  v: number[];
  min?: number[];
  max?: number[];
  count?: number[];
}

export interface HistoryResponse {
  resource: string;
  from: number;
  to: number;
  series: WireSeries[];
}

/** Oldest first, every column filled: a raw point is its own min and max, with a count of 1. */
export interface Points {
  /** The tier the bulk of the points came from. */
  tier: Tier;
  /** The tier of the newest points: a top-up from a finer tier may follow the bulk. */
  newest: Tier;
  t: number[];
  v: number[];
  min: number[];
  max: number[];
  count: number[];
}

export const TIER_STEP_MS: Record<Tier, number> = { raw: 0, '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export function pointsOf(s: WireSeries): Points {
  return {
    tier: s.tier,
    newest: s.tier,
    t: s.t.slice(),
    v: s.v.slice(),
    min: s.min?.slice() ?? s.v.slice(),
    max: s.max?.slice() ?? s.v.slice(),
    count: s.count?.slice() ?? s.v.map(() => 1),
  };
}

export const emptyPoints = (tier: Tier = 'raw'): Points => ({ tier, newest: tier, t: [], v: [], min: [], max: [], count: [] });

const lastOf = (p: Points): number | undefined => p.t[p.t.length - 1];

/**
 * A live sample added at the right edge. Within `bucketMs` of the last point it is folded into it
 * (average weighted by count, min and max widened), so a 7-day chart gains one point per bucket,
 * not one per sample; later, it starts a new point. A sample at or before the last point is one
 * the history already holds. (A sample inside the last bucket may have been flushed into it too and
 * so counts twice in its average; at a few samples in hundreds that is not visible, min/max are exact.)
 */
export function addSample(p: Points, t: number, v: number, bucketMs: number): Points {
  const last = lastOf(p);
  if (last !== undefined && t <= last) return p;
  if (last === undefined || t - last >= bucketMs) {
    return { ...p, t: [...p.t, t], v: [...p.v, v], min: [...p.min, v], max: [...p.max, v], count: [...p.count, 1] };
  }
  const i = p.t.length - 1;
  const n = p.count[i]!;
  const out = { ...p, v: p.v.slice(), min: p.min.slice(), max: p.max.slice(), count: p.count.slice() };
  out.v[i] = (p.v[i]! * n + v) / (n + 1);
  out.min[i] = Math.min(p.min[i]!, v);
  out.max[i] = Math.max(p.max[i]!, v);
  out.count[i] = n + 1;
  return out;
}

/** Drops points before `from`, keeping the last one before it so the line still enters at the left edge. */
export function dropBefore(p: Points, from: number): Points {
  let k = 0;
  while (k + 1 < p.t.length && p.t[k + 1]! <= from) k++;
  if (k === 0) return p;
  return { ...p, t: p.t.slice(k), v: p.v.slice(k), min: p.min.slice(k), max: p.max.slice(k), count: p.count.slice(k) };
}

/**
 * Where a series stops well short of `to`, the time from which a finer tier may hold what this one
 * has not rolled up yet (the hourly tier is built once a day, so a 7-day chart would otherwise end
 * up to a day early). Undefined when nothing is missing, or the series is raw, the finest there is.
 */
export function tailFrom(p: Points, to: number, bucketMs: number): number | undefined {
  const last = lastOf(p);
  if (last === undefined || p.newest === 'raw') return undefined;
  const end = last + TIER_STEP_MS[p.newest];
  return to - end > 2 * bucketMs ? end : undefined;
}

/** `p` followed by the points of `tail` that come after it. */
export function appendTail(p: Points, tail: Points): Points {
  const last = lastOf(p) ?? -Infinity;
  const end = last + Math.max(1, TIER_STEP_MS[p.newest]);
  let k = 0;
  while (k < tail.t.length && tail.t[k]! < end) k++;
  if (k === tail.t.length) return p;
  return {
    tier: p.tier,
    newest: tail.newest,
    t: [...p.t, ...tail.t.slice(k)],
    v: [...p.v, ...tail.v.slice(k)],
    min: [...p.min, ...tail.min.slice(k)],
    max: [...p.max, ...tail.max.slice(k)],
    count: [...p.count, ...tail.count.slice(k)],
  };
}

/** The usual distance between points (the median), 0 for fewer than two. */
export function typicalSpacing(t: readonly number[]): number {
  if (t.length < 2) return 0;
  const gaps: number[] = [];
  for (let i = 1; i < t.length; i++) gaps.push(t[i]! - t[i - 1]!);
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}
