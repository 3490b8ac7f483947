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
    for (const [i, tier] of order.entries()) {
      const found = await store.read(request.resource, metric, tier, request.from, request.to);
      if (found.t.length === 0) continue;
      const finer = order.slice(i + 1).filter((t) => TIERS.indexOf(t) < TIERS.indexOf(tier)).sort((a, b) => TIERS.indexOf(b) - TIERS.indexOf(a));
      const spliced = await withNewestFromFiner(store, request, metric, tier, found, finer);
      return { metric, tier, ...shrink(spliced, request.points) };
    }
    return { metric, tier: order[0]!, t: [], v: [] };
  }));
}

/**
 * A rollup tier is written only once its unit is over (1 m hourly, 1 h and 1 d daily), so its newest
 * stretch is missing for up to a day. That stretch comes from the finer tiers, coarsest first, each
 * continuing after the last bucket the one before it covered.
 */
async function withNewestFromFiner(store: MetricStore, request: HistoryRequest, metric: string, tier: Tier, found: SeriesPoints, finer: readonly Tier[]): Promise<SeriesPoints> {
  if (tier === 'raw') return found;
  let out = asBuckets(found);
  let coveredUntil = out.t[out.t.length - 1]! + TIER_STEP_MS[tier];
  for (const next of finer) {
    if (coveredUntil > request.to) break;
    const more = await store.read(request.resource, metric, next, coveredUntil, request.to);
    if (more.t.length === 0) continue;
    out = concatBuckets(out, asBuckets(more));
    coveredUntil = out.t[out.t.length - 1]! + (next === 'raw' ? 1 : TIER_STEP_MS[next]);
  }
  return out;
}

/** Raw points as one-sample buckets, so they merge with rollups by count. */
function asBuckets(p: SeriesPoints): Required<SeriesPoints> {
  return { t: p.t, v: p.v, min: p.min ?? p.v, max: p.max ?? p.v, count: p.count ?? p.t.map(() => 1) };
}

function concatBuckets(a: Required<SeriesPoints>, b: Required<SeriesPoints>): Required<SeriesPoints> {
  return { t: [...a.t, ...b.t], v: [...a.v, ...b.v], min: [...a.min, ...b.min], max: [...a.max, ...b.max], count: [...a.count, ...b.count] };
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
