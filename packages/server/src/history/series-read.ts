import { decodeChunk } from './chunk-codec.js';
import { decodeRollupChunk } from './chunk-format.js';
import type { ChunkStorage } from './chunk-storage.js';
import type { OpenChunk, Points } from './open-chunk.js';
import { rangeIndices } from './rollup.js';
import type { SeriesPoints, Tier } from './types.js';

/**
 * Points of one series in [lo, hi], decoding only the chunks that overlap it. For raw, the chunks held
 * in memory (the open one, and one a flush in progress just closed) are newer than a stored copy with
 * the same start, so they replace that copy.
 */
export async function readSeries(storage: ChunkStorage, seriesId: number, held: readonly (OpenChunk | null | undefined)[], tier: Tier, lo: number, hi: number): Promise<SeriesPoints> {
  const open = held.filter((c): c is OpenChunk => !!c);
  const rows = (await storage.chunks([seriesId], tier, lo, hi)).filter((r) => !open.some((c) => c.start === r.start));
  if (tier === 'raw') {
    const out: SeriesPoints = { t: [], v: [] };
    const parts: (Points & { start: number })[] = rows.map((r) => ({ start: r.start, ...decodeChunk(r.data) }));
    for (const c of open) if (c.start <= hi && c.end >= lo) parts.push({ start: c.start, ...c.points() });
    parts.sort((a, b) => a.start - b.start);
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

/** `out` with the points of `fresh` (by time) after its last one; one at its last time replaces it. */
export function withNewer(out: SeriesPoints, fresh: Points): SeriesPoints {
  for (let i = 0; i < fresh.t.length; i++) {
    const last = out.t.length ? out.t[out.t.length - 1]! : -Infinity;
    if (fresh.t[i] === last) out.v[out.v.length - 1] = fresh.v[i]!;
    else if (fresh.t[i]! > last) {
      out.t.push(fresh.t[i]!);
      out.v.push(fresh.v[i]!);
    }
  }
  return out;
}
