import { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CloseCodes, ErrorCodes, type CodecName } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';
import type { Namespace } from './types.js';

/** `ws` keeps its net.Socket private; pausing it is the honest way to make a client stop reading. */
function socketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

const namespaces: Namespace[] = [
  { pattern: 'resources', snapshot: () => ({ resources: [] }) },
  { pattern: 'metrics:*', latestValue: true },
  { pattern: 'feed:*' },
];

describe.each<CodecName>(['json', 'msgpack'])('hub backpressure over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('sends a snapshot or a publication bigger than the queue bound to a reader that keeps up, and keeps it subscribed', async () => {
    const maxQueueBytes = 64 * 1024;
    const big = { resources: Array.from({ length: 2000 }, (_, i) => ({ id: `r${i}`, pad: 'y'.repeat(100) })) };
    server = await startHubServer({ namespaces: [{ pattern: 'resources', snapshot: () => big }, { pattern: 'feed:*' }], limits: { maxQueueBytes } });
    const client = await TestClient.connect(server.wsUrl, codec);
    const { snapshot } = await client.subscribe('resources', 1);
    expect((snapshot as { data: typeof big }).data.resources).toHaveLength(2000);
    await server.hub.publish('resources', { upsert: [], remove: ['r1'] });
    expect(await client.next()).toMatchObject({ type: 'pub', data: { remove: ['r1'] } });
    // A diff as big as the snapshot (every resource changed) is no sign of a slow reader either.
    await server.hub.publish('resources', { upsert: big.resources, remove: [] });
    expect(((await client.next()) as { data: { upsert: unknown[] } }).data.upsert).toHaveLength(2000);
    expect(server.hub.stats()).toMatchObject({ connections: 1, disconnects: {} });
  });

  it('coalesces a slow reader on latest-value channels with memory bounded, then closes it 4008 once a plain channel overflows', async () => {
    const maxQueueBytes = 256 * 1024;
    server = await startHubServer({ namespaces, limits: { maxQueueBytes } });
    const slow = await TestClient.connect(server.wsUrl, codec);
    const healthy = await TestClient.connect(server.wsUrl, codec);
    for (const client of [slow, healthy]) {
      await client.subscribe('metrics:cpu', 1, false);
      await client.subscribe('feed:log', 2, false);
    }
    socketOf(slow).pause();

    const sample = (n: number): object => ({ n, pad: 'x'.repeat(16 * 1024) });
    let published = 0;
    // Kernel buffers absorb a few MB before the hub starts holding frames back, so publish until
    // it reacts; the cap only stops a broken hub from looping forever.
    while (server.hub.stats().dropped === 0 && published < 20_000) {
      await server.hub.publish('metrics:cpu', sample(published++));
      await healthy.next();
      if (published % 16 === 0) await nextTurn();
    }
    expect(server.hub.stats().dropped).toBeGreaterThan(0);

    // Another 500 samples (8 MB) go nowhere but into the one queued slot: memory stays bounded.
    const droppedBefore = server.hub.stats().dropped;
    for (let i = 0; i < 500; i++) {
      await server.hub.publish('metrics:cpu', sample(published++));
      await healthy.next();
      expect(server.hub.stats().queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
    }
    expect(server.hub.stats().dropped - droppedBefore).toBe(500);
    expect(server.hub.stats()).toMatchObject({ connections: 2, disconnects: {} });

    // A plain channel cannot be coalesced: its backlog grows until the bound closes the reader.
    let plain = 0;
    while (server.hub.stats().subscriptions === 4 && plain < 1000) {
      await server.hub.publish('feed:log', sample(plain++));
      await healthy.next();
    }
    expect(server.hub.stats().subscriptions).toBe(2);
    expect(plain).toBeLessThanOrEqual(Math.ceil(maxQueueBytes / (16 * 1024)) + 1);

    socketOf(slow).resume();
    expect(await slow.closed).toEqual({ code: CloseCodes.slowConsumer, reason: 'slow consumer' });
    await vi.waitFor(() => expect(server.hub.stats()).toMatchObject({ disconnects: { slow_consumer: 1 }, disconnectCodes: { 4008: 1 }, queuedBytes: 0 }));

    await server.hub.publish('feed:log', 'after the drop');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'after the drop' });
  });

  it('writes the frames due to one connection in the same tick with one writev', async () => {
    server = await startHubServer({ namespaces });
    const clients = [await TestClient.connect(server.wsUrl, codec), await TestClient.connect(server.wsUrl, codec)];
    for (const client of clients) await client.subscribe('feed:a', 1, false);
    const writev = vi.spyOn(Socket.prototype, '_writev');
    const write = vi.spyOn(Socket.prototype, '_write');

    for (let n = 1; n <= 20; n++) void server.hub.publish('feed:a', { n });
    for (const client of clients) {
      for (let n = 1; n <= 20; n++) expect(await client.next()).toMatchObject({ type: 'pub', data: { n }, offset: n });
    }

    expect(writev).toHaveBeenCalledTimes(2);
    for (const [chunks] of writev.mock.calls) expect(chunks.length).toBeGreaterThanOrEqual(20);
    expect(write).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('terminates a client that stops answering pings and counts it as a timeout', async () => {
    server = await startHubServer({ pingIntervalMs: 30, pongTimeoutMs: 60 });
    const silent = await TestClient.connect(server.wsUrl, codec, { autoPong: false });
    const healthy = await TestClient.connect(server.wsUrl, codec);
    await silent.subscribe('resources');
    await healthy.subscribe('resources');

    // 1006: terminated without a close frame, as a vanished peer would be.
    expect((await silent.closed).code).toBe(1006);
    await vi.waitFor(() => expect(server.hub.stats().disconnects).toEqual({ timeout: 1 }));

    await server.hub.publish('resources', 'still alive');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'still alive' });
    expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 });
  });
});

