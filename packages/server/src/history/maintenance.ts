import { decodeChunk } from './chunk-codec.js';
import { decodeRollupChunk, encodeRollupChunk } from './chunk-format.js';
import type { ChunkRow, ChunkStorage, RollupState } from './chunk-storage.js';
import type { Points } from './open-chunk.js';
import { type Buckets, emptyBuckets, mergeBuckets, rangeIndices, rollupBuckets, rollupRaw } from './rollup.js';
import { floorTo, ROLLUP_CHUNK_SPAN_MS, ROLLUP_GRACE_MS, ROLLUP_SOURCE, ROLLUP_TIERS, ROLLUP_UNIT_MS, type RollupTier } from './tiers.js';
import { type RetentionMs, type Tier, TIER_STEP_MS, TIERS } from './types.js';

/** Where an open raw chunk (of series `id`) starts and ends. */
export interface OpenSpan {
  id: number;
  start: number;
  end: number;
}

export interface MaintenanceContext {
  storage: ChunkStorage;
  now: number;
  retention: RetentionMs;
  /** rollup progress per tier, updated in place as windows complete */
  rollup: Partial<Record<Tier, RollupState>>;
  /** open raw chunks held in memory: newer than (or absent from) storage */
  openChunks: () => readonly OpenSpan[];
  openChunk: (id: number) => (OpenSpan & { points(): Points }) | undefined;
  batches: number;
  seriesPerBatch: number;
  onWrite(bytes: number): void;
}

/** Chunks deleted per tier per call, so catching up after a long stop never holds the database for long. */
const TRIM_LIMIT = 2_000;
/** Empty windows skipped per tier per call (each costs a query or two). */
const MAX_EMPTY_STEPS = 64;
/** Which tier reads each tier: its chunks must outlive what that reader has not rolled up yet. */
const CONSUMER: Partial<Record<Tier, RollupTier>> = { raw: '1m', '1m': '1h', '1h': '1d' };

/** One bounded round of upkeep: roll finished windows up tier by tier, then trim by retention. */
export async function runMaintenance(ctx: MaintenanceContext): Promise<void> {
  for (const tier of ROLLUP_TIERS) await rollUp(ctx, tier);
  for (const tier of TIERS) {
    const consumer = CONSUMER[tier];
    const cutoff = Math.min(ctx.now - ctx.retention[tier], (consumer && ctx.rollup[consumer]?.doneUntil) ?? Infinity);
    if (Number.isFinite(cutoff)) await ctx.storage.deleteChunksEndingBefore(tier, cutoff, TRIM_LIMIT);
  }
}

/**
 * Advances `tier` by whole units over the windows its source tier has finished: 1 m up to the clock
 * less a grace period, 1 h and 1 d up to their source's progress. A window is done in batches of
 * series (the cursor), and each batch commits its chunks together with the progress, so a crash
 * repeats at most one batch, and repeating it writes the same buckets.
 */
async function rollUp(ctx: MaintenanceContext, tier: RollupTier): Promise<void> {
  const source = ROLLUP_SOURCE[tier];
  const unit = ROLLUP_UNIT_MS[tier];
  const limit = tier === '1m' ? ctx.now - ROLLUP_GRACE_MS : ctx.rollup[source as RollupTier]?.doneUntil;
  if (limit === undefined) return;
  let state = ctx.rollup[tier];
  if (!state) {
    const first = await firstSourceStart(ctx, source, -Infinity);
    if (first === undefined) return;
    state = ctx.rollup[tier] = { doneUntil: floorTo(first, unit), cursor: 0 };
  }
  let batches = 0;
  let skipped = 0;
  let unsaved = false;
  while (batches < ctx.batches && skipped < MAX_EMPTY_STEPS && state.doneUntil + unit <= limit) {
    const from: number = state.doneUntil;
    const to = from + unit - 1;
    const ids = await sourceSeries(ctx, source, from, to, state.cursor);
    if (ids.length === 0) {
      let next: number = from + unit;
      if (state.cursor === 0) {
        // Nothing in this window: jump to the next window holding data (a gap, or a fresh install).
        const first = await firstSourceStart(ctx, source, next);
        next = Math.max(next, Math.min(floorTo(first ?? Infinity, unit), floorTo(limit, unit)));
      }
      state = ctx.rollup[tier] = { doneUntil: next, cursor: 0 };
      unsaved = true;
      skipped++;
      continue;
    }
    state = ids.length < ctx.seriesPerBatch ? { doneUntil: from + unit, cursor: 0 } : { doneUntil: from, cursor: ids[ids.length - 1]! };
    await rollWindow(ctx, tier, ids, from, to, state);
    ctx.rollup[tier] = state;
    unsaved = false;
    batches++;
  }
  if (unsaved) await ctx.storage.setRollupState(tier, state);
}

