import { msgpackCodec } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { createWire } from './wire.js';

describe('client wire', () => {
  const pong = { type: 'pong', id: 3 };

  it('reads JSON from a string (browser and ws text frames) or bytes', () => {
    const wire = createWire('json');
    expect(wire.decode(JSON.stringify(pong))).toEqual(pong);
    expect(wire.decode(Buffer.from(JSON.stringify(pong)))).toEqual(pong);
  });

  it('reads MessagePack from an ArrayBuffer, a Buffer or a view into a larger buffer', () => {
    const wire = createWire('msgpack');
    const bytes = Buffer.from(msgpackCodec.encode(pong));
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const padded = Buffer.concat([Buffer.from([0xff, 0xff]), bytes]);
    expect(wire.decode(arrayBuffer)).toEqual(pong);
    expect(wire.decode(bytes)).toEqual(pong);
    expect(wire.decode(new DataView(padded.buffer, padded.byteOffset + 2, bytes.byteLength))).toEqual(pong);
  });

  it('rejects a frame that is not a server frame', () => {
    expect(() => createWire('json').decode('{"type":"subscribe","channel":"x"}')).toThrow();
    expect(() => createWire('msgpack').decode('text on a binary wire')).toThrow();
  });
});
