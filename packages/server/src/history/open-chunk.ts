import { rhythmTolerance } from './precision.js';
import { lowerBound } from './rollup.js';
import type { RawChunkLimits } from './tiers.js';

/** The newest raw chunk of a series, held decoded in memory while it fills. */
export interface OpenChunk {
  start: number;
  t: number[];
  v: number[];
  /** head-log seq of the oldest change not yet in a stored chunk row; undefined while the stored row is current */
  unsavedSince: number | undefined;
}

export type SampleEffect = 'late' | 'same' | 'changed';

/**
 * The limits for one series, shortened by up to a quarter depending on its id. Series that start
 * together would otherwise fill their chunks in the same flush, and a flush closing all 30,000 chunks at
 * once holds the database for over a second (measured); spread out, each flush closes a few hundred.
 * Derived from the id, so replaying the head log after a restart cuts chunks at the same points.
 */
export function limitsFor(seriesId: number, limits: RawChunkLimits): RawChunkLimits {
  const spread = Math.max(1, Math.floor(limits.maxPoints / 4));
  const scale = 1 - ((seriesId * 7919) % spread) / limits.maxPoints;
  return { maxPoints: Math.round(limits.maxPoints * scale), maxSpanMs: Math.round(limits.maxSpanMs * scale) };
}

export const cloneChunk = (c: OpenChunk): OpenChunk => ({ start: c.start, t: c.t.slice(), v: c.v.slice(), unsavedSince: c.unsavedSince });

/** `t` moved onto the series' rhythm (the last point plus the last interval) when it is within the tolerance. */
function onRhythm(t: number, last: number, interval: number): number {
  const expected = last + interval;
  return Math.abs(t - expected) <= rhythmTolerance(interval) ? expected : t;
}

/**
 * Applies one sample, mutating `open`. A sample a few ms off its series' rhythm is put on it. A sample after the last point is appended, or starts a new chunk
 * when `open` is full (then `closed` is the old one). One inside the chunk is inserted in order (a source
 * that answers a little late); one at an existing time replaces that point. One before the chunk's start
 * is 'late': its chunk is closed and stored, and rewriting closed chunks for stragglers is not worth it.
 */
export function applySample(open: OpenChunk | null, t: number, v: number, limits: RawChunkLimits): { open: OpenChunk | null; closed?: OpenChunk; effect: SampleEffect } {
  if (open === null) return { open: { start: t, t: [t], v: [v], unsavedSince: undefined }, effect: 'changed' };
  if (t < open.start) return { open, effect: 'late' };
  const last = open.t[open.t.length - 1]!;
  if (t > last && open.t.length >= 2) t = onRhythm(t, last, last - open.t[open.t.length - 2]!);
  if (t > last) {
    if (open.t.length >= limits.maxPoints || t - open.start >= limits.maxSpanMs) {
      return { open: { start: t, t: [t], v: [v], unsavedSince: undefined }, closed: open, effect: 'changed' };
    }
    open.t.push(t);
    open.v.push(v);
    return { open, effect: 'changed' };
  }
  const at = lowerBound(open.t, t);
  if (open.t[at] === t) {
    if (Object.is(open.v[at], v)) return { open, effect: 'same' };
    open.v[at] = v;
    return { open, effect: 'changed' };
  }
  open.t.splice(at, 0, t);
  open.v.splice(at, 0, v);
  return { open, effect: 'changed' };
}