describe('hub connection limits', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  async function refused(url: string, localAddress = '127.0.0.1'): Promise<{ error: unknown; close: { code: number; reason: string } }> {
    const client = await TestClient.connect(url, 'json', { localAddress });
    const error = await client.next();
    return { error, close: await client.closed };
  }

  it('refuses a connection past the per-address cap with limit.connections and 1013, and admits again once one leaves', async () => {
    server = await startHubServer({ namespaces, limits: { maxConnectionsPerIp: 2 } });
    const first = await TestClient.connect(server.wsUrl, 'json');
    await TestClient.connect(server.wsUrl, 'msgpack');
    const third = await refused(server.wsUrl);
    expect(third.error).toMatchObject({ type: 'error', code: ErrorCodes.tooManyConnections });
    expect(third.close.code).toBe(CloseCodes.tryAgainLater);

    first.close();
    await first.closed;
    await vi.waitFor(() => expect(server.hub.stats().connections).toBe(2 - 1));
    const again = await TestClient.connect(server.wsUrl, 'json');
    expect(await again.request({ type: 'ping', id: 1 })).toEqual({ type: 'pong', id: 1 });
    expect(server.hub.stats().disconnects).toEqual({ connection_limit: 1, client_closed: 1 });
  });

  it('holds the global cap across addresses and answers SSE over the cap with HTTP 429', async () => {
    server = await startHubServer({ namespaces, limits: { maxConnections: 1 } });
    await TestClient.connect(server.wsUrl, 'json');
    expect((await refused(server.wsUrl, '127.0.0.2')).close.code).toBe(CloseCodes.tryAgainLater);
    const response = await fetch(`${server.httpUrl}/sse?channels=resources`);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: { code: ErrorCodes.tooManyConnections } });
  });

  it('limits new connections per second from one address (burst of twice the rate)', async () => {
    server = await startHubServer({ namespaces, limits: { connectionsPerSecondPerIp: 2 } });
    const admitted = [];
    for (let i = 0; i < 4; i++) admitted.push(await TestClient.connect(server.wsUrl, 'json'));
    const fifth = await refused(server.wsUrl);
    expect(fifth.error).toMatchObject({ code: ErrorCodes.tooManyConnections });
    expect(fifth.close.code).toBe(CloseCodes.tryAgainLater);
    // Another address has its own bucket.
    const other = await TestClient.connect(server.wsUrl, 'json', { localAddress: '127.0.0.3' });
    expect(await other.request({ type: 'ping', id: 1 })).toEqual({ type: 'pong', id: 1 });
  });

  it('caps subscriptions per connection with limit.subscriptions and keeps the connection', async () => {
    server = await startHubServer({ namespaces, limits: { maxSubscriptionsPerConnection: 3 } });
    const client = await TestClient.connect(server.wsUrl, 'msgpack');
    for (let i = 0; i < 3; i++) await client.subscribe(`feed:${i}`, i, false);
    expect(await client.request({ type: 'subscribe', id: 9, channel: 'feed:9' })).toMatchObject({ type: 'error', id: 9, code: ErrorCodes.tooManySubscriptions, channel: 'feed:9' });
    expect(await client.request({ type: 'unsubscribe', id: 10, channel: 'feed:0' })).toEqual({ type: 'ack', id: 10, channel: 'feed:0' });
    await client.subscribe('feed:9', 11, false);
    expect(server.hub.stats().subscriptions).toBe(3);
  });
});

describe('hub without loose limits', () => {
  it('keeps defaults that let a dashboard reconnect a few times a second', async () => {
    const server = await startHubServer({ namespaces, limits: { connectionsPerSecondPerIp: 20, maxConnectionsPerIp: 200 } });
    const sockets = await Promise.all(Array.from({ length: 20 }, () => TestClient.connect(server.wsUrl, 'json')));
    expect(sockets.every((client) => client.ws.readyState === WebSocket.OPEN)).toBe(true);
    await server.close();
  });
});
