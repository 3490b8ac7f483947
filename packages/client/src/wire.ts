import { jsonCodec, msgpackCodec, ServerFrame, type Codec, type CodecName, type ClientFrame } from '@pulse/protocol';

export interface Wire {
  readonly subprotocol: string;
  encode(frame: ClientFrame): string | Uint8Array;
  /** throws when the data is not a readable, valid server frame */
  decode(data: unknown): ServerFrame;
}

/** Frames to and from the bytes of one subprotocol, whatever shape the WebSocket hands us. */
export function createWire(codecName: CodecName): Wire {
  const codec: Codec = codecName === 'msgpack' ? msgpackCodec : jsonCodec;
  return {
    subprotocol: codec.subprotocol,
    encode: (frame) => codec.encode(frame),
    decode: (data) => ServerFrame.parse(codec.decode(asCodecInput(data))),
  };
}

function asCodecInput(data: unknown): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`unexpected message data of type ${Object.prototype.toString.call(data)}`);
}
