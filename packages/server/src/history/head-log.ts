import { crc32 } from 'node:zlib';
import { ChunkError } from './chunk-codec.js';
import { readVarint, writeVarint } from './chunk-format.js';

/**
 * The head log makes a flush durable without rewriting open chunks. Rewriting every series' open chunk
 * on every flush writes each sample ~points/2 times over (a 120-point chunk: ~60×, more than a plain
 * one-row-per-sample table), so a flush instead appends ONE row holding just the new samples of all
 * series, and a chunk is written when it closes (or, for a slow series, at a checkpoint). On restart the
 * rows still in the log are replayed into the open chunks.
 *
 * Row layout: [version][count LEB128] then per sample, in the order they were applied:
 *   LEB128 series id delta (samples are grouped by ascending series id)
 *   LEB128 of zigzag(t − previous t) × 8 + kind
 *   kind 0..6: LEB128 zigzag(m) where v = m / 10^kind exactly (23.4 → 234: two bytes); kind 7: float64 LE
 * and a CRC32 (big-endian) of everything before it.
 */
export interface HeadSample {
  seriesId: number;
  t: number;
  v: number;
}

const HEAD_FORMAT = 1;
const FLOAT_KIND = 7;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
const MAX_MANTISSA = 2 ** 50;

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

function decimalKind(v: number): [kind: number, mantissa: number] {
  if (Object.is(v, -0)) return [FLOAT_KIND, 0];
  for (let k = 0; k < POW10.length; k++) {
    const m = Math.round(v * POW10[k]!);
    if (Math.abs(m) > MAX_MANTISSA) break;
    if (Object.is(m / POW10[k]!, v)) return [k, m];
  }
  return [FLOAT_KIND, 0];
}

/** `samples` grouped by ascending series id; within a series, in the order they were applied. */
export function encodeHeadBatch(samples: readonly HeadSample[]): Uint8Array {
  const out: number[] = [HEAD_FORMAT];
  writeVarint(out, samples.length);
  const float = new DataView(new ArrayBuffer(8));
  let series = 0;
  let prevT = 0;
  for (const s of samples) {
    writeVarint(out, s.seriesId - series);
    const [kind, mantissa] = decimalKind(s.v);
    writeVarint(out, zigzag(s.t - prevT) * 8 + kind);
    if (kind === FLOAT_KIND) {
      float.setFloat64(0, s.v, true);
      for (let i = 0; i < 8; i++) out.push(float.getUint8(i));
    } else {
      writeVarint(out, zigzag(mantissa));
    }
    series = s.seriesId;
    prevT = s.t;
  }
  const body = Uint8Array.from(out);
  const bytes = new Uint8Array(body.length + 4);
  bytes.set(body);
  new DataView(bytes.buffer).setUint32(body.length, crc32(body));
  return bytes;
}

export function decodeHeadBatch(bytes: Uint8Array): HeadSample[] {
  const corrupt = (detail: string) => new ChunkError('history.chunk_corrupt', `Metric head-log row cannot be decoded (${detail}); its samples are lost.`);
  if (bytes.length < 6 || bytes[0] !== HEAD_FORMAT) throw corrupt('unknown format or too short');
  const body = bytes.subarray(0, bytes.length - 4);
  if (crc32(body) !== new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0)) throw corrupt('checksum mismatch');
  const pos = { at: 1 };
  const count = readVarint(body, pos);
  const out: HeadSample[] = [];
  let series = 0;
  let prevT = 0;
  for (let i = 0; i < count; i++) {
    series += readVarint(body, pos);
    const code = readVarint(body, pos);
    const kind = code % 8;
    const t = prevT + unzigzag((code - kind) / 8);
    let v: number;
    if (kind === FLOAT_KIND) {
      if (pos.at + 8 > body.length) throw corrupt('truncated value');
      v = new DataView(body.buffer, body.byteOffset + pos.at, 8).getFloat64(0, true);
      pos.at += 8;
    } else {
      v = unzigzag(readVarint(body, pos)) / POW10[kind]!;
    }
    out.push({ seriesId: series, t, v });
    prevT = t;
  }
  if (pos.at !== body.length) throw corrupt('trailing data');
  return out;
}
