import type { Socket } from 'node:net';
import { CloseCodes, ErrorCodes, type CodecName, type ServerFrame } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';
import type { HubOptions, Namespace, Principal } from './types.js';

const principals: Record<string, Principal> = {
  writer: { id: 'token:writer', name: 'writer', scopes: ['hub:subscribe', 'hub:publish'] },
  reader: { id: 'token:reader', name: 'reader', scopes: ['hub:subscribe'] },
  admin: { id: 'user:admin', name: 'admin', scopes: ['hub:subscribe', 'hub:publish', 'monitoring:read'] },
};

const namespaces: Namespace[] = [
  { pattern: 'ext:*', subscribeScope: 'hub:subscribe', publishScope: 'hub:publish', historySize: 10 },
  // Server-side only: no publishScope, so no client may publish here whatever its scopes.
  { pattern: 'resources', snapshot: () => ({ resources: [] }) },
];

/** `ws` keeps its net.Socket private; corking it is the honest way to send a burst in one write. */
function socketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

const otherCodec = (codec: CodecName): CodecName => (codec === 'json' ? 'msgpack' : 'json');

/** Token buckets never refill on a frozen clock, so a burst meets exactly the configured bound. */
const frozenClock = (): number => 1_000_000;

function start(options: Partial<HubOptions> = {}): Promise<HubServer> {
  return startHubServer({ namespaces, ...options }, principals.reader, principals);
}

const connect = (server: HubServer, as: string, codec: CodecName): Promise<TestClient> =>
  TestClient.connect(`${server.wsUrl}/?as=${as}`, codec);

/** Reads frames until `count` have arrived and returns them. */
async function take(client: TestClient, count: number): Promise<ServerFrame[]> {
  const frames: ServerFrame[] = [];
  while (frames.length < count) frames.push(await client.next());
  return frames;
}

describe.each<CodecName>(['json', 'msgpack'])('client publishing over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('acks a publish with its position and delivers the same position to a subscriber on the other codec', async () => {
    server = await start();
    const subscriber = await connect(server, 'reader', otherCodec(codec));
    const { ack: subscribed } = await subscriber.subscribe('ext:deploys', 1, false);
    const epoch = subscribed.type === 'ack' ? subscribed.epoch : undefined;
    const publisher = await connect(server, 'writer', codec);

    const data = { service: 'api', version: '1.2.3', tags: ['blue', 'green'], ok: true, n: 1.5, nothing: null, nested: { a: [1, { b: 'ü✓' }] } };
    expect(await publisher.request({ type: 'publish', id: 4, channel: 'ext:deploys', data }))
      .toEqual({ type: 'ack', id: 4, channel: 'ext:deploys', epoch, offset: 1 });
    expect(await subscriber.next()).toEqual({ type: 'pub', channel: 'ext:deploys', data, epoch, offset: 1 });

    expect(await publisher.request({ type: 'publish', id: 5, channel: 'ext:deploys', data: 'second' }))
      .toEqual({ type: 'ack', id: 5, channel: 'ext:deploys', epoch, offset: 2 });
    expect(await subscriber.next()).toEqual({ type: 'pub', channel: 'ext:deploys', data: 'second', epoch, offset: 2 });
  });

  it('delivers a subscribed publisher its own publication, at the acked position', async () => {
    server = await start();
    const publisher = await connect(server, 'writer', codec);
    await publisher.subscribe('ext:echo', 1, false);
    publisher.send({ type: 'publish', id: 2, channel: 'ext:echo', data: { hello: 'me' } });
    const frames = await take(publisher, 2);
    const ack = frames.find((frame) => frame.type === 'ack');
    const pub = frames.find((frame) => frame.type === 'pub');
    expect(ack).toEqual({ type: 'ack', id: 2, channel: 'ext:echo', epoch: expect.any(String), offset: 1 });
    expect(pub).toEqual({ type: 'pub', channel: 'ext:echo', data: { hello: 'me' }, epoch: ack?.type === 'ack' && ack.epoch, offset: 1 });
  });

  it('refuses a publish without the publish scope with channel.forbidden and publishes nothing', async () => {
    server = await start();
    const subscriber = await connect(server, 'writer', otherCodec(codec));
    await subscriber.subscribe('ext:deploys', 1, false);
    const reader = await connect(server, 'reader', codec);
    expect(await reader.request({ type: 'publish', id: 7, channel: 'ext:deploys', data: 'sneaky' }))
      .toEqual({ type: 'error', id: 7, code: ErrorCodes.forbidden, channel: 'ext:deploys', message: expect.stringContaining('hub:publish') });

    // Had the refused publication been numbered, this one would have offset 2.
    await server.hub.publish('ext:deploys', 'marker');
    expect(await subscriber.next()).toMatchObject({ type: 'pub', data: 'marker', offset: 1 });
  });

  it('refuses a publish to a namespace that has no publishScope, whatever the scopes', async () => {
    server = await start();
    const admin = await connect(server, 'admin', codec);
    expect(await admin.request({ type: 'publish', id: 8, channel: 'resources', data: { forged: true } }))
      .toEqual({ type: 'error', id: 8, code: ErrorCodes.forbidden, channel: 'resources', message: expect.any(String) });
  });

  it.each([
    { name: 'an invalid channel name', channel: 'ext:no spaces', code: ErrorCodes.invalidChannel },
    { name: 'an unknown namespace', channel: 'nowhere:x', code: ErrorCodes.unknownChannel },
  ])('refuses a publish to $name with $code', async ({ channel, code }) => {
    server = await start();
    const writer = await connect(server, 'writer', codec);
    expect(await writer.request({ type: 'publish', id: 9, channel, data: 1 })).toMatchObject({ type: 'error', id: 9, code });
    expect(await writer.request({ type: 'ping', id: 10 })).toEqual({ type: 'pong', id: 10 });
  });
});

