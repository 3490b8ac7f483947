import type { Tier } from './types.js';

/** One stored chunk: a raw chunk (codec bytes) or a rollup chunk (four codec streams). */
export interface ChunkRow {
  seriesId: number;
  tier: Tier;
  /** raw: the first sample's t; rollups: the start of the chunk's aligned window */
  start: number;
  /** the last point's t */
  end: number;
  points: number;
  data: Uint8Array;
}

export interface SeriesRow {
  id: number;
  resource: string;
  metric: string;
}

/** Rollup progress of one tier: every window before `doneUntil` is rolled up, and in the window at `doneUntil` every series with id ≤ `cursor`. */
export interface RollupState {
  doneUntil: number;
  cursor: number;
}

export interface HeadRow {
  seq: number;
  data: Uint8Array;
}

/**
 * Where the tiered engine keeps chunks: the SQL tables or plain maps. All the tier, rollup and
 * recovery logic lives in the engine so both behave the same. Ranges are inclusive at both ends.
 */
export interface ChunkStorage {
  /** Runs `work` in one transaction; the handle passed in must be used for everything inside. */
  transaction<T>(work: (tx: ChunkStorage) => Promise<T>): Promise<T>;
  allSeries(): Promise<SeriesRow[]>;
  /** Creates the series (or finds those another writer made meanwhile) and returns them with their ids. */
  createSeries(keys: readonly { resource: string; metric: string }[]): Promise<SeriesRow[]>;
  /** The chunk with the greatest start of each given series in `tier`. */
  latestChunks(seriesIds: readonly number[], tier: Tier): Promise<ChunkRow[]>;
  /** Chunks of the given series in `tier` overlapping [from, to], by series then start. */
  chunks(seriesIds: readonly number[], tier: Tier, from: number, to: number): Promise<ChunkRow[]>;
  chunksStartingAt(seriesIds: readonly number[], tier: Tier, start: number): Promise<ChunkRow[]>;
  /** Inserts or replaces chunks by (series, tier, start). */
  putChunks(rows: readonly ChunkRow[]): Promise<void>;
  /** Deletes at most `limit` chunks of `tier` whose last point is before `t`; returns how many. */
  deleteChunksEndingBefore(tier: Tier, t: number, limit: number): Promise<number>;
  /** Ids above `afterId`, ascending, of series with a chunk in `tier` overlapping [from, to]. */
  seriesWithChunks(tier: Tier, from: number, to: number, afterId: number, limit: number): Promise<number[]>;
  /** Smallest start among chunks of `tier` whose last point is at or after `t`. */
  firstChunkStart(tier: Tier, t: number): Promise<number | undefined>;
  appendHead(data: Uint8Array): Promise<number>;
  readHead(): Promise<HeadRow[]>;
  deleteHeadBefore(seq: number): Promise<void>;
  rollupStates(): Promise<Partial<Record<Tier, RollupState>>>;
  setRollupState(tier: Tier, state: RollupState): Promise<void>;
  sizes(): Promise<{ series: number; bytesByTier: Record<Tier, number> }>;
}
