import { describe, expect, it } from 'vitest';
import { formatKept, formatPerPoint, storageMode, storedTotals, tierRows, type MetricStats } from '../../packages/web/src/features/system/storage-stats.ts';

// Shape recorded from `GET /api/metrics/stats` of a `pulse serve` with a seeded year (figures trimmed).
const stats: MetricStats = {
  memoryOnly: false,
  retentionMs: { raw: 86_400_000, '1m': 7 * 86_400_000, '1h': 90 * 86_400_000, '1d': 730 * 86_400_000 },
  live: { series: 49, bytesByTier: { raw: 142_000, '1m': 641_000, '1h': 383_000, '1d': 63_900 }, samplesAccepted: 1_421, samplesDropped: 0, bytesWrittenLastHour: 9_062, flushes: 29 },
  storage: {
    dialect: 'sqlite',
    series: 49,
    tiers: [
      { tier: '1h', chunks: 80, points: 18_624, bytes: 383_000, oldest: 1_787_616_000_000, newest: 1_795_906_800_000 },
      { tier: 'raw', chunks: 252, points: 23_452, bytes: 142_000, oldest: 1_795_883_800_000, newest: 1_795_998_480_000 },
      { tier: '1d', chunks: 40, points: 3_200, bytes: 64_000, oldest: 1_752_192_000_000, newest: 1_795_910_400_000 },
    ],
    headLog: { rows: 29, bytes: 7_751 },
    databaseBytes: 2_275_000,
    lastHour: null,
  },
};

describe('storage stats', () => {
  it('lists every tier finest first, with bytes per point, and zeros for a tier with nothing yet', () => {
    const rows = tierRows(stats);
    expect(rows.map((r) => r.tier)).toEqual(['raw', '1m', '1h', '1d']);
    expect(rows[0]).toMatchObject({ name: 'Raw samples', points: 23_452, bytes: 142_000, oldest: 1_795_883_800_000 });
    expect(rows[0]!.bytesPerPoint).toBeCloseTo(6.05, 2);
    expect(rows[1]).toMatchObject({ tier: '1m', chunks: 0, points: 0, bytes: 0, bytesPerPoint: undefined, oldest: undefined });
    expect(rows[3]!.bytesPerPoint).toBe(20);
  });

  it('totals what the tiers hold', () => {
    const totals = storedTotals(tierRows(stats));
    expect(totals).toMatchObject({ points: 45_276, bytes: 589_000 });
    expect(formatPerPoint(totals.bytesPerPoint)).toBe('13.0 B');
    expect(formatPerPoint(undefined)).toBe('—');
  });

  it('names the storage, and in memory-only mode shows bytes only, not zero points', () => {
    expect(storageMode(stats)).toBe('SQLite');
    expect(storageMode({ ...stats, storage: { ...stats.storage!, dialect: 'postgres' } })).toBe('PostgreSQL');
    const memory = { ...stats, memoryOnly: true, storage: null };
    expect(storageMode(memory)).toBe('Memory only');
    expect(tierRows(memory)[1]).toEqual({ tier: '1m', name: '1-minute rollups', bytes: 641_000, keptMs: 7 * 86_400_000 });
  });

  it('says how long each tier is kept the way people say it', () => {
    expect(tierRows(stats).map((r) => formatKept(r.keptMs))).toEqual(['24 hours', '7 days', '90 days', '2 years']);
    expect(formatKept(36 * 3_600_000)).toBe('36 hours');
    expect(formatKept(365 * 86_400_000)).toBe('1 year');
    expect(formatKept(400 * 86_400_000)).toBe('400 days');
  });
});
