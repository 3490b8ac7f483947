import { crc32 } from 'node:zlib';
import { ChunkError } from './chunk-codec.js';
import { ByteSink, ByteSource, decimalsOf, pow10, unzigzag, zigzag } from './byte-sink.js';

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
const MAX_DECIMALS = FLOAT_KIND - 1;

/**
 * Builds one head-log row sample by sample, straight into bytes: a flush of 25,000 samples makes no
 * object per sample. Samples must come grouped by ascending series id.
 */
export class HeadBatchWriter {
  readonly #body = new ByteSink(1024);
  #series = 0;
  #prevT = 0;
  count = 0;

  add(seriesId: number, t: number, v: number): void {
    const body = this.#body;
    body.varint(seriesId - this.#series);
    const kind = decimalsOf(v, MAX_DECIMALS);
    if (kind < 0) {
      body.varint(zigzag(t - this.#prevT) * 8 + FLOAT_KIND);
      body.float64(v);
    } else {
      body.varint(zigzag(t - this.#prevT) * 8 + kind);
      body.varint(zigzag(Math.round(v * pow10(kind))));
    }
    this.#series = seriesId;
    this.#prevT = t;
    this.count++;
  }

  finish(): Uint8Array {
    const head = new ByteSink(16);
    head.bytes[head.length++] = HEAD_FORMAT;
    head.varint(this.count);
    const size = head.length + this.#body.length;
    const bytes = new Uint8Array(size + 4);
    bytes.set(head.bytes.subarray(0, head.length));
    bytes.set(this.#body.bytes.subarray(0, this.#body.length), head.length);
    new DataView(bytes.buffer).setUint32(size, crc32(bytes.subarray(0, size)));
    return bytes;
  }
}

/** `samples` grouped by ascending series id; within a series, in the order they were applied. */
export function encodeHeadBatch(samples: readonly HeadSample[]): Uint8Array {
  const writer = new HeadBatchWriter();
  for (const s of samples) writer.add(s.seriesId, s.t, s.v);
  return writer.finish();
}

export function decodeHeadBatch(bytes: Uint8Array): HeadSample[] {
  const corrupt = (detail: string) => new ChunkError('history.chunk_corrupt', `Metric head-log row cannot be decoded (${detail}); its samples are lost.`);
  if (bytes.length < 6 || bytes[0] !== HEAD_FORMAT) throw corrupt('unknown format or too short');
  const body = bytes.subarray(0, bytes.length - 4);
  if (crc32(body) !== new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0)) throw corrupt('checksum mismatch');
  const src = new ByteSource(body);
  src.at = 1;
  const count = src.varint();
  if (count < 0) throw corrupt('truncated count');
  const out: HeadSample[] = [];
  let series = 0;
  let prevT = 0;
  for (let i = 0; i < count; i++) {
    const step = src.varint();
    const code = src.varint();
    if (step < 0 || code < 0) throw corrupt('truncated sample');
    series += step;
    const kind = code % 8;
    const t = prevT + unzigzag((code - kind) / 8);
    let v: number;
    if (kind === FLOAT_KIND) {
      v = src.float64();
      if (Number.isNaN(v)) throw corrupt('truncated value');
    } else {
      const m = src.varint();
      if (m < 0) throw corrupt('truncated value');
      v = unzigzag(m) / pow10(kind);
    }
    out.push({ seriesId: series, t, v });
    prevT = t;
  }
  if (src.at !== body.length) throw corrupt('trailing data');
  return out;
}
