/**
 * A growing byte array written with LEB128 varints, for encoders that append sample by sample (the
 * head-log batch; open chunks write the same way into shared slabs, ChunkSlabs). A plain `number[]`
 * costs 8 bytes a byte; this costs one.
 */
export class ByteSink {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(8, capacity));
  }

  /** Room for `n` more bytes, doubling so appends stay amortised O(1). */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Unsigned LEB128 of a non-negative safe integer (at most 8 bytes). */
  varint(n: number): void {
    this.reserve(8);
    const b = this.bytes;
    let at = this.length;
    while (n >= 0x80) {
      b[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[at++] = n;
    this.length = at;
  }

  float64(v: number): void {
    this.reserve(8);
    new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, 8).setFloat64(0, v, true);
    this.length += 8;
  }
}

/** A reading position in bytes written by a ByteSink; callers check `at` against their end. */
export class ByteSource {
  at = 0;
  constructor(readonly bytes: Uint8Array, readonly end: number = bytes.length) {}

  /** Unsigned LEB128; returns -1 when it runs past `end` or past 8 bytes, for the caller to report. */
  varint(): number {
    let n = 0;
    for (let scale = 1; scale <= 2 ** 49; scale *= 0x80) {
      if (this.at >= this.end) return -1;
      const byte = this.bytes[this.at++]!;
      n += (byte & 0x7f) * scale;
      if (byte < 0x80) return n;
    }
    return -1;
  }

  /** NaN when fewer than 8 bytes are left. */
  float64(): number {
    if (this.at + 8 > this.end) return Number.NaN;
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8).getFloat64(0, true);
    this.at += 8;
    return v;
  }
}

export const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
export const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Mantissas stay under this, so their deltas and zigzags are exact doubles. */
export const MAX_MANTISSA = 2 ** 50;

/**
 * The fewest decimals `k` (≤ maxDecimals) with `v` exactly m / 10^k, or -1 (then v is stored as a
 * float64). -0 never qualifies: it would come back as 0. Samples are rounded to six significant
 * digits (precision.ts), so almost every value has a short decimal form.
 */
export function decimalsOf(v: number, maxDecimals: number): number {
  if (Object.is(v, -0)) return -1;
  for (let k = 0; k <= maxDecimals; k++) {
    const m = Math.round(v * POW10[k]!);
    if (Math.abs(m) > MAX_MANTISSA) return -1;
    if (m / POW10[k]! === v) return k;
  }
  return -1;
}

export const pow10 = (k: number): number => POW10[k]!;
