import { ChunkError, decodeChunk, encodeChunk } from './chunk-codec.js';
import type { Buckets } from './rollup.js';

/**
 * A rollup chunk is four codec chunks — avg, min, max, count — each over the same bucket times, framed
 * by a version byte and LEB128 lengths. Repeating the times costs almost nothing: buckets are regular,
 * and the codec spends a few bytes on a whole run of equal deltas, while keeping each stream a plain
 * chunk lets every value stream choose its own mode (min/max often stay decimal, avg rarely does).
 */
const ROLLUP_FORMAT = 1;
const STREAMS = ['avg', 'min', 'max', 'count'] as const;

export function encodeRollupChunk(b: Buckets): Uint8Array {
  const parts = STREAMS.map((name) => encodeChunk(b.t, b[name]));
  const header: number[] = [ROLLUP_FORMAT];
  for (const part of parts.slice(0, -1)) writeVarint(header, part.length);
  const out = new Uint8Array(header.length + parts.reduce((n, p) => n + p.length, 0));
  out.set(header);
  let at = header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function decodeRollupChunk(bytes: Uint8Array): Buckets {
  if (bytes[0] !== ROLLUP_FORMAT) throw new ChunkError('history.chunk_corrupt', `Rollup chunk has unknown format ${bytes[0]}; the stored bytes are damaged or not a rollup chunk.`);
  const pos = { at: 1 };
  const lengths = STREAMS.slice(0, -1).map(() => readVarint(bytes, pos));
  let at = pos.at;
  const streams = [...lengths, bytes.length - at - lengths.reduce((a, b) => a + b, 0)].map((len) => {
    const part = decodeChunk(bytes.subarray(at, at + len));
    at += len;
    return part;
  });
  const [avg, min, max, count] = streams as [ReturnType<typeof decodeChunk>, ReturnType<typeof decodeChunk>, ReturnType<typeof decodeChunk>, ReturnType<typeof decodeChunk>];
  return { t: avg.t, avg: avg.v, min: min.v, max: max.v, count: count.v };
}

/** Unsigned LEB128 of a non-negative safe integer. */
export function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

export function readVarint(bytes: Uint8Array, pos: { at: number }): number {
  let n = 0;
  for (let scale = 1; ; scale *= 0x80) {
    if (pos.at >= bytes.length || scale > 2 ** 49) throw new ChunkError('history.chunk_corrupt', 'Metric data has a truncated or oversized length field; the stored bytes are damaged.');
    const byte = bytes[pos.at++]!;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) return n;
  }
}
