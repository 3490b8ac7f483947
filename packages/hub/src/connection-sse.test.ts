import { ErrorCodes } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SseReader, startHubServer, TestClient, type HubServer } from './test-harness.js';

describe('hub over Server-Sent Events', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  const channels = [
    { pattern: 'resources', snapshot: () => ({ resources: ['a'] }) },
    { pattern: 'alerts', snapshot: () => ({ alerts: [] }) },
  ];

  it('streams the snapshot then publications, each data line the same JSON a WebSocket receives', async () => {
    server = await startHubServer({ channels });
    const ws = await TestClient.connect(server.wsUrl, 'json');
    await ws.subscribe('resources');
    const sse = new SseReader(`${server.httpUrl}/sse?channels=resources`);
    const response = await sse.response;
    expect(response.headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });

    const snapshot = await sse.next();
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.id).toBe('resources:0');
    expect(JSON.parse(snapshot.data)).toMatchObject({ type: 'snapshot', channel: 'resources', data: { resources: ['a'] }, offset: 0 });

    server.hub.publish('resources', { n: 1 });
    server.hub.publish('resources', { n: 2 });
    const first = await sse.next();
    const second = await sse.next();
    expect([first.event, first.id, second.event, second.id]).toEqual(['pub', 'resources:1', 'pub', 'resources:2']);
    expect(JSON.parse(second.data)).toMatchObject({ type: 'pub', channel: 'resources', data: { n: 2 }, offset: 2 });
    const wsFirst = await ws.nextReceived();
    expect(first.data).toBe(wsFirst.raw.toString('utf8'));

    sse.close();
    await vi.waitFor(() => expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1, disconnects: { client_closed: 1 } }));
  });

  it('sends an error event for an unknown channel and carries on with the others', async () => {
    server = await startHubServer({ channels });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=nope,alerts`);
    const error = await sse.next();
    expect(error.event).toBe('error');
    expect(JSON.parse(error.data)).toMatchObject({ type: 'error', code: ErrorCodes.unknownChannel });
    expect(await sse.next()).toMatchObject({ event: 'snapshot', id: 'alerts:0' });
    server.hub.publish('alerts', { fired: 'cpu' });
    expect(await sse.next()).toMatchObject({ event: 'pub', id: 'alerts:1' });
    sse.close();
  });

  it('refuses a channel name that would break the event stream framing', async () => {
    server = await startHubServer({ channels: [{ pattern: 'resource:*' }, ...channels] });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=${encodeURIComponent('resource:x\ndata: forged')},alerts`);
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ type: 'error', code: ErrorCodes.unknownChannel });
    expect(await sse.next()).toMatchObject({ event: 'snapshot', id: 'alerts:0' });
    sse.close();
  });

  it('ends the stream after the errors when no channel is valid', async () => {
    server = await startHubServer({ channels: [...channels, { pattern: 'settings', scope: 'settings:write' }] });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=nope,settings`);
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ code: ErrorCodes.unknownChannel });
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ code: ErrorCodes.forbidden });
    await sse.ended;
    await vi.waitFor(() => expect(server.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0, errorsSent: 2 }));
  });

  it('keeps an idle stream open with comment lines', async () => {
    server = await startHubServer({ channels, sseKeepaliveMs: 20 });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=alerts`);
    const response = await sse.response;
    const raw: string[] = [];
    response.on('data', (chunk: string) => raw.push(chunk));
    await vi.waitFor(() => expect(raw.join('')).toContain(': keepalive\n\n'));
    sse.close();
  });

  it('ends open streams on close()', async () => {
    server = await startHubServer({ channels });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=alerts`);
    await sse.next();
    await server.hub.close();
    await sse.ended;
    expect(server.hub.stats().disconnects).toEqual({ going_away: 1 });
  });
});
