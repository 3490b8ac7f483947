import { ErrorCodes, type ClientInfo, type CodecName, type ServerFrame } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryPresenceStore } from './presence/presence-memory.js';
import { SseReader, startHubServer, TestClient, type HubServer } from './test-harness.js';
import type { Namespace, PresenceStore, Principal } from './types.js';

const principals: Record<string, Principal> = {
  alice: { id: 'user:1', name: 'alice', scopes: ['monitoring:read'] },
  bob: { id: 'user:2', name: 'bob', scopes: ['monitoring:read'] },
};

const namespaces: Namespace[] = [
  { pattern: 'room:*', presence: true, joinLeave: true },
  { pattern: 'quiet:*', presence: true },
  { pattern: 'plain:*' },
  { pattern: 'vip:*', subscribeScope: 'vip', presence: true, joinLeave: true },
];

const otherCodec = (codec: CodecName): CodecName => (codec === 'json' ? 'msgpack' : 'json');
const byClient = (clients: ClientInfo[]): ClientInfo[] => [...clients].sort((a, b) => a.client.localeCompare(b.client));
const isJoinOf = (client: string) => (frame: ServerFrame) => frame.type === 'join' && frame.info.client === client;
const isLeaveOf = (client: string) => (frame: ServerFrame) => frame.type === 'leave' && frame.info.client === client;

interface Member {
  client: TestClient;
  /** the connection id from welcome, which presence reports as `client` */
  id: string;
}

/** Connects as one of `principals` and says hello (with `agent` as hello.client when given). */
async function join(server: HubServer, as: string, codec: CodecName, agent?: string): Promise<Member> {
  const client = await TestClient.connect(`${server.wsUrl}/?as=${as}`, codec);
  const welcome = await client.request({ type: 'hello', id: 1, version: 1, client: agent });
  if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
  return { client, id: welcome.connectionId };
}

/**
 * Subscribes and waits for the ack; on join/leave namespaces also for the subscriber's own join,
 * which the hub sends to every subscriber, the newcomer included.
 */
async function enter(member: Member, channel: string, id = 2): Promise<void> {
  member.client.send({ type: 'subscribe', id, channel });
  // Joins of earlier subscribers on other channels may still be waiting in the client's queue.
  const answer = await member.client.nextMatching((frame) => (frame.type === 'ack' || frame.type === 'error') && frame.id === id);
  expect(answer).toMatchObject({ type: 'ack', channel });
  if (channel.startsWith('room:')) await member.client.nextMatching((frame) => frame.type === 'join' && frame.channel === channel && frame.info.client === member.id);
}

const info = (member: Member, as: string, agent?: string): ClientInfo => ({
  client: member.id, user: principals[as]!.id, name: principals[as]!.name, transport: 'websocket', ...(agent ? { agent } : {}),
});

