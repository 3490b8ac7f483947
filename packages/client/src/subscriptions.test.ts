import type { ClientInfo, CodecName, PublicationFrame } from '@pulse/protocol';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from './client.js';
import { closeAfterEach } from './testing/cleanup.js';
import { startFakeHub, type FakeConnection, type FakeHub } from './testing/fake-hub.js';
import type { PulseClient, SubscriptionHandlers } from './types.js';

const waitOptions = { timeout: 5_000, interval: 5 };

const pub = (channel: string, epoch: string, offset: number): PublicationFrame => ({ type: 'pub', channel, data: `p${offset}`, epoch, offset });

/** Handlers that write every callback into one log, in the order they fire. */
function recorder(): { log: unknown[]; handlers: SubscriptionHandlers } {
  const log: unknown[] = [];
  return {
    log,
    handlers: {
      onSnapshot: (data, frame) => log.push(['snapshot', data, frame.epoch, frame.offset]),
      onPublication: (data, frame) => log.push(['pub', data, frame.epoch, frame.offset]),
      onRecover: (info) => log.push(['recover', info.recovered]),
      onJoin: (info) => log.push(['join', info.client]),
      onLeave: (info) => log.push(['leave', info.client]),
      onError: (err) => log.push(['error', err.code]),
    },
  };
}

