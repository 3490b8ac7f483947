import { readHistory } from '../history/history-query.js';
import type { MetricStore, RetentionMs } from '../history/types.js';
import { resourceIdOf } from './monitor-source.js';

export interface UptimeHistory {
  store: MetricStore;
  retention: () => RetentionMs;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const UPTIME_RANGES = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '1y': 365 * DAY } as const;
export type UptimeRangeKey = keyof typeof UPTIME_RANGES;
/**
 * With a bare metric store the tiers are chosen by point count alone: at 2000 points that already
 * puts 24 h on the 1 m tier and longer ranges on 1 h / 1 d, which outlive raw samples by default.
 */
const UNKNOWN_RETENTION: RetentionMs = { raw: Infinity, '1m': Infinity, '1h': Infinity, '1d': Infinity };

/**
 * Percent of checks up over [now - rangeMs, now]: the average of the `up` metric (1/0), weighted by
 * how many checks each rollup bucket holds, read from the tiers history-query picks for the range.
 * Checks in maintenance carry no `up` sample, so they do not count. Null when nothing was recorded.
 */
export async function uptimePercent(history: UptimeHistory | MetricStore, monitorId: string, rangeMs: number, now: number): Promise<number | null> {
  const { store, retention } = 'store' in history ? { store: history.store, retention: history.retention() } : { store: history, retention: UNKNOWN_RETENTION };
  const [series] = await readHistory(store, { resource: resourceIdOf(monitorId), metrics: ['up'], from: now - rangeMs, to: now, points: 2000 }, now, retention);
  if (!series || series.t.length === 0) return null;
  let sum = 0;
  let count = 0;
  series.v.forEach((v, i) => {
    const n = series.count?.[i] ?? 1;
    sum += v * n;
    count += n;
  });
  return count === 0 ? null : Math.round((sum / count) * 100_000) / 1000;
}

/** Uptime for every range the API shows. */
export async function uptimeRanges(history: UptimeHistory, monitorId: string, now: number): Promise<Record<UptimeRangeKey, number | null>> {
  const keys = Object.keys(UPTIME_RANGES) as UptimeRangeKey[];
  const values = await Promise.all(keys.map((k) => uptimePercent(history, monitorId, UPTIME_RANGES[k], now)));
  return Object.fromEntries(keys.map((k, i) => [k, values[i]!])) as Record<UptimeRangeKey, number | null>;
}

/**
 * 24 h uptime for monitor lists, reused for `ttlMs`: a list of a thousand monitors polled by a
 * dashboard would otherwise read a thousand series per poll.
 */
export function createUptimeCache(history: UptimeHistory, now: () => number, ttlMs = 60_000) {
  const cache = new Map<string, { at: number; value: Promise<number | null> }>();
  return (monitorId: string): Promise<number | null> => {
    const t = now();
    const hit = cache.get(monitorId);
    if (hit && t - hit.at < ttlMs) return hit.value;
    const value = uptimePercent(history, monitorId, DAY, t).catch(() => null);
    cache.set(monitorId, { at: t, value });
    if (cache.size > 100_000) cache.clear();
    return value;
  };
}