describe.each<CodecName>(['json', 'msgpack'])('hub presence over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('lists who is subscribed with connection id, principal, name, transport and agent, in frames and on the hub alike', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec, 'pulse-test/1.0');
    const bob = await join(server, 'bob', otherCodec(codec));
    await enter(alice, 'room:a', 2);
    await enter(bob, 'room:a', 2);

    alice.client.send({ type: 'presence', id: 5, channel: 'room:a' });
    // join frames for both subscribers may come first
    const answer = await alice.client.nextMatching((frame) => frame.type === 'presence' || frame.type === 'error');
    const expected = byClient([info(alice, 'alice', 'pulse-test/1.0'), info(bob, 'bob')]);
    expect(answer.type === 'presence' && { ...answer, clients: byClient(answer.clients) })
      .toEqual({ type: 'presence', id: 5, channel: 'room:a', clients: expected });
    expect(byClient(await server.hub.presence('room:a'))).toEqual(expected);
  });

  it('counts two connections of one principal as two clients and one user', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const first = await join(server, 'alice', codec);
    const second = await join(server, 'alice', otherCodec(codec));
    await enter(first, 'quiet:a', 2);
    await enter(second, 'quiet:a', 2);

    expect(await first.client.request({ type: 'presence_stats', id: 6, channel: 'quiet:a' }))
      .toEqual({ type: 'presence_stats', id: 6, channel: 'quiet:a', clients: 2, users: 1 });
    expect(await server.hub.presenceStats('quiet:a')).toEqual({ clients: 2, users: 1 });

    const bob = await join(server, 'bob', codec);
    await enter(bob, 'quiet:a', 2);
    expect(await bob.client.request({ type: 'presence_stats', id: 7, channel: 'quiet:a' }))
      .toEqual({ type: 'presence_stats', id: 7, channel: 'quiet:a', clients: 3, users: 2 });
    expect(await server.hub.presenceStats('quiet:a')).toEqual({ clients: 3, users: 2 });
  });

  it('answers presence to a principal that may subscribe but holds no subscription', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const bob = await join(server, 'bob', otherCodec(codec), 'bob-agent');
    await enter(bob, 'room:b', 2);
    const alice = await join(server, 'alice', codec);
    expect(await alice.client.request({ type: 'presence', id: 8, channel: 'room:b' }))
      .toEqual({ type: 'presence', id: 8, channel: 'room:b', clients: [info(bob, 'bob', 'bob-agent')] });
    expect(await alice.client.request({ type: 'presence', id: 9, channel: 'room:nobody' }))
      .toEqual({ type: 'presence', id: 9, channel: 'room:nobody', clients: [] });
  });

  it('sends join to subscribers when another connection subscribes, and leave when it unsubscribes', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec, 'a/1');
    const bob = await join(server, 'bob', otherCodec(codec), 'b/1');
    await enter(alice, 'room:a', 2);

    bob.client.send({ type: 'subscribe', id: 3, channel: 'room:a' });
    const joined = { type: 'join', channel: 'room:a', info: info(bob, 'bob', 'b/1') };
    expect(await alice.client.next()).toEqual(joined);
    // The newcomer is announced to itself too, after its ack (as Centrifuge does).
    expect(await bob.client.next()).toMatchObject({ type: 'ack', id: 3, channel: 'room:a' });
    expect(await bob.client.next()).toEqual(joined);
    expect(byClient(await server.hub.presence('room:a'))).toEqual(byClient([info(alice, 'alice', 'a/1'), info(bob, 'bob', 'b/1')]));

    expect(await bob.client.request({ type: 'unsubscribe', id: 4, channel: 'room:a' })).toEqual({ type: 'ack', id: 4, channel: 'room:a' });
    expect(await alice.client.next()).toEqual({ type: 'leave', channel: 'room:a', info: info(bob, 'bob', 'b/1') });
    expect(await server.hub.presence('room:a')).toEqual([info(alice, 'alice', 'a/1')]);
    expect(await server.hub.presenceStats('room:a')).toEqual({ clients: 1, users: 1 });
  });

  it('sends leave to the others when a subscriber disconnects, and drops it from presence', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec);
    const bob = await join(server, 'bob', otherCodec(codec));
    await enter(alice, 'room:a', 2);
    await enter(bob, 'room:a', 2);
    await alice.client.nextMatching(isJoinOf(bob.id));

    bob.client.close();
    expect(await alice.client.nextMatching(isLeaveOf(bob.id))).toEqual({ type: 'leave', channel: 'room:a', info: info(bob, 'bob') });
    expect(await server.hub.presence('room:a')).toEqual([info(alice, 'alice')]);
    expect(await alice.client.request({ type: 'presence_stats', id: 3, channel: 'room:a' }))
      .toEqual({ type: 'presence_stats', id: 3, channel: 'room:a', clients: 1, users: 1 });
  });

  it('keeps presence but sends no join or leave on a namespace without joinLeave', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec);
    const bob = await join(server, 'bob', otherCodec(codec));
    await enter(alice, 'quiet:a', 2);
    await enter(bob, 'quiet:a', 2);
    expect(byClient(await server.hub.presence('quiet:a'))).toEqual(byClient([info(alice, 'alice'), info(bob, 'bob')]));

    // A join would have been queued before bob's ack went out, so it would come before this marker.
    await server.hub.publish('quiet:a', 'after bob joined');
    expect(await alice.client.next()).toMatchObject({ type: 'pub', data: 'after bob joined' });
    bob.client.close();
    await vi.waitFor(async () => expect(await server.hub.presence('quiet:a')).toEqual([info(alice, 'alice')]));
    await server.hub.publish('quiet:a', 'after bob left');
    expect(await alice.client.next()).toMatchObject({ type: 'pub', data: 'after bob left' });
  });

  it('lists an SSE subscriber with transport sse and announces its arrival and departure', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec);
    await enter(alice, 'room:a', 2);

    const sse = new SseReader(`${server.httpUrl}/sse?channels=room:a&as=bob`);
    const joined = await alice.client.nextMatching((frame) => frame.type === 'join' && frame.info.transport === 'sse');
    const sseInfo: ClientInfo = { client: expect.any(String) as string, user: 'user:2', name: 'bob', transport: 'sse' };
    expect(joined).toEqual({ type: 'join', channel: 'room:a', info: sseInfo });
    const sseId = joined.type === 'join' ? joined.info.client : '';
    expect(byClient(await server.hub.presence('room:a'))).toEqual(byClient([info(alice, 'alice'), { ...sseInfo, client: sseId }]));

    // The stream sees joins too, as the JSON a WebSocket would get.
    expect((await sse.next()).event).toBe('ack');
    const own = await sse.next();
    expect(own.event).toBe('join');
    expect(JSON.parse(own.data)).toEqual({ type: 'join', channel: 'room:a', info: { ...sseInfo, client: sseId } });
    alice.client.send({ type: 'unsubscribe', id: 3, channel: 'room:a' });
    await alice.client.nextMatching((frame) => frame.type === 'ack');
    const aliceLeft = await sse.next();
    expect(aliceLeft.event).toBe('leave');
    expect(JSON.parse(aliceLeft.data)).toEqual({ type: 'leave', channel: 'room:a', info: info(alice, 'alice') });

    await enter(alice, 'room:a', 4);
    sse.close();
    expect(await alice.client.nextMatching(isLeaveOf(sseId))).toEqual({ type: 'leave', channel: 'room:a', info: { ...sseInfo, client: sseId } });
    expect(await server.hub.presence('room:a')).toEqual([info(alice, 'alice')]);
  });

  it.each([
    { type: 'presence', channel: 'vip:lounge', code: ErrorCodes.forbidden },
    { type: 'presence_stats', channel: 'vip:lounge', code: ErrorCodes.forbidden },
    { type: 'presence', channel: 'plain:a', code: ErrorCodes.presenceDisabled },
    { type: 'presence_stats', channel: 'plain:a', code: ErrorCodes.presenceDisabled },
    { type: 'presence', channel: 'nowhere:a', code: ErrorCodes.unknownChannel },
  ])('answers $type on $channel with $code, naming the request and channel', async ({ type, channel, code }) => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec);
    const error = await alice.client.request({ type, id: 11, channel });
    expect(error).toEqual({ type: 'error', id: 11, code, channel, message: expect.any(String) });
    // Still usable afterwards.
    expect(await alice.client.request({ type: 'ping', id: 12 })).toEqual({ type: 'pong', id: 12 });
  });

  it('keeps who subscribed to a forbidden channel out of presence', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const alice = await join(server, 'alice', codec);
    expect(await alice.client.request({ type: 'subscribe', id: 2, channel: 'vip:lounge' }))
      .toMatchObject({ type: 'error', id: 2, code: ErrorCodes.forbidden });
    expect(await server.hub.presence('vip:lounge')).toEqual([]);
  });
});

