import { CloseCodes, ErrorCodes, jsonCodec, msgpackCodec, type CodecName } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';

const MAX_FRAME_BYTES = 1024;

interface BadFrameCase {
  name: string;
  /** sends the offending frame from the given client */
  send(client: TestClient): void;
  code: string;
  id?: number;
}

function badFrames(codec: CodecName): BadFrameCase[] {
  const wellFormed = (frame: object): Buffer =>
    codec === 'json' ? Buffer.from(jsonCodec.encode(frame) as string) : Buffer.from(msgpackCodec.encode(frame));
  return [
    codec === 'json'
      ? { name: 'malformed JSON', send: (c) => c.sendRaw('{"type": "ping"', false), code: ErrorCodes.badFrame }
      : { name: 'truncated MessagePack', send: (c) => c.sendRaw(wellFormed({ type: 'ping', id: 1 }).subarray(0, -3), true), code: ErrorCodes.badFrame },
    codec === 'json'
      ? { name: 'a binary frame on a JSON connection', send: (c) => c.sendRaw(wellFormed({ type: 'ping' }), true), code: ErrorCodes.badFrame }
      : { name: 'a text frame on a MessagePack connection', send: (c) => c.sendRaw('{"type":"ping"}', false), code: ErrorCodes.badFrame },
    { name: 'a frame that is not an object', send: (c) => c.send([1, 2, 3]), code: ErrorCodes.badFrame },
    { name: 'an unknown frame type', send: (c) => c.send({ type: 'shout', id: 5 }), code: ErrorCodes.unknownType, id: 5 },
    { name: 'wrong field types', send: (c) => c.send({ type: 'subscribe', id: 6, channel: 42 }), code: ErrorCodes.badFrame, id: 6 },
    { name: 'a missing field', send: (c) => c.send({ type: 'hello', id: 7 }), code: ErrorCodes.badFrame, id: 7 },
    { name: 'an unknown channel', send: (c) => c.send({ type: 'subscribe', id: 8, channel: 'nope' }), code: ErrorCodes.unknownChannel, id: 8 },
    { name: 'a prefix channel whose snapshot says it does not exist', send: (c) => c.send({ type: 'subscribe', id: 9, channel: 'resource:missing' }), code: ErrorCodes.unknownChannel, id: 9 },
    { name: 'a channel the principal lacks the scope for', send: (c) => c.send({ type: 'subscribe', id: 10, channel: 'settings' }), code: ErrorCodes.forbidden, id: 10 },
    { name: 'a channel whose snapshot throws', send: (c) => c.send({ type: 'subscribe', id: 11, channel: 'broken' }), code: ErrorCodes.unavailable, id: 11 },
    { name: 'a channel name with forbidden characters', send: (c) => c.send({ type: 'subscribe', id: 12, channel: 'ext:a b\n' }), code: ErrorCodes.invalidChannel, id: 12 },
    { name: 'a publish without the scope', send: (c) => c.send({ type: 'publish', id: 13, channel: 'ext:x', data: 1 }), code: ErrorCodes.forbidden, id: 13 },
    { name: 'a publish to a namespace closed to clients', send: (c) => c.send({ type: 'publish', id: 14, channel: 'resources', data: 1 }), code: ErrorCodes.forbidden, id: 14 },
    { name: 'a second subscribe to the same channel', send: (c) => c.send({ type: 'subscribe', id: 15, channel: 'resources' }), code: ErrorCodes.alreadySubscribed, id: 15 },
    { name: 'presence where it is not kept', send: (c) => c.send({ type: 'presence', id: 16, channel: 'resources' }), code: ErrorCodes.presenceDisabled, id: 16 },
    { name: 'an id that is not a request id', send: (c) => c.send({ type: 'ping', id: -1 }), code: ErrorCodes.badFrame },
  ];
}

describe.each<CodecName>(['json', 'msgpack'])('hub bad frames over %s', (codec) => {
  let server: HubServer;
  let healthy: TestClient;
  let offender: TestClient;

  beforeEach(async () => {
    server = await startHubServer({
      limits: { maxFrameBytes: MAX_FRAME_BYTES },
      namespaces: [
        { pattern: 'resources', snapshot: () => ({ resources: [] }) },
        { pattern: 'resource:*', snapshot: (channel) => (channel === 'resource:vm-101' ? { id: 'vm-101' } : undefined) },
        { pattern: 'settings', subscribeScope: 'settings:read' },
        { pattern: 'broken', snapshot: () => { throw new Error('store offline'); } },
        { pattern: 'ext:*', subscribeScope: 'hub:subscribe', publishScope: 'hub:publish' },
      ],
    });
    // The bystander always uses the other codec, so both encoders are exercised after each error.
    healthy = await TestClient.connect(server.wsUrl, codec === 'json' ? 'msgpack' : 'json');
    await healthy.subscribe('resources');
    offender = await TestClient.connect(server.wsUrl, codec);
    await offender.subscribe('resources');
  });
  afterEach(async () => server.close());

  it.each(badFrames(codec))('answers $name with an error frame and keeps both connections working', async (badFrame) => {
    badFrame.send(offender);
    const error = await offender.next();
    expect(error).toMatchObject({ type: 'error', code: badFrame.code, message: expect.any(String) });
    expect(error.type === 'error' && error.id).toBe(badFrame.id);
    expect(error.type === 'error' && error.message.length).toBeGreaterThan(10);

    void server.hub.publish('resources', { after: badFrame.name });
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: { after: badFrame.name } });
    expect(await offender.next()).toMatchObject({ type: 'pub', data: { after: badFrame.name } });
    expect(server.hub.stats()).toMatchObject({ connections: 2, errorsSent: 1, errors: { [badFrame.code]: 1 } });
  });

  it('subscribes to a prefix channel whose snapshot knows the id', async () => {
    offender.send({ type: 'subscribe', id: 1, channel: 'resource:vm-101' });
    expect(await offender.next()).toMatchObject({ type: 'ack', channel: 'resource:vm-101' });
    expect(await offender.next()).toMatchObject({ type: 'snapshot', channel: 'resource:vm-101', data: { id: 'vm-101' } });
  });

  it('answers an oversize frame with frame.too_large then closes with 1009, leaving others alone', async () => {
    const oversize = codec === 'json'
      ? JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES) })
      : Buffer.from(msgpackCodec.encode({ type: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES) }));
    offender.sendRaw(oversize, codec === 'msgpack');
    expect(await offender.next()).toMatchObject({ type: 'error', code: ErrorCodes.tooLarge });
    expect((await offender.closed).code).toBe(CloseCodes.tooLarge);

    void server.hub.publish('resources', 'still flowing');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'still flowing' });
    expect(server.hub.stats()).toMatchObject({ connections: 1, disconnects: { too_large: 1 } });
  });

  it('cuts off a frame far beyond the limit with 1009 without buffering it for an error frame', async () => {
    offender.sendRaw(Buffer.alloc(MAX_FRAME_BYTES + 200_000), codec === 'msgpack');
    expect((await offender.closed).code).toBe(CloseCodes.tooLarge);
    void server.hub.publish('resources', 'still flowing');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'still flowing' });
  });
});
