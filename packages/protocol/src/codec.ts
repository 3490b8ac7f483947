import { Packr, Unpackr } from 'msgpackr';
import { SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK } from './frames.js';

export type CodecName = 'json' | 'msgpack';

/** Encodes and decodes frames for one wire format. Decode throws on bytes it cannot read. */
export interface Codec {
  readonly name: CodecName;
  readonly subprotocol: string;
  readonly binary: boolean;
  encode(frame: unknown): Uint8Array | string;
  decode(data: Uint8Array | string): unknown;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export const jsonCodec: Codec = {
  name: 'json',
  subprotocol: SUBPROTOCOL_JSON,
  binary: false,
  encode: (frame) => JSON.stringify(frame),
  decode: (data) => JSON.parse(typeof data === 'string' ? data : textDecoder.decode(data)),
};

// useRecords: false keeps the output plain MessagePack any other-language decoder can read.
const packr = new Packr({ useRecords: false, moreTypes: false });
// Other encoders write small integers as uint64/int64; BigInt would fail validation and JSON.
const unpackr = new Unpackr({ useRecords: false, moreTypes: false, int64AsType: 'number' });

export const msgpackCodec: Codec = {
  name: 'msgpack',
  subprotocol: SUBPROTOCOL_MSGPACK,
  binary: true,
  encode: (frame) => packr.pack(frame),
  decode: (data) => {
    if (typeof data === 'string') throw new Error('text frame on a msgpack connection');
    return unpackr.unpack(data);
  },
};

export function codecForSubprotocol(subprotocol: string | undefined): Codec | undefined {
  if (subprotocol === SUBPROTOCOL_JSON) return jsonCodec;
  if (subprotocol === SUBPROTOCOL_MSGPACK) return msgpackCodec;
  return undefined;
}
