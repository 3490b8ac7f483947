import type { Logger } from 'pino';
import { decodeChunk } from './chunk-codec.js';
import type { ChunkRow, ChunkStorage, HeadRow } from './chunk-storage.js';
import type { DirtyLedger } from './dirty-ledger.js';
import { decodeHeadBatch, type HeadSample } from './head-log.js';
import { applySample, limitsFor, type OpenChunks } from './open-chunk.js';
import type { SeriesIndex } from './series-index.js';
import type { RawChunkLimits } from './tiers.js';

/** The stored row of series `s`'s open chunk (its id given). */
export const rawRow = (seriesId: number, chunks: OpenChunks, s: number): ChunkRow =>
  ({ seriesId, tier: 'raw', start: chunks.start(s), end: chunks.end(s), points: chunks.count(s), data: chunks.encode(s) });

/** Makes each series' stored latest raw chunk its open chunk (none: it has none). */
export async function loadOpen(from: ChunkStorage, index: SeriesIndex, chunks: OpenChunks, series: readonly number[]): Promise<void> {
  if (series.length === 0) return;
  for (const s of series) chunks.setNone(s);
  for (const row of await from.latestChunks(series.map((s) => index.id(s)), 'raw')) {
    const { t, v } = decodeChunk(row.data);
    chunks.load(index.byId(row.seriesId)!, row.start, t, v);
  }
}

export interface ReplayContext {
  storage: ChunkStorage;
  index: SeriesIndex;
  chunks: OpenChunks;
  ledger: DirtyLedger;
  limits: RawChunkLimits;
  logger?: Pick<Logger, 'error'> | undefined;
}

/**
 * Replays the head log into the open chunks of the series it names, loaded from storage first, and
 * stores the chunks that fill up on the way. Each chunk changed by the replay is unsaved since the
 * first row that changed it, as if the flushes had just run.
 */
export async function replayHead({ storage, index, chunks, ledger, limits, logger }: ReplayContext, rows: readonly HeadRow[]): Promise<void> {
  const batches: { seq: number; samples: HeadSample[] }[] = [];
  for (const row of rows) {
    try {
      batches.push({ seq: row.seq, samples: decodeHeadBatch(row.data) });
    } catch (err) {
      logger?.error({ err, seq: row.seq }, 'skipping a damaged metric head-log row; its samples are lost');
    }
  }
  const ids = new Set(batches.flatMap((b) => b.samples.map((s) => s.seriesId)));
  await loadOpen(storage, index, chunks, [...ids].flatMap((id) => index.byId(id) ?? []));
  const closed: ChunkRow[] = [];
  const onClose = (s: number): void => {
    if (chunks.unsavedSince(s) === undefined) return;
    closed.push(rawRow(index.id(s), chunks, s));
    ledger.clean(s);
  };
  for (const { seq, samples } of batches) {
    for (const sample of samples) {
      const s = index.byId(sample.seriesId);
      if (s === undefined) continue;
      // A sample already in a stored chunk replays as 'same' (or 'late'), so replaying the whole log is safe.
      const effect = applySample(chunks, s, sample.t, sample.v, limitsFor(sample.seriesId, limits), onClose);
      if ((effect === 'changed' || effect === 'closed') && chunks.unsavedSince(s) === undefined) ledger.mark(s, seq);
    }
  }
  if (closed.length) await storage.transaction((tx) => tx.putChunks(closed));
}
