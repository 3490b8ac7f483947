import { describe, expect, it } from 'vitest';
import { msgpackCodec } from './codec.js';
import { ClientFrame, isReconnectCode } from './frames.js';

describe('msgpack codec', () => {
  it('reads 64-bit integers other encoders write as plain numbers, so frames validate', () => {
    // {type: 'subscribe', id: uint64 7, channel: 'feed', since: {epoch: 'e', offset: int64 3}}
    const bytes = Buffer.from([
      0x84, 0xa4, ...Buffer.from('type'), 0xa9, ...Buffer.from('subscribe'),
      0xa2, ...Buffer.from('id'), 0xcf, 0, 0, 0, 0, 0, 0, 0, 7,
      0xa7, ...Buffer.from('channel'), 0xa4, ...Buffer.from('feed'),
      0xa5, ...Buffer.from('since'), 0x82, 0xa5, ...Buffer.from('epoch'), 0xa1, 0x65, 0xa6, ...Buffer.from('offset'), 0xd3, 0, 0, 0, 0, 0, 0, 0, 3,
    ]);
    const decoded = msgpackCodec.decode(bytes);
    expect(decoded).toEqual({ type: 'subscribe', id: 7, channel: 'feed', since: { epoch: 'e', offset: 3 } });
    expect(ClientFrame.safeParse(decoded).success).toBe(true);
  });

  it('refuses text on a binary codec', () => {
    expect(() => msgpackCodec.decode('{"type":"ping"}')).toThrow();
  });
});

describe('close codes', () => {
  it('splits reconnect-worthy from terminal codes', () => {
    expect([1000, 1001, 1006, 1011, 1013, 4008, 4029, 4000, 4499, 3000].every(isReconnectCode)).toBe(true);
    expect([1002, 1003, 1008, 1009, 4500, 4501, 4502, 4999].some(isReconnectCode)).toBe(false);
  });
});
