import type { ChunkRow, ChunkStorage, HeadRow, RollupState, SeriesRow } from './chunk-storage.js';
import { createTieredMetricStore, type TieredStoreOptions } from './tiered-store.js';
import { type MetricStore, type RetentionMs, type Tier, TIERS } from './types.js';

/**
 * Chunks in plain maps: the "no disk writes" mode. The head log is kept as well (it is what a flush
 * hands over), which costs memory only for the few minutes between checkpoints.
 */
export function createMemoryChunkStorage(): ChunkStorage {
  const series: SeriesRow[] = [];
  /** tier → series id → chunks sorted by start */
  const chunks = new Map<Tier, Map<number, ChunkRow[]>>(TIERS.map((t) => [t, new Map()]));
  let head: HeadRow[] = [];
  let nextSeq = 1;
  const rollups: Partial<Record<Tier, RollupState>> = {};
  const listOf = (tier: Tier, id: number): ChunkRow[] => chunks.get(tier)!.get(id) ?? [];
  const overlaps = (c: ChunkRow, from: number, to: number): boolean => c.start <= to && c.end >= from;

  const storage: ChunkStorage = {
    // Nothing here can fail half-way, so running the work directly is as good as a transaction.
    transaction: (work) => work(storage),
    allSeries: async () => series.map((s) => ({ ...s })),
    createSeries: async (keys) => keys.map((k) => {
      const row = { id: series.length + 1, resource: k.resource, metric: k.metric };
      series.push(row);
      return { ...row };
    }),
    latestChunks: async (ids, tier) => ids.flatMap((id) => listOf(tier, id).slice(-1)),
    chunks: async (ids, tier, from, to) => ids.flatMap((id) => listOf(tier, id).filter((c) => overlaps(c, from, to))),
    chunksStartingAt: async (ids, tier, start) => ids.flatMap((id) => listOf(tier, id).filter((c) => c.start === start)),
    putChunks: async (rows) => {
      for (const row of rows) {
        const byId = chunks.get(row.tier)!;
        const list = byId.get(row.seriesId) ?? [];
        const copy = { ...row, data: row.data.slice() };
        const at = list.findIndex((c) => c.start >= row.start);
        if (at === -1) list.push(copy);
        else if (list[at]!.start === row.start) list[at] = copy;
        else list.splice(at, 0, copy);
        byId.set(row.seriesId, list);
      }
    },
    deleteChunksEndingBefore: async (tier, t, limit) => {
      let deleted = 0;
      for (const [id, list] of chunks.get(tier)!) {
        const keep = list.filter((c) => {
          if (c.end >= t || deleted >= limit) return true;
          deleted++;
          return false;
        });
        if (keep.length) chunks.get(tier)!.set(id, keep);
        else chunks.get(tier)!.delete(id);
      }
      return deleted;
    },
    seriesWithChunks: async (tier, from, to, afterId, limit) =>
      [...chunks.get(tier)!].filter(([id, list]) => id > afterId && list.some((c) => overlaps(c, from, to)))
        .map(([id]) => id).sort((a, b) => a - b).slice(0, limit),
    firstChunkStart: async (tier, t) => {
      let first: number | undefined;
      for (const list of chunks.get(tier)!.values()) {
        for (const c of list) if (c.end >= t && (first === undefined || c.start < first)) first = c.start;
      }
      return first;
    },
    appendHead: async (data) => {
      head.push({ seq: nextSeq, data });
      return nextSeq++;
    },
    readHead: async () => head.slice(),
    deleteHeadBefore: async (seq) => {
      head = head.filter((h) => h.seq >= seq);
    },
    rollupStates: async () => ({ ...rollups }),
    setRollupState: async (tier, state) => {
      rollups[tier] = { ...state };
    },
    sizes: async () => {
      const bytesByTier = Object.fromEntries(TIERS.map((tier) => {
        let bytes = 0;
        for (const list of chunks.get(tier)!.values()) for (const c of list) bytes += c.data.length;
        return [tier, bytes];
      })) as Record<Tier, number>;
      return { series: series.length, bytesByTier };
    },
  };
  return storage;
}

/** Metric history kept in memory only: the same tiers, rollups and retention, lost on restart. */
export function createMemoryMetricStore(options: MemoryMetricStoreOptions): MetricStore {
  return createTieredMetricStore({ ...options, storage: createMemoryChunkStorage() });
}

export interface MemoryMetricStoreOptions extends Pick<TieredStoreOptions, 'rawChunk' | 'checkpointAfterMs' | 'maxBufferedSamples' | 'maintainBatches' | 'seriesPerBatch'> {
  now: () => number;
  retention: RetentionMs;
}
