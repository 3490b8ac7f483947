import { jsonCodec, type Codec, type ServerFrame } from '@pulse/protocol';

/**
 * A server frame that encodes itself lazily, at most once per wire format, so a publication costs
 * one JSON and one MessagePack encode however many subscribers it reaches.
 */
export class OutboundFrame {
  readonly frame: ServerFrame;
  /** for publications: when `publish` was called (ms since the epoch), for the latency histogram */
  readonly publishedAt: number | undefined;
  #jsonText: string | undefined;
  #jsonBytes: Buffer | undefined;
  #msgpackBytes: Buffer | undefined;

  constructor(frame: ServerFrame, publishedAt?: number) {
    this.frame = withoutUndefined(frame);
    this.publishedAt = publishedAt;
  }

  /** The JSON text, shared by SSE streams and (as bytes) JSON WebSockets. */
  jsonText(): string {
    this.#jsonText ??= jsonCodec.encode(this.frame) as string;
    return this.#jsonText;
  }

  /**
   * Bytes to hand to `ws.send`. JSON goes as a Buffer too: `ws` would otherwise UTF-8 encode a
   * string again for every socket it is written to.
   */
  bytesFor(codec: Codec): Buffer {
    if (codec.name === 'json') {
      this.#jsonBytes ??= Buffer.from(this.jsonText(), 'utf8');
      return this.#jsonBytes;
    }
    this.#msgpackBytes ??= asBuffer(codec.encode(this.frame));
    return this.#msgpackBytes;
  }
}

function asBuffer(bytes: Uint8Array | string): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Drops top-level fields left undefined (an absent request id): JSON would omit them anyway, but
 * msgpackr writes undefined as a private extension type that other MessagePack decoders reject.
 */
function withoutUndefined(frame: ServerFrame): ServerFrame {
  if (!Object.values(frame).includes(undefined)) return frame;
  return Object.fromEntries(Object.entries(frame).filter(([, value]) => value !== undefined)) as ServerFrame;
}