describe('hub.publishAs', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('publishes for a principal with the scope and answers the position subscribers see', async () => {
    server = await start();
    const subscriber = await connect(server, 'reader', 'msgpack');
    await subscriber.subscribe('ext:http', 1, false);
    const outcome = await server.hub.publishAs(principals.writer!, 'ext:http', { via: 'http' });
    expect(outcome).toEqual({ ok: true, position: { epoch: expect.any(String), offset: 1 } });
    const position = outcome.ok ? outcome.position : undefined;
    expect(await subscriber.next()).toEqual({ type: 'pub', channel: 'ext:http', data: { via: 'http' }, ...position });
  });

  it.each([
    { name: 'a principal without the publish scope', as: 'reader', channel: 'ext:x', code: ErrorCodes.forbidden },
    { name: 'a namespace without publishScope', as: 'admin', channel: 'resources', code: ErrorCodes.forbidden },
    { name: 'an invalid channel name', as: 'writer', channel: 'ext:bad\nname', code: ErrorCodes.invalidChannel },
    { name: 'an empty channel name', as: 'writer', channel: '', code: ErrorCodes.invalidChannel },
    { name: 'an unknown namespace', as: 'writer', channel: 'nowhere:x', code: ErrorCodes.unknownChannel },
  ])('refuses $name with $code', async ({ as, channel, code }) => {
    server = await start();
    expect(await server.hub.publishAs(principals[as]!, channel, 'x')).toEqual({ ok: false, code, message: expect.any(String) });
  });

  it('rate-limits each principal on its own: a burst of 2× publishesPerSecond, then limit.rate', async () => {
    server = await start({ limits: { publishesPerSecond: 5 }, now: frozenClock });
    const outcomes = [];
    for (let i = 0; i < 15; i++) outcomes.push(await server.hub.publishAs(principals.writer!, 'ext:http', i));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(10);
    expect(outcomes.slice(10)).toEqual(Array(5).fill({ ok: false, code: ErrorCodes.rateLimited, message: expect.any(String) }));
    expect(await server.hub.publishAs(principals.admin!, 'ext:http', 'someone else')).toMatchObject({ ok: true, position: { offset: 11 } });
  });
});

