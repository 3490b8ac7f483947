import { request } from 'node:http';
import { CloseCodes, ErrorCodes, jsonCodec, msgpackCodec, type CodecName } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';

const codecs: CodecName[] = ['json', 'msgpack'];

describe.each(codecs)('hub over WebSocket with %s', (codec) => {
  let server: HubServer;
  afterEach(async () => {
    vi.restoreAllMocks();
    await server.close();
  });

  it('answers hello with welcome naming the connection, versions and ping interval', async () => {
    server = await startHubServer({ pingIntervalMs: 12_345 });
    const client = await TestClient.connect(server.wsUrl, codec);
    expect(client.ws.protocol).toBe(`pulse.v1.${codec}`);
    client.send({ type: 'hello', id: 7, version: 1, client: 'test/1.0' });
    const received = await client.nextReceived();
    expect(received.isBinary).toBe(codec === 'msgpack');
    expect(received.frame).toMatchObject({ type: 'welcome', id: 7, version: 1, versions: [1], pingIntervalMs: 12_345 });
    expect(received.frame.type === 'welcome' && received.frame.connectionId).toMatch(/.+/);
  });

  it('refuses an unsupported protocol version with an error naming the supported ones, then closes 4502', async () => {
    server = await startHubServer();
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'hello', id: 1, version: 99 });
    const error = await client.next();
    expect(error).toMatchObject({ type: 'error', id: 1, code: ErrorCodes.badVersion });
    expect(error.type === 'error' && error.message).toContain('version 1');
    expect((await client.closed).code).toBe(CloseCodes.unsupportedVersion);
    await vi.waitFor(() => expect(server.hub.stats().disconnects).toEqual({ unsupported_version: 1 }));
  });

  it('acks a subscribe, sends the snapshot, then every publication with increasing offsets', async () => {
    server = await startHubServer({ namespaces: [{ pattern: 'resources', snapshot: () => ({ resources: ['a'] }) }] });
    await server.hub.publish('resources', 'before anyone listened');
    const client = await TestClient.connect(server.wsUrl, codec);
    const { ack, snapshot } = await client.subscribe('resources', 3);
    const epoch = ack.type === 'ack' ? ack.epoch : '';
    expect(epoch).toMatch(/.+/);
    expect(ack).toEqual({ type: 'ack', id: 3, channel: 'resources', epoch, offset: 1 });
    expect(snapshot).toEqual({ type: 'snapshot', channel: 'resources', data: { resources: ['a'] }, epoch, offset: 1 });

    void server.hub.publish('resources', { n: 1 });
    void server.hub.publish('resources', { n: 2 });
    expect(await client.next()).toEqual({ type: 'pub', channel: 'resources', data: { n: 1 }, epoch, offset: 2 });
    expect(await client.next()).toEqual({ type: 'pub', channel: 'resources', data: { n: 2 }, epoch, offset: 3 });
    expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1, channels: 1 });
  });

  it('stops delivering a channel after unsubscribe is acked', async () => {
    server = await startHubServer({ namespaces: [{ pattern: 'resources' }, { pattern: 'alerts' }] });
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'subscribe', id: 1, channel: 'resources' });
    client.send({ type: 'subscribe', id: 2, channel: 'alerts' });
    expect(await client.next()).toMatchObject({ type: 'ack', channel: 'resources' });
    expect(await client.next()).toMatchObject({ type: 'ack', channel: 'alerts' });
    client.send({ type: 'unsubscribe', id: 3, channel: 'resources' });
    expect(await client.next()).toEqual({ type: 'ack', id: 3, channel: 'resources' });

    void server.hub.publish('resources', 'dropped');
    void server.hub.publish('alerts', 'kept');
    // Frames arrive in order, so if the resources pub had been sent it would come first.
    expect(await client.next()).toMatchObject({ type: 'pub', channel: 'alerts', data: 'kept' });
    client.send({ type: 'unsubscribe', id: 4, channel: 'resources' });
    expect(await client.next()).toMatchObject({ type: 'error', id: 4, code: ErrorCodes.notSubscribed });
  });

  it('answers an application ping with pong', async () => {
    server = await startHubServer();
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'ping', id: 42 });
    expect(await client.next()).toEqual({ type: 'pong', id: 42 });
  });

  it('encodes each publication once and sends the same bytes to every subscriber', async () => {
    server = await startHubServer();
    const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(server.wsUrl, codec)));
    await Promise.all(clients.map((client) => client.subscribe('resources')));
    const codecObject = codec === 'json' ? jsonCodec : msgpackCodec;
    const encode = vi.spyOn(codecObject, 'encode');
    const send = vi.spyOn(WebSocket.prototype, 'send');

    await server.hub.publish('resources', { changed: ['vm-101'] });
    const frames = await Promise.all(clients.map((client) => client.next()));

    expect(frames.every((frame) => frame.type === 'pub')).toBe(true);
    expect(encode.mock.calls.filter(([frame]) => (frame as { type: string }).type === 'pub')).toHaveLength(1);
    const sentBuffers = new Set(send.mock.calls.map(([data]) => data));
    expect(send).toHaveBeenCalledTimes(5);
    expect(sentBuffers.size).toBe(1);
  });

  it('closes every connection with 1001 going-away on close()', async () => {
    server = await startHubServer();
    const client = await TestClient.connect(server.wsUrl, codec);
    await client.subscribe('resources');
    await server.hub.close();
    expect((await client.closed).code).toBe(CloseCodes.goingAway);
    expect(server.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0, disconnects: { going_away: 1 } });
  });
});

describe('hub subprotocol negotiation', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('encodes a publication once per codec when JSON and MessagePack clients share a channel', async () => {
    server = await startHubServer();
    const clients = await Promise.all(
      (['json', 'msgpack', 'json', 'msgpack'] as const).map((codec) => TestClient.connect(server.wsUrl, codec)),
    );
    await Promise.all(clients.map((client) => client.subscribe('resources')));
    const jsonEncode = vi.spyOn(jsonCodec, 'encode');
    const msgpackEncode = vi.spyOn(msgpackCodec, 'encode');
    await server.hub.publish('resources', { n: 1 });
    await Promise.all(clients.map((client) => client.next()));
    expect(jsonEncode).toHaveBeenCalledTimes(1);
    expect(msgpackEncode).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
  });

  it('refuses an upgrade without a Pulse subprotocol with HTTP 400 naming the supported ones', async () => {
    server = await startHubServer();
    for (const protocols of [[], ['graphql-ws']]) {
      const ws = new WebSocket(server.wsUrl, protocols);
      const status = await new Promise<{ code: number; body: string }>((resolve) => {
        ws.on('error', () => {});
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
        });
      });
      expect(status.code).toBe(400);
      expect(status.body).toContain('pulse.v1.json');
      expect(status.body).toContain('pulse.v1.msgpack');
    }
    expect(server.hub.stats().connectionsTotal).toBe(0);
  });

  it('picks the first Pulse subprotocol the client offers', async () => {
    server = await startHubServer();
    const ws = new WebSocket(server.wsUrl, ['graphql-ws', 'pulse.v1.msgpack', 'pulse.v1.json']);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('pulse.v1.msgpack');
    ws.close();
  });

  it('refuses new connections with 503 once closing', async () => {
    server = await startHubServer();
    await server.hub.close();
    const { port } = new URL(server.wsUrl);
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'pulse.v1.json' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve(-1));
      req.end();
    });
    expect(status).toBe(503);
  });
});
