import { formatNumber } from '../../lib/format';

/** `GET /api/metrics/stats`: what metric history the server keeps, and what it writes. */

export type Tier = 'raw' | '1m' | '1h' | '1d';
export const TIERS: readonly Tier[] = ['raw', '1m', '1h', '1d'];

export interface TierReport {
  tier: Tier;
  chunks: number;
  points: number;
  bytes: number;
  oldest: number | null;
  newest: number | null;
}

export interface LastHourRecord {
  /** End of the hour, ms since the epoch. */
  at: number;
  bytesWritten: number;
  samplesAccepted: number;
  samplesDropped: number;
  series: number;
}

export interface MetricStats {
  memoryOnly: boolean;
  /** How long each tier is kept. */
  retentionMs: Record<Tier, number>;
  /** This server process since it started. */
  live: {
    series: number;
    bytesByTier: Record<Tier, number>;
    samplesAccepted: number;
    samplesDropped: number;
    bytesWrittenLastHour: number;
    flushes: number;
  };
  /** What the database holds; null in memory-only mode. */
  storage: null | {
    dialect: 'sqlite' | 'postgres';
    series: number;
    tiers: TierReport[];
    headLog: { rows: number; bytes: number };
    databaseBytes: number;
    lastHour: LastHourRecord | null;
  };
}

export const tierName: Record<Tier, string> = { raw: 'Raw samples', '1m': '1-minute rollups', '1h': 'Hourly rollups', '1d': 'Daily rollups' };

export interface TierRow {
  tier: Tier;
  name: string;
  chunks?: number;
  points?: number;
  bytes: number;
  /** Encoded bytes per point; undefined with no points to divide by. */
  bytesPerPoint?: number;
  oldest?: number;
  newest?: number;
  /** How long the tier is kept. */
  keptMs: number;
}

/**
 * One row per tier, finest first. The database's report has every figure; in memory-only mode only
 * the process's byte counts exist, so the other columns stay empty rather than showing zeros.
 */
export function tierRows(stats: MetricStats): TierRow[] {
  if (!stats.storage) return TIERS.map((tier) => ({ tier, name: tierName[tier], bytes: stats.live.bytesByTier[tier] ?? 0, keptMs: stats.retentionMs[tier] }));
  const byTier = new Map(stats.storage.tiers.map((t) => [t.tier, t]));
  return TIERS.map((tier) => {
    const t = byTier.get(tier);
    const points = t?.points ?? 0;
    const bytes = t?.bytes ?? 0;
    return {
      tier,
      name: tierName[tier],
      chunks: t?.chunks ?? 0,
      points,
      bytes,
      bytesPerPoint: points > 0 ? bytes / points : undefined,
      oldest: t?.oldest ?? undefined,
      newest: t?.newest ?? undefined,
      keptMs: stats.retentionMs[tier],
    };
  });
}

/** Totals over the tiers: what the history costs before the database's own overhead. */
export function storedTotals(rows: readonly TierRow[]): { points: number; bytes: number; bytesPerPoint?: number } {
  const points = rows.reduce((n, r) => n + (r.points ?? 0), 0);
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  return { points, bytes, bytesPerPoint: points > 0 ? bytes / points : undefined };
}

export function storageMode(stats: MetricStats): string {
  if (!stats.storage) return 'Memory only';
  return stats.storage.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
}

/** Bytes per point, "1.23 B": a few bytes is what the chunk codecs aim for. */
export const formatPerPoint = (v: number | undefined): string => (v === undefined ? '—' : `${formatNumber(v, v < 10 ? 2 : 1)} B`);

/** A retention as people say it: "24 hours", "7 days", "2 years". */
export function formatKept(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 48) return `${formatNumber(hours, 0)} hours`;
  const days = hours / 24;
  if (days >= 365 && Number.isInteger(days / 365)) return `${days / 365} year${days === 365 ? '' : 's'}`;
  return `${formatNumber(days, 0)} days`;
}
