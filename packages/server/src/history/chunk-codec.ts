/**
 * Lossless encoding of one series chunk after Facebook's Gorilla (VLDB 2015) and VictoriaMetrics' decimals.
 * Layout: [format version byte][point count, LEB128][bit stream, zero-padded][CRC32 of all before it, BE].
 * The stream holds all timestamps (t0, first delta, then delta-of-deltas), then all values, encoded both
 * ways below with the smaller kept: decimal mode when every value is exactly m / 10^k for one small k (a
 * CPU percent, a byte count) stores deltas of the integers m, because XOR spends ~50 bits on 23.4 → 23.7
 * (0.1 has no short binary form) where the delta 3 takes 8; XOR mode is Gorilla's float64 XOR.
 * An unchanged delta or value is one '0' bit, and after RUN_START of them an Elias-gamma count of the rest,
 * so a regular, constant hour costs bytes, not 2 bits a point. The CRC is there because a flipped bit
 * inside the stream still decodes to plausible numbers.
 */
import { crc32 } from 'node:zlib';

const FORMAT_VERSION = 1;
/** Far above any chunk the store writes; bounds what a hostile count could make the decoder allocate. */
const MAX_POINTS = 2 ** 24;
const RUN_START = 8;
/** Widest first bucket a chunk may pick for its signed ints (stored in 5 bits). */
const MAX_WIDTH = 20;
const ESCAPE = 3;
const MAX_DECIMALS = 15;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, k) => 10 ** k);
/** Decimal mode keeps |m| under this so the delta of two of them is still an exact double. */
const MAX_DECIMAL_INT = 2 ** 52 - 1;
const TWO_32 = 2 ** 32;

/** `history.chunk_corrupt`: the bytes do not decode; `history.chunk_invalid`: the input cannot be encoded. */
export class ChunkError extends Error {
  constructor(readonly code: 'history.chunk_corrupt' | 'history.chunk_invalid', message: string) {
    super(message);
    this.name = 'ChunkError';
  }
}

const corrupt = (detail: string): ChunkError =>
  new ChunkError('history.chunk_corrupt', `Metric chunk cannot be decoded (${detail}): the stored bytes are damaged or not a chunk.`);
const invalid = (detail: string): ChunkError => new ChunkError('history.chunk_invalid', `Cannot encode metric chunk: ${detail}.`);

/** Bits packed most significant first into a growing byte array. */
class BitWriter {
  #buf = new Uint8Array(256);
  bits = 0;