/** Delegates to a memory store, but records what the store still held when the hub closed it. */
function recordingStore(channels: readonly string[]): { store: PresenceStore; heldAtClose: Promise<Record<string, ClientInfo[]>> } {
  const inner = createMemoryPresenceStore();
  let onClose: (held: Record<string, ClientInfo[]>) => void = () => {};
  const heldAtClose = new Promise<Record<string, ClientInfo[]>>((resolve) => (onClose = resolve));
  const store: PresenceStore = {
    add: (channel, clientInfo) => inner.add(channel, clientInfo),
    remove: (channel, clientId) => inner.remove(channel, clientId),
    list: (channel) => inner.list(channel),
    stats: (channel) => inner.stats(channel),
    async close() {
      const held = Object.fromEntries(await Promise.all(channels.map(async (channel) => [channel, await inner.list(channel)] as const)));
      onClose(held);
      await inner.close();
    },
  };
  return { store, heldAtClose };
}

describe('hub presence lifecycle', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('empties presence once every client has disconnected', async () => {
    server = await startHubServer({ namespaces }, undefined, principals);
    const members = await Promise.all([join(server, 'alice', 'json'), join(server, 'bob', 'msgpack'), join(server, 'alice', 'msgpack')]);
    for (const member of members) {
      await enter(member, 'room:a', 2);
      await enter(member, 'quiet:a', 3);
    }
    const sse = new SseReader(`${server.httpUrl}/sse?channels=room:a,quiet:a&as=bob`);
    await vi.waitFor(async () => expect(await server.hub.presenceStats('room:a')).toEqual({ clients: 4, users: 2 }));
    expect(await server.hub.presenceStats('quiet:a')).toEqual({ clients: 4, users: 2 });

    for (const { client } of members) client.close();
    sse.close();
    await vi.waitFor(async () => {
      expect(await server.hub.presence('room:a')).toEqual([]);
      expect(await server.hub.presence('quiet:a')).toEqual([]);
    });
    expect(server.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0, channels: 0 });
  });

  it('removes every client from the presence store before close() closes it', async () => {
    const channels = ['room:a', 'quiet:a'];
    const { store, heldAtClose } = recordingStore(channels);
    server = await startHubServer({ namespaces, presence: store }, undefined, principals);
    const members = await Promise.all([join(server, 'alice', 'json'), join(server, 'bob', 'msgpack')]);
    for (const member of members) {
      await enter(member, 'room:a', 2);
      await enter(member, 'quiet:a', 3);
    }
    const sse = new SseReader(`${server.httpUrl}/sse?channels=room:a,quiet:a&as=bob`);
    await vi.waitFor(async () => expect(await server.hub.presenceStats('room:a')).toEqual({ clients: 3, users: 2 }));

    await server.hub.close();
    expect(await heldAtClose).toEqual({ 'room:a': [], 'quiet:a': [] });
    await sse.ended;
  });
});
