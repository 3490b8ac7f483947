import { ByteSource, decimalsOf, MAX_MANTISSA, pow10, unzigzag, zigzag } from './byte-sink.js';
import { encodeChunk } from './chunk-codec.js';
import { ChunkSlabs } from './chunk-slabs.js';
import { fit } from './columns.js';
import { rhythmTolerance } from './precision.js';
import { lowerBound } from './rollup.js';
import type { RawChunkLimits } from './tiers.js';

const FLOAT = 15;
/** the point's value is the previous point's: no value bytes follow the header */
const REPEAT = 16;
const KINDS = 17;
const MAX_DECIMALS = FLOAT - 1;
/**
 * Timestamps the store accepts stay below this (the year 4199), so a point's header, zigzag(delta of
 * delta) × 17 + kind, is always an exact double.
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

const UNLOADED = 0;
const NONE = 1;
const OPEN = 2;
/** unsavedSince of a chunk whose stored row is current (head-log seqs are never negative) */
const SAVED = -1;

/**
 * The newest raw chunk of each series while it fills, encoded as it grows: 50,000 series × 120 points as
 * plain arrays held ~120 MB (bench/proxmox), encoded they hold ~2 bytes a point. Each point is a
 * varint of zigzag(delta of delta) × 17 + kind, then for kind 0..14 the varint zigzag of the mantissa
 * (v × 10^kind) less the previous value's at that scale, for kind 15 a float64, for kind 16 nothing:
 * the value is the previous one's (totals, counts, a stopped guest's zeros; on a steady rhythm such a
 * point is one byte instead of two). Byte-aligned and
 * appendable, unlike the chunk codec, whose per-chunk bit widths need all the points first. A chunk is
 * re-encoded with the codec when it is stored. A point before the last (a late sample, rare) decodes
 * the chunk, inserts and encodes it again.
 *
 * Chunks are kept by series number (SeriesIndex) in typed columns (45 B a series), their bytes in
 * shared slabs (ChunkSlabs), not as an object per series: a chunk object with its own Uint8Array and
 * ArrayBuffer held ~300 B of heap and a backing store sized by doubling (bench/history-memory: the
 * store's heap + external per series went from 920 B to 452). A series' chunk is unloaded (the stored
 * latest chunk is the truth), none (the series has no raw chunk), or open.
 */
export class OpenChunks {
  readonly #bytes: ChunkSlabs;
  #state = new Uint8Array(0);
  #start = new Float64Array(0);
  /** the last point's t */
  #end = new Float64Array(0);
  #count = new Int32Array(0);
  /** the interval between the last two points (0 with fewer than two) */
  #lastDelta = new Float64Array(0);
  #lastV = new Float64Array(0);
  /** head-log seq of the oldest change not yet in a stored chunk row, or SAVED */
  #unsaved = new Float64Array(0);

  constructor(bytes = new ChunkSlabs()) {
    this.#bytes = bytes;
  }

