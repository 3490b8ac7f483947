import { type MetricStore, type RetentionMs, type SeriesPoints, type Tier, TIER_STEP_MS, TIERS } from './types.js';

/** Raw samples are assumed this far apart when estimating how many points a range holds. */
const RAW_STEP_MS = 10_000;

export interface HistoryRequest {
  resource: string;
  metrics: readonly string[];
  from: number;
  to: number;
  /** points wanted per series (the chart's width, roughly) */
  points: number;
}

export interface HistorySeries extends SeriesPoints {
  metric: string;
  tier: Tier;
}

/**
 * The tiers to try for a range, best first: the finest tier that still holds `from` and does not
 * return far more points than asked (4× leaves room for min/max downsampling), then the coarser
 * ones, then the finer ones (a fresh install has only raw data; coarse tiers fill in as it runs).
 */
export function tierOrder(from: number, to: number, points: number, now: number, retention: RetentionMs): Tier[] {
  const span = Math.max(1, to - from);
  const fits = (tier: Tier): boolean => {
    const step = tier === 'raw' ? RAW_STEP_MS : TIER_STEP_MS[tier];
    return from >= now - retention[tier] && span / step <= points * 4;
  };
  const best = TIERS.findIndex(fits);
  const start = best === -1 ? TIERS.length - 1 : best;
  return [...TIERS.slice(start), ...TIERS.slice(0, start).reverse()];
}

/** Reads each metric from the best tier that has data in range, downsampled to `points`. */
export async function readHistory(store: MetricStore, request: HistoryRequest, now: number, retention: RetentionMs): Promise<HistorySeries[]> {
  const order = tierOrder(request.from, request.to, request.points, now, retention);
  return Promise.all(request.metrics.map(async (metric) => {
    for (const tier of order) {
      const found = await store.read(request.resource, metric, tier, request.from, request.to);
      if (found.t.length === 0) continue;
      return { metric, tier, ...shrink(found, request.points) };
    }
    return { metric, tier: order[0]!, t: [], v: [] };
  }));
}

/**
 * Merges points into at most `wanted` equal time buckets: the average weighted by count, the min of
 * the mins and the max of the maxes, so a spike survives any zoom level as the band's edge.
 */
export function shrink(points: SeriesPoints, wanted: number): SeriesPoints {
  const n = points.t.length;
  if (n <= wanted || wanted < 1) return points;
  const first = points.t[0]!;
  const width = (points.t[n - 1]! - first + 1) / wanted;
  const out: Required<SeriesPoints> = { t: [], v: [], min: [], max: [], count: [] };
  let bucket = -1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const b = Math.min(wanted - 1, Math.floor((points.t[i]! - first) / width));
    const weight = points.count?.[i] ?? 1;
    const low = points.min?.[i] ?? points.v[i]!;
    const high = points.max?.[i] ?? points.v[i]!;
    if (b !== bucket) {
      if (bucket !== -1) out.v.push(sum / out.count[out.count.length - 1]!);
      bucket = b;
      sum = 0;
      out.t.push(points.t[i]!);
      out.min.push(low);
      out.max.push(high);
      out.count.push(0);
    }
    const last = out.t.length - 1;
    sum += points.v[i]! * weight;
    out.count[last]! += weight;
    if (low < out.min[last]!) out.min[last] = low;
    if (high > out.max[last]!) out.max[last] = high;
  }
  out.v.push(sum / out.count[out.count.length - 1]!);
  return out;
}
