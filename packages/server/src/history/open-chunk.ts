import { ByteSink, ByteSource, decimalsOf, MAX_MANTISSA, pow10, unzigzag, zigzag } from './byte-sink.js';
import { encodeChunk } from './chunk-codec.js';
import { rhythmTolerance } from './precision.js';
import { lowerBound } from './rollup.js';
import type { RawChunkLimits } from './tiers.js';

const FLOAT = 15;
const MAX_DECIMALS = FLOAT - 1;
/**
 * Timestamps the store accepts stay below this (the year 4199), so a point's header, zigzag(delta of
 * delta) × 16 + kind, is always an exact double.
 */
export const MAX_TIME = 2 ** 46;

/** The decimal base a value's mantissa is stored against: the previous value at the same scale. */
function baseOf(previous: number, kind: number): number {
  const base = Math.round(previous * pow10(kind));
  return Math.abs(base) <= MAX_MANTISSA ? base : 0;
}

export interface Points {
  t: number[];
  v: number[];
}

/**
 * The newest raw chunk of a series while it fills, encoded as it grows: 50,000 series × 120 points as
 * plain arrays held ~120 MB (bench/proxmox), encoded they hold ~3 bytes a point. Each point is a
 * varint of zigzag(delta of delta) × 16 + kind, then for kind 0..14 the varint zigzag of the mantissa
 * (v × 10^kind) less the previous value's at that scale, for kind 15 a float64: byte-aligned and
 * appendable, unlike the chunk codec, whose per-chunk bit widths need all the points first. A chunk is
 * re-encoded with the codec when it is stored. A point before the last (a late sample, rare) decodes
 * the chunk, inserts and encodes it again.
 */
export class OpenChunk extends ByteSink {
  /** the last point's t */
  end: number;
  count = 0;
  /** head-log seq of the oldest change not yet in a stored chunk row; undefined while the stored row is current */
  unsavedSince: number | undefined;
  #lastDelta = 0;
  #lastV = 0;

  constructor(readonly start: number, capacity = 32) {
    super(capacity);
    this.end = start;
  }

  static of(start: number, t: readonly number[], v: readonly number[], unsavedSince?: number): OpenChunk {
    const chunk = new OpenChunk(start, t.length * 4 + 8);
    for (let i = 0; i < t.length; i++) chunk.push(t[i]!, v[i]!);
    chunk.unsavedSince = unsavedSince;
    return chunk;
  }

  get lastValue(): number {
    return this.#lastV;
  }

  /** The interval between the last two points (0 with fewer than two). */
  get lastInterval(): number {
    return this.#lastDelta;
  }

  /** Appends a point at or after `end`. */
  push(t: number, v: number): void {
    const delta = this.count === 0 ? 0 : t - this.end;
    const kind = decimalsOf(v, MAX_DECIMALS);
    this.varint(zigzag(delta - this.#lastDelta) * 16 + (kind < 0 ? FLOAT : kind));
    if (kind < 0) this.float64(v);
    else this.varint(zigzag(Math.round(v * pow10(kind)) - baseOf(this.#lastV, kind)));
    this.#lastDelta = delta;
    this.#lastV = v;
    this.end = t;
    this.count++;
  }

  points(): Points {
    const t = new Array<number>(this.count);
    const v = new Array<number>(this.count);
    const src = new ByteSource(this.bytes, this.length);
    let [at, delta, value] = [this.start, 0, 0];
    for (let i = 0; i < this.count; i++) {
      const header = src.varint();
      const kind = header % 16;
      delta += unzigzag((header - kind) / 16);
      at += delta;
      value = kind === FLOAT ? src.float64() : (baseOf(value, kind) + unzigzag(src.varint())) / pow10(kind);
      t[i] = at;
      v[i] = value;
    }
    return { t, v };
  }

  /** The chunk codec's bytes, as stored. */
  encode(): Uint8Array {
    const { t, v } = this.points();
    return encodeChunk(t, v);
  }

  /** Sets `v` at `t` inside the chunk (after `start`, before or at `end`); false when it was already there. */
  put(t: number, v: number): boolean {
    const p = this.points();
    const at = lowerBound(p.t, t);
    if (p.t[at] === t) {
      if (Object.is(p.v[at], v)) return false;
      p.v[at] = v;
    } else {
      p.t.splice(at, 0, t);
      p.v.splice(at, 0, v);
    }
    [this.length, this.count, this.#lastDelta, this.#lastV] = [0, 0, 0, 0];
    for (let i = 0; i < p.t.length; i++) this.push(p.t[i]!, p.v[i]!);
    return true;
  }
}

export type SampleEffect = 'late' | 'same' | 'changed' | 'closed';

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

/** `t` moved onto the series' rhythm (the last point plus the last interval) when it is within the tolerance. */
function onRhythm(t: number, last: number, interval: number): number {
  const expected = last + interval;
  return Math.abs(t - expected) <= rhythmTolerance(interval) ? expected : t;
}

/**
 * Applies one sample to `series.open`. A sample a few ms off its series' rhythm is put on it. A sample
 * after the last point is appended, or starts a new chunk when the open one is full ('closed': the
 * caller kept the old one). One inside the chunk is inserted in order (a source that answers a little
 * late); one at an existing time replaces that point. One before the chunk's start is 'late': its chunk
 * is closed and stored, and rewriting closed chunks for stragglers is not worth it.
 */
export function applySample(series: { open: OpenChunk | null }, t: number, v: number, limits: RawChunkLimits): SampleEffect {
  const open = series.open;
  if (open === null) {
    (series.open = new OpenChunk(t)).push(t, v);
    return 'changed';
  }
  if (t < open.start) return 'late';
  const last = open.end;
  if (t > last && open.count >= 2) t = onRhythm(t, last, open.lastInterval);
  if (t > last) {
    if (open.count >= limits.maxPoints || t - open.start >= limits.maxSpanMs) {
      // The last chunk's size is the best guess of the next one's, which saves the doublings.
      (series.open = new OpenChunk(t, open.length + 16)).push(t, v);
      return 'closed';
    }
    open.push(t, v);
    return 'changed';
  }
  if (t === last) {
    if (Object.is(open.lastValue, v)) return 'same';
  }
  return open.put(t, v) ? 'changed' : 'same';
}