  /** Writes the low `n` (0..32) bits of `value`, or a non-negative safe integer in `n` up to 53. */
  write(value: number, n: number): void {
    if (n > 32) {
      this.write(Math.floor(value / TWO_32), n - 32);
      [value, n] = [value >>> 0, 32];
    }
    if ((this.bits + n + 7) >>> 3 > this.#buf.length) {
      const grown = new Uint8Array(this.#buf.length * 2);
      grown.set(this.#buf);
      this.#buf = grown;
    }
    for (let left = n; left > 0; ) {
      const take = Math.min(8 - (this.bits & 7), left);
      this.#buf[this.bits >>> 3]! |= ((value >>> (left - take)) & ((1 << take) - 1)) << (8 - (this.bits & 7) - take);
      this.bits += take;
      left -= take;
    }
  }

  append(other: BitWriter): void {
    for (let at = 0; at < other.bits; at += 8) {
      const n = Math.min(8, other.bits - at);
      this.write(other.#buf[at >>> 3]! >>> (8 - n), n);
    }
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, (this.bits + 7) >>> 3);
  }
}

class BitReader {
  #pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly end: number) {}

  get remaining(): number {
    return this.end - this.#pos;
  }

  /** Reads `n` (0..53) bits as an unsigned int; running out is corruption, never a silent zero. */
  read(n: number): number {
    if (n > this.remaining) throw corrupt('truncated bit stream');
    if (n > 32) return this.read(n - 32) * TWO_32 + this.read(32);
    let out = 0;
    for (let left = n; left > 0; ) {
      const take = Math.min(8 - (this.#pos & 7), left);
      out = ((out << take) | ((this.buf[this.#pos >>> 3]! >>> (8 - (this.#pos & 7) - take)) & ((1 << take) - 1))) >>> 0;
      this.#pos += take;
      left -= take;
    }
    return out;
  }
}

function bitLength(x: number): number {
  const hi = Math.floor(x / TWO_32);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(x >>> 0);
}

/** A non-negative safe integer as a 6-bit length and that many bits: an epoch-ms time takes 47 bits, not 64. */
function writeUnsigned(w: BitWriter, x: number): void {
  w.write(bitLength(x), 6);
  w.write(x, bitLength(x));
}

function readUnsigned(r: BitReader): number {
  const n = r.read(6);
  if (n > 53) throw corrupt('integer wider than 53 bits');
  return r.read(n);
}

/** Zero items are '0' bits (with the run count after RUN_START of them); a non-zero item writes a code starting with '1'. */
function writeItems(w: BitWriter, count: number, isZero: (i: number) => boolean, write: (i: number) => void): void {
  for (let i = 0; i < count; ) {
    if (!isZero(i)) {
      write(i++);
      continue;
    }
    let run = 1;
    while (i + run < count && isZero(i + run)) run++;
    w.write(0, Math.min(run, RUN_START));
    const gamma = run - RUN_START + 1;
    if (gamma > 0) {
      w.write(0, bitLength(gamma) - 1);
      w.write(gamma, bitLength(gamma));
    }
    i += run;
  }
}

/** Mirror of writeItems; `read` runs after the leading '1' was consumed. */
function readItems(r: BitReader, count: number, zero: (i: number) => void, read: (i: number) => void): void {
  for (let i = 0, zeros = 0; i < count; ) {
    if (r.read(1) === 1) {
      read(i++);
      zeros = 0;
      continue;
    }
    zero(i++);
    if (++zeros < RUN_START) continue;
    let width = 0;
    while (r.read(1) === 0) if (++width > 31) throw corrupt('zero run too long');
    const extra = (width === 0 ? 1 : 2 ** width + r.read(width)) - 1;
    if (extra > count - i) throw corrupt('zero run past the end of the chunk');
    for (const end = i + extra; i < end; ) zero(i++);
    zeros = 0;
  }
}

/** Two's-complement bucket widths for a chunk's first width; the escape past them is sign + 53-bit magnitude. */
const bucketsFor = (width: number): readonly number[] => [width, width + 6, 32];
/** Bits a two's-complement x needs. */
const signedBits = (x: number): number => bitLength(x < 0 ? -x - 1 : x) + 1;

function bucketOf(bits: number, buckets: readonly number[]): number {
  let b = 0;
  while (b < ESCAPE && buckets[b]! < bits) b++;
  return b;
}

/**
 * Signed ints (|x| < 2^53), zeros as runs, others as '1' + b ones + '0' + a bucket-b int (all ones: escape).
 * The first width is chosen per chunk, so CPU-percent steps (±30) and byte-counter deltas (±1e6) both fit tightly.
 */
function writeInts(w: BitWriter, xs: readonly number[]): void {
  if (xs.length === 0) return;
  const needed = new Array<number>(55).fill(0);
  for (const x of xs) if (x !== 0) needed[signedBits(x)]!++;
  const costs = Array.from({ length: MAX_WIDTH }, (_, k) => {
    const buckets = bucketsFor(k + 1);
    return needed.reduce((sum, count, bits) => {
      const b = bucketOf(bits, buckets);
      return sum + count * (b < ESCAPE ? b + 2 + buckets[b]! : 58);
    }, 0);
  });
  const width = costs.indexOf(Math.min(...costs)) + 1;
  const buckets = bucketsFor(width);
  w.write(width, 5);
  writeItems(w, xs.length, (i) => xs[i] === 0, (i) => {
    const x = xs[i]!;
    const b = bucketOf(signedBits(x), buckets);
    w.write(b < ESCAPE ? (1 << (b + 2)) - 2 : 0b11110 | (x < 0 ? 1 : 0), b < ESCAPE ? b + 2 : 5);
    if (b < ESCAPE) w.write(x, buckets[b]!);
    else w.write(Math.abs(x), 53);
  });
}

function readInts(r: BitReader, count: number): number[] {
  if (count <= 0) return [];
  const width = r.read(5);
  if (width < 1 || width > MAX_WIDTH) throw corrupt('bad bucket width');
  const buckets = bucketsFor(width);
  const xs = new Array<number>(count);
  readItems(r, count, (i) => (xs[i] = 0), (i) => {
    let b = 0;
    while (b < ESCAPE && r.read(1) === 1) b++;
    const n = buckets[b] ?? 0;
    const u = b < ESCAPE ? r.read(n) : 0;
    xs[i] = b < ESCAPE ? (u >= 2 ** (n - 1) ? u - 2 ** n : u) : (r.read(1) ? -1 : 1) * r.read(53);
  });
  return xs;
}

/** The smallest k with every value exactly m / 10^k, or -1. -0 never qualifies: it would come back as 0. */
function decimalScale(v: readonly number[]): number {
  const exact = (x: number, k: number): boolean => {
    const m = Math.round(x * POW10[k]!) + 0;
    return Math.abs(m) <= MAX_DECIMAL_INT && Object.is(m / POW10[k]!, x);
  };
  let k = 0;
  for (const x of v) while (k <= MAX_DECIMALS && !exact(x, k)) k++;
  return k <= MAX_DECIMALS && v.every((x) => exact(x, k)) ? k : -1;
}

function writeDecimalValues(w: BitWriter, v: readonly number[], scale: number): void {
  const ints = v.map((x) => Math.round(x * POW10[scale]!));
  w.write(0b100000 | (scale << 1) | (ints[0]! < 0 ? 1 : 0), 6);
  writeUnsigned(w, Math.abs(ints[0]!));
  writeInts(w, ints.slice(1).map((m, i) => m - ints[i]!));
}

function readDecimalValues(r: BitReader, count: number): number[] {
  const scale = r.read(4);
  let m = (r.read(1) ? -1 : 1) * readUnsigned(r);
  const values = [m / POW10[scale]!];
  for (const delta of readInts(r, count - 1)) {
    if (Math.abs((m += delta)) > MAX_DECIMAL_INT) throw corrupt('decimal value out of range');
    values.push(m / POW10[scale]!);
  }
  return values;
}

/**
 * Gorilla: XOR with the previous value's bits; '10' + the bits inside the previous leading/trailing-zero
 * window when they fit, else '11' + 5-bit leading zeros + 6-bit length + bits. Without 64-bit ints the
 * bits travel as (hi, lo) uint32 pairs.
 */
function writeXorValues(w: BitWriter, v: readonly number[]): void {
  const view = new DataView(new ArrayBuffer(8 * v.length));
  v.forEach((x, i) => view.setFloat64(8 * i, x));
  const xh = (i: number): number => (view.getUint32(8 * i + 8) ^ view.getUint32(8 * i)) >>> 0;
  const xl = (i: number): number => (view.getUint32(8 * i + 12) ^ view.getUint32(8 * i + 4)) >>> 0;
  w.write(0, 1);
  w.write(view.getUint32(0), 32);
  w.write(view.getUint32(4), 32);
  let [lead, trail] = [-1, 0];
  writeItems(w, v.length - 1, (i) => xh(i) === 0 && xl(i) === 0, (i) => {
    const [h, l] = [xh(i), xl(i)];
    const newLead = Math.min(31, h !== 0 ? Math.clz32(h) : 32 + Math.clz32(l));
    const newTrail = l !== 0 ? 31 - Math.clz32(l & -l) : 63 - Math.clz32(h & -h);
    const reuse = lead >= 0 && newLead >= lead && newTrail >= trail;
    if (!reuse) [lead, trail] = [newLead, newTrail];
    w.write(reuse ? 0b10 : (0b11 << 11) | (lead << 6) | (63 - lead - trail), reuse ? 2 : 13);
    const n = 64 - lead - trail;
    if (n > 32) w.write(trail >= 32 ? 0 : h >>> trail, n - 32);
    w.write(trail >= 32 ? h >>> (trail - 32) : trail === 0 ? l : (l >>> trail) | (h << (32 - trail)), Math.min(n, 32));
  });
}

function readXorValues(r: BitReader, count: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  let [h, l] = [r.read(32), r.read(32)];
  const values: number[] = [];
  const push = (): void => {
    view.setUint32(0, h);
    view.setUint32(4, l);
    if (!Number.isFinite(view.getFloat64(0))) throw corrupt('non-finite value');
    values.push(view.getFloat64(0));
  };
  push();
  let [lead, trail] = [-1, 0];
  readItems(r, count - 1, push, () => {
    if (r.read(1) === 1) {
      lead = r.read(5);
      trail = 63 - lead - r.read(6);
      if (trail < 0) throw corrupt('value window wider than 64 bits');
    } else if (lead < 0) throw corrupt('value window reused before it was set');
    const n = 64 - lead - trail;
    const mh = n > 32 ? r.read(n - 32) : 0;
    const ml = r.read(Math.min(n, 32));
    h = (h ^ (trail >= 32 ? ml << (trail - 32) : trail === 0 ? mh : (mh << trail) | (ml >>> (32 - trail)))) >>> 0;
    l = (l ^ (trail >= 32 ? 0 : ml << trail)) >>> 0;
    push();
  });
  return values;
}

export function encodeChunk(t: readonly number[], v: readonly number[]): Uint8Array {
  if (t.length !== v.length) throw invalid(`${t.length} timestamps but ${v.length} values`);
  if (t.length > MAX_POINTS) throw invalid(`${t.length} points is more than a chunk holds (${MAX_POINTS})`);
  t.forEach((at, i) => {
    if (!Number.isSafeInteger(at) || at < 0) throw invalid(`timestamp ${at} is not a non-negative safe integer`);
    if (i > 0 && at < t[i - 1]!) throw invalid(`timestamps go backwards at index ${i}`);
    if (!Number.isFinite(v[i])) throw invalid(`value ${v[i]} at index ${i} is not finite`);
  });
  const w = new BitWriter();
  w.write(FORMAT_VERSION, 8);
  for (let n = t.length; ; n = Math.floor(n / 128)) {
    w.write(n >= 128 ? 0x80 | (n & 0x7f) : n, 8);
    if (n < 128) break;
  }
  if (t.length > 0) {
    writeUnsigned(w, t[0]!);
    if (t.length > 1) writeUnsigned(w, t[1]! - t[0]!);
    writeInts(w, t.slice(2).map((at, i) => at - 2 * t[i + 1]! + t[i]!));
    const [xor, decimal, scale] = [new BitWriter(), new BitWriter(), decimalScale(v)];
    writeXorValues(xor, v);
    if (scale >= 0) writeDecimalValues(decimal, v, scale);
    w.append(scale >= 0 && decimal.bits < xor.bits ? decimal : xor);
  }
  w.write(0, (8 - (w.bits & 7)) & 7);
  w.write(crc32(w.bytes()), 32);
  return w.bytes().slice();
}

export function decodeChunk(bytes: Uint8Array): { t: number[]; v: number[] } {
  if (bytes.length < 6) throw corrupt(`${bytes.length} bytes is shorter than any chunk`);
  if (bytes[0] !== FORMAT_VERSION) throw corrupt(`unknown format version ${bytes[0]}`);
  const body = bytes.length - 4;
  if (crc32(bytes.subarray(0, body)) !== new DataView(bytes.buffer, bytes.byteOffset + body).getUint32(0)) {
    throw corrupt('checksum mismatch');
  }
  const r = new BitReader(bytes, body * 8);
  r.read(8);
  let count = 0;
  for (let scale = 1, byte = 0x80; byte >= 0x80; scale *= 128) {
    if (scale > 2 ** 28) throw corrupt('bad point count');
    byte = r.read(8);
    count += (byte & 0x7f) * scale;
  }
  if (count > MAX_POINTS) throw corrupt(`point count ${count} over the limit`);
  const t: number[] = [];
  let v: number[] = [];
  if (count > 0) {
    t.push(readUnsigned(r));
    let delta = count > 1 ? readUnsigned(r) : 0;
    if (count > 1) t.push(t[0]! + delta);
    for (const dod of readInts(r, count - 2)) {
      if ((delta += dod) < 0) throw corrupt('timestamps out of order');
      t.push(t[t.length - 1]! + delta);
    }
    // Times only grow, so a safe last one means all are safe.
    if (!Number.isSafeInteger(t[t.length - 1])) throw corrupt('timestamp out of range');
    v = r.read(1) === 1 ? readDecimalValues(r, count) : readXorValues(r, count);
  }
  if (r.remaining >= 8 || r.read(r.remaining) !== 0) throw corrupt('trailing data');
  return { t, v };
}