  /** Whether the series' chunk was loaded from storage (open, or known to be none). */
  isLoaded(s: number): boolean {
    return (this.#state[s] ?? UNLOADED) !== UNLOADED;
  }

  /** Whether the series has an open chunk. */
  has(s: number): boolean {
    return this.#state[s] === OPEN;
  }

  start(s: number): number {
    return this.#start[s]!;
  }

  end(s: number): number {
    return this.#end[s]!;
  }

  count(s: number): number {
    return this.#count[s]!;
  }

  /** Encoded bytes of the open chunk. */
  length(s: number): number {
    return this.#bytes.length(s);
  }

  lastValue(s: number): number {
    return this.#lastV[s]!;
  }

  lastInterval(s: number): number {
    return this.#lastDelta[s]!;
  }

  /** undefined while the stored row is current */
  unsavedSince(s: number): number | undefined {
    const seq = this.#unsaved[s];
    return seq === undefined || seq === SAVED || this.#state[s] !== OPEN ? undefined : seq;
  }

  setUnsavedSince(s: number, seq: number | undefined): void {
    this.#unsaved[s] = seq ?? SAVED;
  }

  /** The series has no raw chunk. */
  setNone(s: number): void {
    this.#fit(s);
    this.#state[s] = NONE;
    this.#bytes.release(s);
  }

  /** Forgets the series' chunk: what is stored is the truth again. */
  unload(s: number): void {
    if (s >= this.#state.length) return;
    this.#state[s] = UNLOADED;
    this.#bytes.release(s);
  }

  unloadAll(): void {
    this.#state.fill(UNLOADED);
    this.#bytes.clear();
  }

  /** Starts an empty chunk at `start`, in the room of the one before. */
  begin(s: number, start: number): void {
    this.#fit(s);
    this.#state[s] = OPEN;
    this.#bytes.truncate(s);
    this.#reset(s, start);
    this.#unsaved[s] = SAVED;
  }

  /** Opens a chunk holding `t`, `v` (a stored one, decoded). */
  load(s: number, start: number, t: readonly number[], v: readonly number[]): void {
    this.begin(s, start);
    for (let i = 0; i < t.length; i++) this.push(s, t[i]!, v[i]!);
  }

  /** Appends a point at or after `end`. */
  push(s: number, t: number, v: number): void {
    const count = this.#count[s]!;
    const delta = count === 0 ? 0 : t - this.#end[s]!;
    const dod = zigzag(delta - this.#lastDelta[s]!) * KINDS;
    if (count > 0 && Object.is(v, this.#lastV[s])) {
      this.#bytes.varint(s, dod + REPEAT);
    } else {
      const kind = decimalsOf(v, MAX_DECIMALS);
      this.#bytes.varint(s, dod + (kind < 0 ? FLOAT : kind));
      if (kind < 0) this.#bytes.float64(s, v);
      else this.#bytes.varint(s, zigzag(Math.round(v * pow10(kind)) - baseOf(this.#lastV[s]!, kind)));
    }
    this.#lastDelta[s] = delta;
    this.#lastV[s] = v;
    this.#end[s] = t;
    this.#count[s] = count + 1;
  }

  points(s: number): Points {
    const count = this.#count[s]!;
    const t = new Array<number>(count);
    const v = new Array<number>(count);
    const at = this.#bytes.offset(s);
    const src = new ByteSource(this.#bytes.slab(s), at + this.#bytes.length(s));
    src.at = at;
    let [time, delta, value] = [this.#start[s]!, 0, 0];
    for (let i = 0; i < count; i++) {
      const header = src.varint();
      const kind = header % KINDS;
      delta += unzigzag((header - kind) / KINDS);
      time += delta;
      if (kind === FLOAT) value = src.float64();
      else if (kind !== REPEAT) value = (baseOf(value, kind) + unzigzag(src.varint())) / pow10(kind);
      t[i] = time;
      v[i] = value;
    }
    return { t, v };
  }

  /** The chunk codec's bytes, as stored. */
  encode(s: number): Uint8Array {
    const { t, v } = this.points(s);
    return encodeChunk(t, v);
  }

  /** Sets `v` at `t` inside the chunk (after `start`, before or at `end`); false when it was already there. */
  put(s: number, t: number, v: number): boolean {
    const p = this.points(s);
    const at = lowerBound(p.t, t);
    if (p.t[at] === t) {
      if (Object.is(p.v[at], v)) return false;
      p.v[at] = v;
    } else {
      p.t.splice(at, 0, t);
      p.v.splice(at, 0, v);
    }
    this.#bytes.truncate(s);
    this.#reset(s, this.#start[s]!);
    for (let i = 0; i < p.t.length; i++) this.push(s, p.t[i]!, p.v[i]!);
    return true;
  }

  #reset(s: number, start: number): void {
    this.#start[s] = start;
    this.#end[s] = start;
    this.#count[s] = 0;
    this.#lastDelta[s] = 0;
    this.#lastV[s] = 0;
  }

  #fit(s: number): void {
    if (s < this.#state.length) return;
    this.#state = fit(this.#state, s);
    this.#start = fit(this.#start, s);
    this.#end = fit(this.#end, s);
    this.#count = fit(this.#count, s);
    this.#lastDelta = fit(this.#lastDelta, s);
    this.#lastV = fit(this.#lastV, s);
    this.#unsaved = fit(this.#unsaved, s);
    this.#bytes.fit(s);
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
 * Applies one sample to series `s`'s open chunk (loaded: open or none). A sample a few ms off its
 * series' rhythm is put on it. A sample after the last point is appended, or starts a new chunk when
 * the open one is full ('closed': `onClose` was called first, while the full one could still be read).
 * One inside the chunk is inserted in order (a source that answers a little late); one at an existing
 * time replaces that point. One before the chunk's start is 'late': its chunk is closed and stored, and
 * rewriting closed chunks for stragglers is not worth it.
 */
export function applySample(chunks: OpenChunks, s: number, t: number, v: number, limits: RawChunkLimits, onClose?: (s: number) => void): SampleEffect {
  if (!chunks.has(s)) {
    if (!chunks.isLoaded(s)) throw new Error(`series ${s}: a sample applied before its chunk was loaded`);
    chunks.begin(s, t);
    chunks.push(s, t, v);
    return 'changed';
  }
  if (t < chunks.start(s)) return 'late';
  const last = chunks.end(s);
  if (t > last && chunks.count(s) >= 2) t = onRhythm(t, last, chunks.lastInterval(s));
  if (t > last) {
    if (chunks.count(s) >= limits.maxPoints || t - chunks.start(s) >= limits.maxSpanMs) {
      onClose?.(s);
      chunks.begin(s, t);
      chunks.push(s, t, v);
      return 'closed';
    }
    chunks.push(s, t, v);
    return 'changed';
  }
  if (t === last && Object.is(chunks.lastValue(s), v)) return 'same';
  return chunks.put(s, t, v) ? 'changed' : 'same';
}