describe.each<CodecName>(['json', 'msgpack'])('hub rate limits over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('answers a burst of 30 publishes with at most 10 acks and limit.rate for the rest, ids echoed, and stays usable', async () => {
    server = await start({ limits: { publishesPerSecond: 5 }, now: frozenClock });
    const writer = await connect(server, 'writer', codec);
    for (let id = 1; id <= 30; id++) writer.send({ type: 'publish', id, channel: 'ext:burst', data: id });
    const answers = await take(writer, 30);
    const acked = answers.filter((frame) => frame.type === 'ack');
    const limited = answers.filter((frame) => frame.type === 'error');
    // At most the burst (2 × 5); on the frozen clock nothing refills, so exactly that.
    expect(acked.length).toBeLessThanOrEqual(10);
    expect(acked).toHaveLength(10);
    expect(acked.length + limited.length).toBe(30);
    for (const error of limited) expect(error).toMatchObject({ code: ErrorCodes.rateLimited, channel: 'ext:burst', message: expect.any(String) });
    const ids = answers.map((frame) => (frame.type === 'ack' || frame.type === 'error' ? frame.id ?? -1 : -1));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(acked.map((frame) => (frame.type === 'ack' ? frame.offset ?? -1 : -1)).sort((a, b) => a - b)).toEqual(acked.map((_, i) => i + 1));

    expect(await writer.request({ type: 'ping', id: 99 })).toEqual({ type: 'pong', id: 99 });
    expect(server.hub.stats().errors).toEqual({ [ErrorCodes.rateLimited]: limited.length });
  });

  /** Sends 200 pings in one TCP write, so the hub reads them all in one go. */
  async function flood(server: HubServer): Promise<{ flooder: TestClient; received: ServerFrame[] }> {
    const flooder = await connect(server, 'reader', codec);
    const received: ServerFrame[] = [];
    void (async () => {
      for (;;) received.push(await flooder.next());
    })();
    const socket = socketOf(flooder);
    socket.cork();
    for (let id = 1; id <= 200; id++) flooder.send({ type: 'ping', id });
    socket.uncork();
    return { flooder, received };
  }

  it('closes a flooding connection with 4029 once more than 2× framesPerSecond frames in a row were dropped, leaving others alone', async () => {
    server = await start({ limits: { framesPerSecond: 20 }, now: frozenClock });
    const bystander = await connect(server, 'reader', otherCodec(codec));
    await bystander.subscribe('ext:news', 1, false);
    const { flooder, received } = await flood(server);

    expect(await flooder.closed).toEqual({ code: CloseCodes.rateLimited, reason: 'too many frames' });
    // Burst 40 answered, then 40 dropped with limit.rate each; the 41st drop in a row closes.
    expect(received.filter((frame) => frame.type === 'pong').length).toBeLessThanOrEqual(40);
    for (const frame of received.filter((f) => f.type !== 'pong')) expect(frame).toMatchObject({ type: 'error', code: ErrorCodes.rateLimited });
    await vi.waitFor(() => expect(server.hub.stats().disconnects).toEqual({ rate_limited: 1 }));
    expect(server.hub.stats()).toMatchObject({ connections: 1, disconnectCodes: { [CloseCodes.rateLimited]: 1 } });

    expect(await bystander.request({ type: 'ping', id: 1 })).toEqual({ type: 'pong', id: 1 });
    await server.hub.publish('ext:news', 'still here');
    expect(await bystander.next()).toMatchObject({ type: 'pub', data: 'still here' });
  });

  // Only a slow consumer's queue is discarded on close; here the answers explain the close.
  it('answers every frame it took and every frame it dropped before closing 4029', async () => {
    server = await start({ limits: { framesPerSecond: 20 }, now: frozenClock });
    const { flooder, received } = await flood(server);
    expect((await flooder.closed).code).toBe(CloseCodes.rateLimited);
    expect(received.filter((frame) => frame.type === 'pong')).toEqual(Array.from({ length: 40 }, (_, i) => ({ type: 'pong', id: i + 1 })));
    expect(received.filter((frame) => frame.type === 'error')).toEqual(
      Array(40).fill({ type: 'error', code: ErrorCodes.rateLimited, message: expect.any(String) }),
    );
  });

  // Drops are counted over time (a strike bucket), so a frame slipping through on each refill
  // does not excuse a steady flood.
  it('closes 4029 a connection that keeps sending at 39× the rate though a frame gets through now and then', async () => {
    let clock = 1_000_000;
    server = await start({ limits: { framesPerSecond: 20 }, now: () => clock });
    const flooder = await connect(server, 'reader', codec);
    const received: ServerFrame[] = [];
    void (async () => {
      for (;;) received.push(await flooder.next());
    })();
    let isClosed = false;
    void flooder.closed.then(() => (isClosed = true));
    const burst = (count: number): void => {
      const socket = socketOf(flooder);
      socket.cork();
      for (let i = 0; i < count; i++) flooder.send({ type: 'ping' });
      socket.uncork();
    };

    burst(40);
    await vi.waitFor(() => expect(received).toHaveLength(40), { interval: 1 });
    // 20 rounds of 39 frames per 50 ms (one token each): 760 frames dropped, 19 bursts' worth.
    for (let round = 0; round < 20 && !isClosed; round++) {
      clock += 50;
      const answered = received.length + 39;
      burst(39);
      await vi.waitFor(() => expect(isClosed || received.length >= answered).toBe(true), { interval: 1 });
    }
    expect({ isClosed, errors: received.filter((frame) => frame.type === 'error').length }).toMatchObject({ isClosed: true });
    expect((await flooder.closed).code).toBe(CloseCodes.rateLimited);
  });
});