async function rollWindow(ctx: MaintenanceContext, tier: RollupTier, ids: number[], from: number, to: number, state: RollupState): Promise<void> {
  const step = TIER_STEP_MS[tier];
  const windowStart = floorTo(from, ROLLUP_CHUNK_SPAN_MS[tier]);
  const source = await sourcePoints(ctx, ROLLUP_SOURCE[tier], ids, from, to);
  const existing = new Map((await ctx.storage.chunksStartingAt(ids, tier, windowStart)).map((r) => [r.seriesId, r]));
  const rows: ChunkRow[] = [];
  for (const [id, points] of source) {
    const buckets = 'avg' in points ? rollupBuckets(points, step) : rollupRaw(points.t, points.v, step);
    if (buckets.t.length === 0) continue;
    const stored = existing.get(id);
    const merged = mergeBuckets(stored ? decodeRollupChunk(stored.data) : emptyBuckets(), buckets);
    rows.push({ seriesId: id, tier, start: windowStart, end: merged.t[merged.t.length - 1]!, points: merged.t.length, data: encodeRollupChunk(merged) });
  }
  await ctx.storage.transaction(async (tx) => {
    if (rows.length) await tx.putChunks(rows);
    await tx.setRollupState(tier, state);
  });
  ctx.onWrite(rows.reduce((n, r) => n + r.data.length, 0));
}

/** Series with source data in [from, to] above the cursor: stored chunks, plus raw chunks open in memory. */
async function sourceSeries(ctx: MaintenanceContext, source: Tier, from: number, to: number, after: number): Promise<number[]> {
  const stored = await ctx.storage.seriesWithChunks(source, from, to, after, ctx.seriesPerBatch);
  if (source !== 'raw') return stored;
  const ids = new Set(stored);
  for (const chunk of ctx.openChunks()) {
    if (chunk.id > after && chunk.start <= to && chunk.end >= from) ids.add(chunk.id);
  }
  return [...ids].sort((a, b) => a - b).slice(0, ctx.seriesPerBatch);
}

async function firstSourceStart(ctx: MaintenanceContext, source: Tier, t: number): Promise<number | undefined> {
  let first = await ctx.storage.firstChunkStart(source, t);
  if (source === 'raw') {
    for (const chunk of ctx.openChunks()) {
      if (chunk.end >= t && (first === undefined || chunk.start < first)) first = chunk.start;
    }
  }
  return first;
}

type RawPoints = { t: number[]; v: number[] };

/** Each series' source points in [from, to], oldest first. */
async function sourcePoints(ctx: MaintenanceContext, source: Tier, ids: number[], from: number, to: number): Promise<Map<number, RawPoints | Buckets>> {
  const out = new Map<number, RawPoints | Buckets>();
  const rows = await ctx.storage.chunks(ids, source, from, to);
  if (source === 'raw') {
    const add = (id: number, t: readonly number[], v: readonly number[]): void => {
      const [i, j] = rangeIndices(t, from, to);
      if (i === j) return;
      const into = (out.get(id) as RawPoints | undefined) ?? { t: [], v: [] };
      into.t.push(...t.slice(i, j));
      into.v.push(...v.slice(i, j));
      out.set(id, into);
    };
    for (const row of rows) {
      // A stored row with the open chunk's start is an older copy of it.
      if (ctx.openChunk(row.seriesId)?.start === row.start) continue;
      const { t, v } = decodeChunk(row.data);
      add(row.seriesId, t, v);
    }
    for (const id of ids) {
      const chunk = ctx.openChunk(id);
      if (!chunk || chunk.start > to || chunk.end < from) continue;
      const { t, v } = chunk.points();
      add(id, t, v);
    }
    return out;
  }
  for (const row of rows) {
    const b = decodeRollupChunk(row.data);
    const [i, j] = rangeIndices(b.t, from, to);
    if (i === j) continue;
    const into = (out.get(row.seriesId) as Buckets | undefined) ?? emptyBuckets();
    for (const k of ['t', 'avg', 'min', 'max', 'count'] as const) into[k].push(...b[k].slice(i, j));
    out.set(row.seriesId, into);
  }
  return out;
}
