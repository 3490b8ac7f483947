import type { Logger } from 'pino';
import { decodeChunk } from './chunk-codec.js';
import type { ChunkRow, ChunkStorage, HeadRow } from './chunk-storage.js';
import { decodeHeadBatch, type HeadSample } from './head-log.js';
import { applySample, limitsFor, OpenChunk } from './open-chunk.js';
import type { DirtyLedger, SeriesIndex, SeriesState } from './series-index.js';
import type { RawChunkLimits } from './tiers.js';

export const rawRow = (seriesId: number, c: OpenChunk): ChunkRow =>
  ({ seriesId, tier: 'raw', start: c.start, end: c.end, points: c.count, data: c.encode() });

/** Makes each series' stored latest raw chunk its open chunk (null: it has none). */
export async function loadOpen(from: ChunkStorage, index: SeriesIndex, states: readonly SeriesState[]): Promise<void> {
  if (states.length === 0) return;
  for (const state of states) state.open = null;
  for (const row of await from.latestChunks(states.map((s) => s.id), 'raw')) {
    const { t, v } = decodeChunk(row.data);
    index.byId(row.seriesId)!.open = OpenChunk.of(row.start, t, v);
  }
}

export interface ReplayContext {
  storage: ChunkStorage;
  index: SeriesIndex;
  ledger: DirtyLedger;
  limits: RawChunkLimits;
  logger?: Pick<Logger, 'error'> | undefined;
}

/**
 * Replays the head log into the open chunks of the series it names, loaded from storage first, and
 * stores the chunks that fill up on the way. Each chunk changed by the replay is unsaved since the
 * first row that changed it, as if the flushes had just run.
 */
export async function replayHead({ storage, index, ledger, limits, logger }: ReplayContext, rows: readonly HeadRow[]): Promise<void> {
  const batches: { seq: number; samples: HeadSample[] }[] = [];
  for (const row of rows) {
    try {
      batches.push({ seq: row.seq, samples: decodeHeadBatch(row.data) });
    } catch (err) {
      logger?.error({ err, seq: row.seq }, 'skipping a damaged metric head-log row; its samples are lost');
    }
  }
  const ids = new Set(batches.flatMap((b) => b.samples.map((s) => s.seriesId)));
  await loadOpen(storage, index, [...ids].flatMap((id) => index.byId(id) ?? []));
  const closed: ChunkRow[] = [];
  for (const { seq, samples } of batches) {
    for (const s of samples) {
      const state = index.byId(s.seriesId);
      if (!state) continue;
      // A sample already in a stored chunk replays as 'same' (or 'late'), so replaying the whole log is safe.
      const before = state.open!;
      const effect = applySample(state as { open: OpenChunk | null }, s.t, s.v, limitsFor(state.id, limits));
      if (effect === 'closed' && before.unsavedSince !== undefined) {
        closed.push(rawRow(state.id, before));
        ledger.clean(before);
      }
      if ((effect === 'changed' || effect === 'closed') && state.open!.unsavedSince === undefined) ledger.mark(state, seq);
    }
  }
  if (closed.length) await storage.transaction((tx) => tx.putChunks(closed));
}
