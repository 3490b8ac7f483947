import { ErrorCodes } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeCursor } from './sse-cursor.js';
import { SseReader, startHubServer, TestClient, type HubServer } from './test-harness.js';
import type { Namespace } from './types.js';

describe('hub over Server-Sent Events', () => {
  let server: HubServer;
  afterEach(async () => server.close());

  const namespaces: Namespace[] = [
    { pattern: 'resources', snapshot: () => ({ resources: ['a'] }) },
    { pattern: 'alerts', snapshot: () => ({ alerts: [] }), historySize: 10 },
    { pattern: 'log', historySize: 2 },
  ];

  it('streams ack, snapshot, then publications, each data line the same JSON a WebSocket receives', async () => {
    server = await startHubServer({ namespaces });
    const ws = await TestClient.connect(server.wsUrl, 'json');
    await ws.subscribe('resources');
    const sse = new SseReader(`${server.httpUrl}/sse?channels=resources`);
    const response = await sse.response;
    expect(response.headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });

    const ack = await sse.next();
    expect(ack.event).toBe('ack');
    const { epoch } = JSON.parse(ack.data) as { epoch: string };
    expect(decodeCursor(ack.id)).toEqual(new Map([['resources', { epoch, offset: 0 }]]));
    const snapshot = await sse.next();
    expect(snapshot.event).toBe('snapshot');
    expect(JSON.parse(snapshot.data)).toMatchObject({ type: 'snapshot', channel: 'resources', data: { resources: ['a'] }, offset: 0 });

    void server.hub.publish('resources', { n: 1 });
    void server.hub.publish('resources', { n: 2 });
    const first = await sse.next();
    const second = await sse.next();
    expect([first.event, second.event]).toEqual(['pub', 'pub']);
    expect(decodeCursor(second.id).get('resources')).toEqual({ epoch, offset: 2 });
    expect(JSON.parse(second.data)).toMatchObject({ type: 'pub', channel: 'resources', data: { n: 2 }, offset: 2 });
    const wsFirst = await ws.nextReceived();
    expect(first.data).toBe(wsFirst.raw.toString('utf8'));

    sse.close();
    await vi.waitFor(() => expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1, disconnects: { client_closed: 1 } }));
  });

  it('resumes every channel from Last-Event-ID: missed publications where history holds them, a snapshot where not', async () => {
    server = await startHubServer({ namespaces });
    const first = new SseReader(`${server.httpUrl}/sse?channels=alerts,log`);
    let lastId: string | undefined;
    for (let seen = 0; seen < 3; seen++) lastId = (await first.next()).id ?? lastId; // ack alerts, snapshot alerts, ack log (any order)
    await vi.waitFor(() => expect(server.hub.stats().subscriptions).toBe(2));
    void server.hub.publish('alerts', 'a1');
    void server.hub.publish('log', 'l1');
    for (;;) {
      const event = await first.next();
      lastId = event.id ?? lastId;
      if (event.event === 'pub' && decodeCursor(event.id).get('log')?.offset === 1 && decodeCursor(event.id).get('alerts')?.offset === 1) break;
    }
    first.close();
    await vi.waitFor(() => expect(server.hub.stats().subscriptions).toBe(0));

    // Missed while away: alerts keeps 10 (recoverable), log keeps only 2 of 3 (not recoverable).
    for (const data of ['a2', 'a3']) await server.hub.publish('alerts', data);
    for (const data of ['l2', 'l3', 'l4']) await server.hub.publish('log', data);

    const resumed = new SseReader(`${server.httpUrl}/sse?channels=alerts,log`, { 'last-event-id': lastId! });
    const events: { event: string; data: { channel?: string; recovered?: boolean; data?: unknown } }[] = [];
    while (events.length < 4) {
      const event = await resumed.next();
      events.push({ event: event.event, data: JSON.parse(event.data) });
    }
    const alerts = events.filter((e) => e.data.channel === 'alerts');
    const log = events.filter((e) => e.data.channel === 'log');
    expect(alerts.map((e) => [e.event, e.data.recovered ?? e.data.data])).toEqual([['ack', true], ['pub', 'a2'], ['pub', 'a3']]);
    expect(log.map((e) => [e.event, e.data.recovered])).toEqual([['ack', false]]);
    resumed.close();
  });

  it('accepts the cursor as ?lastEventId= for a page that opens a new EventSource', async () => {
    server = await startHubServer({ namespaces });
    const first = new SseReader(`${server.httpUrl}/sse?channels=alerts`);
    await first.next();
    const snapshot = await first.next();
    first.close();
    await server.hub.publish('alerts', 'missed');
    const resumed = new SseReader(`${server.httpUrl}/sse?channels=alerts&lastEventId=${snapshot.id}`);
    expect(JSON.parse((await resumed.next()).data)).toMatchObject({ type: 'ack', recovered: true });
    expect(JSON.parse((await resumed.next()).data)).toMatchObject({ type: 'pub', data: 'missed', offset: 1 });
    resumed.close();
  });

  it('ignores an unreadable Last-Event-ID and starts fresh', async () => {
    server = await startHubServer({ namespaces });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=alerts`, { 'last-event-id': 'garbage!!' });
    const ack = JSON.parse((await sse.next()).data) as { recovered?: boolean; type: string };
    expect(ack.type).toBe('ack');
    expect(ack.recovered).toBeUndefined();
    expect((await sse.next()).event).toBe('snapshot');
    sse.close();
  });

  it('sends an error event for an unknown channel and carries on with the others', async () => {
    server = await startHubServer({ namespaces });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=nope,alerts`);
    const events = [await sse.next(), await sse.next(), await sse.next()];
    const error = events.find((e) => e.event === 'error')!;
    expect(JSON.parse(error.data)).toMatchObject({ type: 'error', code: ErrorCodes.unknownChannel, channel: 'nope' });
    expect(events.map((e) => e.event).sort()).toEqual(['ack', 'error', 'snapshot']);
    void server.hub.publish('alerts', { fired: 'cpu' });
    expect(await sse.next()).toMatchObject({ event: 'pub' });
    sse.close();
  });

  it('refuses a channel name that would break the event stream framing', async () => {
    server = await startHubServer({ namespaces: [{ pattern: 'resource:*' }, ...namespaces] });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=${encodeURIComponent('resource:x\ndata: forged')},alerts`);
    const events = [await sse.next(), await sse.next(), await sse.next()];
    expect(events.map((e) => e.event).sort()).toEqual(['ack', 'error', 'snapshot']);
    expect(JSON.parse(events.find((e) => e.event === 'error')!.data)).toMatchObject({ code: ErrorCodes.invalidChannel });
    sse.close();
  });

  it('ends the stream after the errors when no channel is valid', async () => {
    server = await startHubServer({ namespaces: [...namespaces, { pattern: 'settings', subscribeScope: 'settings:write' }] });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=nope,settings`);
    const codes = [JSON.parse((await sse.next()).data).code, JSON.parse((await sse.next()).data).code];
    expect(codes.sort()).toEqual([ErrorCodes.unknownChannel, ErrorCodes.forbidden].sort());
    await sse.ended;
    await vi.waitFor(() => expect(server.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0, errorsSent: 2 }));
  });

  it('keeps an idle stream open with comment lines', async () => {
    server = await startHubServer({ namespaces, sseKeepaliveMs: 20 });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=alerts`);
    const response = await sse.response;
    const raw: string[] = [];
    response.on('data', (chunk: string) => raw.push(chunk));
    await vi.waitFor(() => expect(raw.join('')).toContain(': keepalive\n\n'));
    sse.close();
  });

  it('ends open streams on close()', async () => {
    server = await startHubServer({ namespaces });
    const sse = new SseReader(`${server.httpUrl}/sse?channels=alerts`);
    await sse.next();
    await server.hub.close();
    await sse.ended;
    expect(server.hub.stats().disconnects).toEqual({ going_away: 1 });
  });
});
