import { decodeChunk } from './chunk-codec.js';
import { decodeRollupChunk } from './chunk-format.js';
import type { ChunkRow, ChunkStorage } from './chunk-storage.js';
import type { OpenChunks, Points } from './open-chunk.js';
import { rangeIndices } from './rollup.js';
import type { SeriesPoints, Tier } from './types.js';

/** A raw chunk held in memory (the open one, or one a flush in progress just closed), decoded. */
export interface HeldChunk extends Points {
  start: number;
  end: number;
}

/** Series `s`'s raw chunks in memory, decoded: the one a flush in progress closed (stored with it), and the open one. */
export function heldChunks(chunks: OpenChunks, s: number, closing: ChunkRow | undefined): HeldChunk[] {
  const held: HeldChunk[] = [];
  if (closing) held.push({ start: closing.start, end: closing.end, ...decodeChunk(closing.data) });
  if (chunks.has(s)) held.push({ start: chunks.start(s), end: chunks.end(s), ...chunks.points(s) });
  return held;
}

/**
 * Points of one series in [lo, hi], decoding only the chunks that overlap it. For raw, the chunks held
 * in memory come decoded as they were when the read began (a flush during the read may reuse their
 * memory), and the answer is what the store held then: a held chunk replaces a stored copy with the same
 * start, and a stored row starting after the newest held chunk (the open one, always a series' newest)
 * was stored by a flush since, so it is left out too.
 */
export async function readSeries(storage: ChunkStorage, seriesId: number, held: readonly HeldChunk[], tier: Tier, lo: number, hi: number): Promise<SeriesPoints> {
  const newest = held.reduce((n, c) => Math.max(n, c.start), -Infinity);
  const isHeld = (start: number): boolean => held.length > 0 && (start >= newest || held.some((c) => c.start === start));
  const rows = (await storage.chunks([seriesId], tier, lo, hi)).filter((r) => !isHeld(r.start));
  if (tier === 'raw') {
    const out: SeriesPoints = { t: [], v: [] };
    const parts: (Points & { start: number })[] = rows.map((r) => ({ start: r.start, ...decodeChunk(r.data) }));
    for (const c of held) if (c.start <= hi && c.end >= lo) parts.push(c);
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
