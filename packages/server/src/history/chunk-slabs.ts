import { fit } from './columns.js';

/** Series per slab, as a power of two: a compaction copies one slab, and a slab's spare room is shared by its series. */
const SERIES_PER_SLAB_BITS = 9;
/**
 * Room a region gets past its bytes when it is placed: a handful of ~3-byte samples before it moves.
 * With 8, regions moved and slabs compacted so often that applying samples took ~20 % longer (measured).
 */
const REGION_SLACK = 16;

/** Bytes of `n` as an unsigned LEB128 varint. */
function varintLength(n: number): number {
  let bytes = 1;
  for (; n >= 0x80; bytes++) n = Math.floor(n / 0x80);
  return bytes;
}

/**
 * The bytes of every series' open chunk, written with LEB128 varints like a ByteSink, in shared slabs:
 * one Uint8Array per 512 series (by series number), each series a region of it (offset, capacity and
 * length in typed columns). A ByteSink per chunk cost a Uint8Array and an ArrayBuffer object (~150 B of
 * heap) and a backing store sized by doubling, so on average as large as the full chunk; this costs
 * 12 B of columns and the slabs hold ~1.1 × the bytes in use (bench/history-memory's data: 279 B a
 * series for 252 in use).
 *
 * A region that runs out of room moves to its slab's free end; its old place is left as garbage. When
 * the free end runs out, the slab is compacted into a new one that holds each region trimmed to its
 * bytes plus REGION_SLACK, and a sixteenth spare: a chunk that restarted (empty, in the room its full
 * predecessor needed) gives that room back, and a series that went away gives back all of it. At
 * 50,000 series and 4,500 samples/s a slab (~140 KB) is compacted every ~17 s, ~80 µs each: 0.05 % of
 * a core (measured); an eighth spare instead of a sixteenth halves that for ~15 B a series more.
 */
export class ChunkSlabs {
  #offset = new Int32Array(0);
  #capacity = new Int32Array(0);
  #length = new Int32Array(0);
  readonly #slabs: (Uint8Array | undefined)[] = [];
  /** per slab: where its free end starts */
  readonly #top: number[] = [];
  readonly #bits: number;

  /** `seriesPerSlabBits` is for tests, to make many slabs of a few series. */
  constructor(seriesPerSlabBits = SERIES_PER_SLAB_BITS) {
    this.#bits = seriesPerSlabBits;
  }

  /** Makes room in the columns for series `s` (before its first write). */
  fit(s: number): void {
    if (s < this.#length.length) return;
    this.#offset = fit(this.#offset, s);
    this.#capacity = fit(this.#capacity, s);
    this.#length = fit(this.#length, s);
  }

  length(s: number): number {
    return this.#length[s] ?? 0;
  }

  /** Where series `s`'s bytes are: slab(s)[offset(s) … offset(s) + length(s)), until its next write. */
  slab(s: number): Uint8Array {
    return this.#slabs[s >>> this.#bits]!;
  }

  offset(s: number): number {
    return this.#offset[s]!;
  }

  /** Empties the region of `s` but keeps its room (its next chunk will likely need as much). */
  truncate(s: number): void {
    if (s < this.#length.length) this.#length[s] = 0;
  }

  /** Gives the region of `s` up: the next compaction of its slab reclaims the room. */
  release(s: number): void {
    if (s >= this.#length.length) return;
    this.#length[s] = 0;
    this.#capacity[s] = 0;
  }

  /** Forgets every region and slab. */
  clear(): void {
    this.#length.fill(0);
    this.#capacity.fill(0);
    this.#slabs.length = 0;
    this.#top.length = 0;
  }

  /** Bytes the slabs hold, used or not. */
  get size(): number {
    return this.#slabs.reduce((n, slab) => n + (slab?.length ?? 0), 0);
  }

  /** Unsigned LEB128 of a non-negative safe integer (at most 8 bytes), as ByteSink.varint. */
  varint(s: number, n: number): void {
    if (this.#length[s]! + 8 > this.#capacity[s]!) this.#reserve(s, varintLength(n));
    const b = this.#slabs[s >>> this.#bits]!;
    let at = this.#offset[s]! + this.#length[s]!;
    while (n >= 0x80) {
      b[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[at++] = n;
    this.#length[s] = at - this.#offset[s]!;
  }

  float64(s: number, v: number): void {
    this.#reserve(s, 8);
    const b = this.#slabs[s >>> this.#bits]!;
    new DataView(b.buffer, b.byteOffset + this.#offset[s]! + this.#length[s]!, 8).setFloat64(0, v, true);
    this.#length[s]! += 8;
  }

  /** Room for `n` more bytes: the exact count, as the slack is a few bytes. */
  #reserve(s: number, n: number): void {
    if (this.#length[s]! + n > this.#capacity[s]!) this.#move(s, this.#length[s]! + n + REGION_SLACK);
  }

  /** Gives `s` a region of `capacity` bytes holding its bytes: grown in place at the free end, moved there, or compacted. */
  #move(s: number, capacity: number): void {
    const g = s >>> this.#bits;
    const slab = this.#slabs[g];
    const top = this.#top[g] ?? 0;
    const at = this.#offset[s]!;
    if (slab && at + this.#capacity[s]! === top && at + capacity <= slab.length) {
      this.#top[g] = at + capacity;
    } else if (slab && top + capacity <= slab.length) {
      slab.copyWithin(top, at, at + this.#length[s]!);
      this.#offset[s] = top;
      this.#top[g] = top + capacity;
    } else {
      this.#compact(g, s, capacity);
      return;
    }
    this.#capacity[s] = capacity;
  }

  /** Copies slab `g`'s regions into a new slab, each trimmed to its bytes and slack, `s` with `capacity`. */
  #compact(g: number, s: number, capacity: number): void {
    const first = g << this.#bits;
    const end = Math.min(first + (1 << this.#bits), this.#length.length);
    const room = (k: number): number => (k === s ? capacity : this.#capacity[k]! > 0 ? this.#length[k]! + REGION_SLACK : 0);
    let used = 0;
    for (let k = first; k < end; k++) used += room(k);
    const old = this.#slabs[g];
    const slab = new Uint8Array(used + Math.max(used >>> 4, 256));
    let top = 0;
    for (let k = first; k < end; k++) {
      const c = room(k);
      if (c === 0) continue;
      if (this.#length[k]! > 0) slab.set(old!.subarray(this.#offset[k]!, this.#offset[k]! + this.#length[k]!), top);
      this.#offset[k] = top;
      this.#capacity[k] = c;
      top += c;
    }
    this.#slabs[g] = slab;
    this.#top[g] = top;
  }
}