describe.each<CodecName>(['json', 'msgpack'])('subscriptions over %s', (codec) => {
  const track = closeAfterEach();

  async function start(): Promise<{ hub: FakeHub; client: PulseClient; first: FakeConnection }> {
    const hub = track(await startFakeHub());
    const client = track(createClient({ url: hub.url, codec, WebSocket, backoff: { initialMs: 5 } }));
    return { hub, client, first: await hub.connection(0) };
  }

  /** Drops the socket and returns the next connection's subscribe frame for the channel. */
  async function reconnect(hub: FakeHub, previous: FakeConnection) {
    previous.drop();
    const next = await hub.connection(hub.connections.indexOf(previous) + 1);
    return { next, subscribe: await next.take('subscribe') };
  }

  it('resumes from the last position after a dropped socket and delivers each missed publication once', async () => {
    const { hub, client, first } = await start();
    const { log, handlers } = recorder();
    const sub = client.subscribe('resources', handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'resources', epoch: 'e1', offset: 0 });
    first.send({ type: 'snapshot', channel: 'resources', data: 'state@0', epoch: 'e1', offset: 0 });
    first.send(pub('resources', 'e1', 1));
    first.send(pub('resources', 'e1', 2));
    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e1', offset: 2 }), waitOptions);

    const { next, subscribe } = await reconnect(hub, first);
    expect(subscribe).toEqual({ type: 'subscribe', id: expect.any(Number), channel: 'resources', since: { epoch: 'e1', offset: 2 } });
    next.send({ type: 'ack', id: subscribe.id, channel: 'resources', epoch: 'e1', offset: 4, recovered: true });
    // The replay overlaps what the client already had: offset 2 must not arrive twice.
    for (const offset of [2, 3, 4]) next.send(pub('resources', 'e1', offset));

    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e1', offset: 4 }), waitOptions);
    expect(log).toEqual([
      ['snapshot', 'state@0', 'e1', 0], ['pub', 'p1', 'e1', 1], ['pub', 'p2', 'e1', 2],
      ['recover', true], ['pub', 'p3', 'e1', 3], ['pub', 'p4', 'e1', 4],
    ]);
    expect(sub.latest).toBe('p4');
  });

  it('starts over from the snapshot that follows when the gap could not be recovered', async () => {
    const { hub, client, first } = await start();
    const { log, handlers } = recorder();
    const sub = client.subscribe('resources', handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'resources', epoch: 'e1', offset: 5 });
    first.send({ type: 'snapshot', channel: 'resources', data: 'state@5', epoch: 'e1', offset: 5 });
    await vi.waitFor(() => expect(sub.latest).toBe('state@5'), waitOptions);

    const { next, subscribe } = await reconnect(hub, first);
    expect(subscribe.since).toEqual({ epoch: 'e1', offset: 5 });
    next.send({ type: 'ack', id: subscribe.id, channel: 'resources', epoch: 'e2', offset: 7, recovered: false });
    next.send({ type: 'snapshot', channel: 'resources', data: 'state@e2', epoch: 'e2', offset: 7 });
    next.send(pub('resources', 'e2', 8));

    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e2', offset: 8 }), waitOptions);
    expect(log.slice(1)).toEqual([['recover', false], ['snapshot', 'state@e2', 'e2', 7], ['pub', 'p8', 'e2', 8]]);
  });

  it('counts from the acked position when an unrecovered channel has no snapshot to send', async () => {
    const { hub, client, first } = await start();
    const { log, handlers } = recorder();
    const sub = client.subscribe('alerts', handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'alerts', epoch: 'e1', offset: 3 });
    first.send(pub('alerts', 'e1', 4));
    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e1', offset: 4 }), waitOptions);

    const { next, subscribe } = await reconnect(hub, first);
    next.send({ type: 'ack', id: subscribe.id, channel: 'alerts', epoch: 'e1', offset: 90, recovered: false });
    next.send(pub('alerts', 'e1', 91));

    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e1', offset: 91 }), waitOptions);
    expect(log).toEqual([['pub', 'p4', 'e1', 4], ['recover', false], ['pub', 'p91', 'e1', 91]]);
  });

  it('delivers a publication from an epoch other than the acked one and counts from it', async () => {
    const { client, first } = await start();
    const { log, handlers } = recorder();
    const sub = client.subscribe('alerts', handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'alerts', epoch: 'e1', offset: 5 });
    for (const frame of [pub('alerts', 'e1', 5), pub('alerts', 'e2', 1), pub('alerts', 'e2', 1), pub('alerts', 'e2', 2)]) first.send(frame);

    await vi.waitFor(() => expect(sub.position).toEqual({ epoch: 'e2', offset: 2 }), waitOptions);
    // e1:5 is the acked position itself, already reflected in what the ack stands for.
    expect(log).toEqual([['pub', 'p1', 'e2', 1], ['pub', 'p2', 'e2', 2]]);
  });

  it('asks for the latest publication on the first subscribe only, and keeps it readable', async () => {
    const { hub, client, first } = await start();
    const { log, handlers } = recorder();
    const sub = client.subscribe('sensor:temp', handlers, { latest: true });
    expect(sub.latest).toBeUndefined();
    const s1 = await first.take('subscribe');
    expect(s1).toEqual({ type: 'subscribe', id: expect.any(Number), channel: 'sensor:temp', latest: true });
    first.send({ type: 'ack', id: s1.id, channel: 'sensor:temp', epoch: 'e1', offset: 5 });
    // The latest publication sits at the acked offset; it is the one thing that may repeat it.
    first.send(pub('sensor:temp', 'e1', 5));
    await vi.waitFor(() => expect(sub.latest).toBe('p5'), waitOptions);

    const { next, subscribe } = await reconnect(hub, first);
    expect(subscribe).toEqual({ type: 'subscribe', id: expect.any(Number), channel: 'sensor:temp', since: { epoch: 'e1', offset: 5 } });
    next.send({ type: 'ack', id: subscribe.id, channel: 'sensor:temp', epoch: 'e1', offset: 5, recovered: true });
    next.send(pub('sensor:temp', 'e1', 6));

    await vi.waitFor(() => expect(sub.latest).toBe('p6'), waitOptions);
    expect(log).toEqual([['pub', 'p5', 'e1', 5], ['recover', true], ['pub', 'p6', 'e1', 6]]);
  });

  it('gives a later subscriber of a snapshot channel a fresh snapshot by starting the subscription over', async () => {
    const { client, first } = await start();
    const a = recorder();
    const b = recorder();
    client.subscribe('resources', a.handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'resources', epoch: 'e1', offset: 0 });
    first.send({ type: 'snapshot', channel: 'resources', data: 'state@0', epoch: 'e1', offset: 0 });
    first.send(pub('resources', 'e1', 1));
    await vi.waitFor(() => expect(a.log).toHaveLength(2), waitOptions);

    client.subscribe('resources', b.handlers);
    expect(await first.take('unsubscribe')).toEqual({ type: 'unsubscribe', channel: 'resources' });
    const s2 = await first.take('subscribe');
    expect(s2).toEqual({ type: 'subscribe', id: expect.any(Number), channel: 'resources' });
    first.send({ type: 'ack', id: s2.id, channel: 'resources', epoch: 'e1', offset: 1 });
    first.send({ type: 'snapshot', channel: 'resources', data: 'state@1', epoch: 'e1', offset: 1 });
    first.send(pub('resources', 'e1', 2));

    await vi.waitFor(() => expect(b.log).toEqual([['snapshot', 'state@1', 'e1', 1], ['pub', 'p2', 'e1', 2]]), waitOptions);
    expect(a.log.slice(2)).toEqual(b.log);
  });

  it('replays the last publication locally to a later subscriber that asks for the latest value', async () => {
    const { client, first } = await start();
    const a = recorder();
    const b = recorder();
    client.subscribe('sensor:temp', a.handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'sensor:temp', epoch: 'e1', offset: 0 });
    first.send(pub('sensor:temp', 'e1', 1));
    await vi.waitFor(() => expect(a.log).toHaveLength(1), waitOptions);

    const late = client.subscribe('sensor:temp', b.handlers, { latest: true });

    expect(late.latest).toBe('p1');
    await vi.waitFor(() => expect(b.log).toEqual([['pub', 'p1', 'e1', 1]]), waitOptions);
    expect(a.log).toHaveLength(1);
    expect(first.frames.map((frame) => frame.type)).toEqual(['hello', 'subscribe']);
  });

  it('delivers join and leave to the subscribers of that channel only', async () => {
    const { client, first } = await start();
    const lobby = recorder();
    const other = recorder();
    client.subscribe('chat:lobby', lobby.handlers);
    client.subscribe('chat:other', other.handlers);
    const info = (client: string): ClientInfo => ({ client, user: 'u1', name: 'Ada', transport: 'websocket', agent: 'pulse-client' });

    first.send({ type: 'join', channel: 'chat:lobby', info: info('c7') });
    first.send({ type: 'leave', channel: 'chat:lobby', info: info('c7') });
    first.send({ type: 'join', channel: 'chat:other', info: info('c8') });

    await vi.waitFor(() => expect(other.log).toEqual([['join', 'c8']]), waitOptions);
    expect(lobby.log).toEqual([['join', 'c7'], ['leave', 'c7']]);
  });

  it('routes a refusal by request id, a channel error by its channel, and logs errors no subscriber owns', async () => {
    const hub = track(await startFakeHub());
    const warnings: unknown[] = [];
    const client = track(createClient({ url: hub.url, codec, WebSocket, logger: { warn: (o, m) => warnings.push([o, m]) } }));
    const nope = recorder();
    const alerts = recorder();
    const nopeSub = client.subscribe('nope', nope.handlers);
    const alertsSub = client.subscribe('alerts', alerts.handlers);
    const conn = await hub.connection(0);
    const [s1, s2] = [await conn.take('subscribe'), await conn.take('subscribe')];

    conn.send({ type: 'error', id: s1.id, code: 'channel.unknown', message: "No channel 'nope'.", channel: 'nope' });
    conn.send({ type: 'ack', id: s2.id, channel: 'alerts', epoch: 'e1', offset: 0 });
    conn.send({ type: 'error', code: 'channel.unavailable', message: 'History is unreadable.', channel: 'alerts' });
    conn.send({ type: 'error', id: 999, code: 'frame.malformed', message: 'What was that?' });

    await vi.waitFor(() => expect(warnings).toHaveLength(1), waitOptions);
    expect(nope.log).toEqual([['error', 'channel.unknown']]);
    expect(alerts.log).toEqual([['error', 'channel.unavailable']]);
    expect(warnings).toEqual([[{ code: 'frame.malformed', message: 'What was that?', channel: undefined }, 'pulse server reported an error']]);

    // The refused channel holds no server subscription, so only 'alerts' is unsubscribed.
    nopeSub.unsubscribe();
    alertsSub.unsubscribe();
    expect(await conn.take('unsubscribe')).toEqual({ type: 'unsubscribe', channel: 'alerts' });
    expect(conn.frames.filter((frame) => frame.type === 'unsubscribe')).toHaveLength(1);
  });

  it('stops delivering after unsubscribe and tells the server once the last subscriber leaves', async () => {
    const { client, first } = await start();
    const a = recorder();
    const b = recorder();
    const subA = client.subscribe('alerts', a.handlers);
    const subB = client.subscribe('alerts', b.handlers);
    const s1 = await first.take('subscribe');
    first.send({ type: 'ack', id: s1.id, channel: 'alerts', epoch: 'e1', offset: 0 });

    subA.unsubscribe();
    first.send(pub('alerts', 'e1', 1));
    await vi.waitFor(() => expect(b.log).toEqual([['pub', 'p1', 'e1', 1]]), waitOptions);
    expect(a.log).toEqual([]);

    subB.unsubscribe();
    expect(await first.take('unsubscribe')).toEqual({ type: 'unsubscribe', channel: 'alerts' });
    expect(first.frames.map((frame) => frame.type)).toEqual(['hello', 'subscribe', 'unsubscribe']);
  });
});
