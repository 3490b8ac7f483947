import { decodeChunk } from './chunk-codec.js';
import { decodeRollupChunk } from './chunk-format.js';
import type { ChunkStorage } from './chunk-storage.js';
import type { OpenChunk } from './open-chunk.js';
import { rangeIndices } from './rollup.js';
import type { SeriesPoints, Tier } from './types.js';

/**
 * Points of one series in [lo, hi], decoding only the chunks that overlap it. For raw, the open chunk
 * held in memory (if any) is newer than a stored copy with the same start, so it replaces that copy.
 */
export async function readSeries(storage: ChunkStorage, seriesId: number, open: OpenChunk | null | undefined, tier: Tier, lo: number, hi: number): Promise<SeriesPoints> {
  const rows = (await storage.chunks([seriesId], tier, lo, hi)).filter((r) => !open || r.start !== open.start);
  if (tier === 'raw') {
    const out: SeriesPoints = { t: [], v: [] };
    const parts = rows.map((r) => decodeChunk(r.data));
    if (open && open.start <= hi && open.t[open.t.length - 1]! >= lo) parts.push(open);
    for (const p of parts) {
      const [i, j] = rangeIndices(p.t, lo, hi);
      for (let k = i; k < j; k++) {
        out.t.push(p.t[k]!);
        out.v.push(p.v[k]!);
      }
    }
    return out;
  }
  const out = { t: [] as number[], v: [] as number[], min: [] as number[], max: [] as number[], count: [] as number[] };
  for (const row of rows) {
    const b = decodeRollupChunk(row.data);
    const [i, j] = rangeIndices(b.t, lo, hi);
    out.t.push(...b.t.slice(i, j));
    out.v.push(...b.avg.slice(i, j));
    out.min.push(...b.min.slice(i, j));
    out.max.push(...b.max.slice(i, j));
    out.count.push(...b.count.slice(i, j));
  }
  return out;
}
