/** The tiers metric history is kept in, finest first. */
export const TIERS = ['raw', '1m', '1h', '1d'] as const;
export type Tier = (typeof TIERS)[number];

/** Bucket width of each rollup tier, in ms (raw has none). */
export const TIER_STEP_MS: Record<Exclude<Tier, 'raw'>, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

/** One sample of one series. `t` in ms since the epoch. */
export interface Sample {
  resource: string;
  metric: string;
  t: number;
  v: number;
}

/** Points of one series in one tier, oldest first. Rollup tiers carry min/max/count per bucket; `v` is the average. */
export interface SeriesPoints {
  t: number[];
  v: number[];
  min?: number[];
  max?: number[];
  count?: number[];
}

export interface RetentionMs {
  raw: number;
  '1m': number;
  '1h': number;
  '1d': number;
}

export interface HistoryStats {
  series: number;
  /** bytes stored per tier (encoded chunk bytes, excluding database overhead) */
  bytesByTier: Record<Tier, number>;
  /** samples accepted since start, and those dropped as NaN / infinite */
  samplesAccepted: number;
  samplesDropped: number;
  /** bytes handed to the database by flushes in the last hour */
  bytesWrittenLastHour: number;
  flushes: number;
}

/**
 * Long-term metric history. `append` only buffers; `flush` (run on an interval by the owner, and at
 * close) writes the buffer in one transaction. Implementations: SQLite and PostgreSQL (one contract
 * suite), plus a memory-only mode.
 */
export interface MetricStore {
  append(samples: readonly Sample[]): void;
  /** `append` for one resource's metrics at one time, as the registry reports them, with no object per sample. */
  appendMetrics(resource: string, t: number, metrics: Readonly<Record<string, number>>): void;
  flush(): Promise<void>;
  /** Rolls finished buckets up into the coarser tiers and trims by retention; incremental, bounded work per call. */
  maintain(): Promise<void>;
  /** Points of one series in one tier with t in [from, to]; raw includes samples still waiting for the flush. */
  read(resource: string, metric: string, tier: Tier, from: number, to: number): Promise<SeriesPoints>;
  /** Whether the series was ever stored (or is waiting in the buffer), whatever its range. */
  hasSeries(resource: string, metric: string): Promise<boolean>;
  stats(): Promise<HistoryStats>;
  close(): Promise<void>;
}