const fixstr = (text: string): Buffer => Buffer.concat([Buffer.from([0xa0 | Buffer.byteLength(text)]), Buffer.from(text)]);

/** Publish frames whose `data` decodes fine but cannot be encoded again for (some) subscribers. */
const unencodable: { name: string; codec: CodecName; frame: (id: number) => string | Buffer }[] = [
  {
    name: 'nesting deeper than JSON.stringify and msgpackr recurse',
    codec: 'json',
    // 20 KB, well under maxFrameBytes; JSON.parse does not recurse, the encoders do.
    frame: (id) => `{"type":"publish","id":${id},"channel":"ext:poison","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  },
  {
    name: "a MessagePack BigInt extension (0x42), which msgpackr decodes although the hub runs with moreTypes: false",
    codec: 'msgpack',
    frame: (id) => Buffer.concat([
      Buffer.from([0x84]), fixstr('type'), fixstr('publish'), fixstr('id'), Buffer.from([id]),
      fixstr('channel'), fixstr('ext:poison'), fixstr('data'), Buffer.from([0xd4, 0x42, 0x05]),
    ]),
  },
  {
    name: "a self-referencing array made with msgpackr's structured-clone extensions (0x69 id, 0x70 pointer)",
    codec: 'msgpack',
    frame: (id) => Buffer.concat([
      Buffer.from([0x84]), fixstr('type'), fixstr('publish'), fixstr('id'), Buffer.from([id]),
      fixstr('channel'), fixstr('ext:poison'), fixstr('data'),
      Buffer.from([0xc7, 0x04, 0x69, 0, 0, 0, 1, 0x91, 0xc7, 0x04, 0x70, 0, 0, 0, 1]),
    ]),
  },
];

describe('publications the hub cannot pass on', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  // Client data must survive both encoders before it is numbered and kept, or subscribers would
  // see a gap where it should have been.
  it.each(unencodable)('refuses $name, or delivers it to every subscriber', async ({ codec, frame }) => {
    server = await start();
    const subscribers = [await connect(server, 'reader', 'json'), await connect(server, 'reader', 'msgpack')];
    for (const subscriber of subscribers) await subscriber.subscribe('ext:poison', 1, false);
    const publisher = await connect(server, 'writer', codec);
    publisher.sendRaw(frame(3), codec === 'msgpack');
    const answer = await publisher.next();
    if (answer.type !== 'ack') expect(answer).toMatchObject({ type: 'error', id: 3, code: ErrorCodes.badFrame });

    const marker = await server.hub.publish('ext:poison', 'marker');
    for (const subscriber of subscribers) {
      const offsets: number[] = [];
      for (let seen = await subscriber.next(); ; seen = await subscriber.next()) {
        expect(seen.type).toBe('pub');
        offsets.push(seen.type === 'pub' ? seen.offset : -1);
        if (seen.type === 'pub' && seen.data === 'marker') break;
      }
      // Every publication the hub numbered reached this subscriber.
      expect(offsets).toEqual(Array.from({ length: marker.offset }, (_, i) => i + 1));
    }
  });

  // Same cause: a kept publication that cannot be encoded would break every recovery through it.
  it('never follows a recovery ack with an error for the same subscribe', async () => {
    server = await start();
    const { codec, frame } = unencodable[0]!;
    const publisher = await connect(server, 'writer', codec);
    publisher.sendRaw(frame(3), false);
    await publisher.next();
    const marker = await server.hub.publish('ext:poison', 'marker');

    const late = await connect(server, 'reader', 'msgpack');
    late.send({ type: 'subscribe', id: 4, channel: 'ext:poison', since: { epoch: marker.epoch, offset: 0 } });
    expect(await late.next()).toMatchObject({ type: 'ack', id: 4, channel: 'ext:poison' });
    expect(await late.next()).toMatchObject({ type: 'pub', channel: 'ext:poison' });
  });
});
