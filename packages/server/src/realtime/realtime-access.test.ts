import { createClient, type PulseClient } from '@pulse/client';
import type { ClientInfo, Resource } from '@pulse/protocol';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, waitFor, type TestPulse } from '../../test-support/pulse.js';

/** A `ws` WebSocket whose instances the test can reach, to cut a link the way a network would. */
function trackedWebSocket(): { WebSocket: typeof WebSocket; instances: WebSocket[] } {
  const instances: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url, protocols, options);
      instances.push(this);
    }
  }
  return { WebSocket: Tracked, instances };
}

async function tokenFor(t: TestPulse, cookie: string, csrf: string, scopes: string[]): Promise<string> {
  const res = await fetch(`${t.url}/api/tokens`, {
    method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `t-${scopes.join('-')}`, scopes }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function connectionToken(t: TestPulse, headers: Record<string, string>): Promise<{ token: string; expiresAt: number }> {
  const res = await fetch(`${t.url}/api/realtime/token`, { method: 'POST', headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; expiresAt: number };
}

describe('realtime access, publishing and presence on a whole Pulse', () => {
  let t: TestPulse;
  let admin: { cookie: string; csrf: string };
  let wsUrl: string;
  const clients: PulseClient[] = [];
  beforeAll(async () => {
    t = await startTestPulse();
    admin = await t.setupAdmin();
    wsUrl = `${t.url.replace('http', 'ws')}/api/ws`;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  function client(options: { token?: () => Promise<string>; headers?: Record<string, string>; codec?: 'json' | 'msgpack'; WebSocket?: typeof WebSocket } = {}): PulseClient {
    const Ws = options.WebSocket ?? WebSocket;
    const headers = options.headers;
    // The browser's cookie jar, played by a subclass that always sends the given headers.
    class WithHeaders extends Ws {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, headers ? { headers } : {});
      }
    }
    const c = createClient({ url: wsUrl, codec: options.codec ?? 'json', WebSocket: WithHeaders, getToken: options.token, backoff: { initialMs: 20, maxMs: 200 } });
    clients.push(c);
    return c;
  }

  it('connects with a signed connection token alone, refuses a bad one with 401, and refuses it after sign-out', async () => {
    const session = await t.login('admin', 'correct-horse-battery');
    const { token, expiresAt } = await connectionToken(t, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    expect(expiresAt).toBeGreaterThan(Date.now() + 200_000);
    const closedWith: number[] = [];
    const c = createClient({ url: wsUrl, WebSocket, getToken: async () => token, onStateChange: (state, info) => { if (state === 'closed') closedWith.push(info?.code ?? 0); } });
    clients.push(c);
    const snapshot = new Promise((resolve) => c.subscribe('resources', { onSnapshot: resolve }));
    expect(await snapshot).toMatchObject({ resources: expect.any(Array) });

    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token.slice(0, -3))}xyz`, 'pulse.v1.json');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);

    await fetch(`${t.url}/api/session`, { method: 'DELETE', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    await waitFor(() => closedWith.length > 0, 'the connection to close on sign-out');
    expect(closedWith).toEqual([4501]);
    const afterSignOut = await fetch(`${t.url}/api/events?channels=resources&token=${encodeURIComponent(token)}`);
    expect(afterSignOut.status).toBe(401);
  });

  it('serves SSE to a connection token in the query', async () => {
    const { token } = await connectionToken(t, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    const controller = new AbortController();
    const res = await fetch(`${t.url}/api/events?channels=resources&token=${encodeURIComponent(token)}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
  });

  it('lets a program publish to ext: over HTTP with hub:publish, and a hub:subscribe client receive it', async () => {
    const publisher = await tokenFor(t, admin.cookie, admin.csrf, ['hub:publish']);
    const reader = await tokenFor(t, admin.cookie, admin.csrf, ['hub:subscribe']);
    const sub = client({ headers: { authorization: `Bearer ${reader}` }, codec: 'msgpack' });
    const received: unknown[] = [];
    const acked = new Promise((resolve) => sub.subscribe('ext:weather', { onPublication: (data) => received.push(data), onRecover: resolve }));
    await waitFor(() => sub.state === 'open', 'the subscriber to connect');
    await waitFor(async () => (await t.pulse.hub.presenceStats('ext:weather')).clients === 1, 'the subscription');
    void acked;

    const publish = (body: unknown, token = publisher) => fetch(`${t.url}/api/hub/publish`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const ok = await publish({ channel: 'ext:weather', data: { temp: 21.5 } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ channel: 'ext:weather', epoch: expect.any(String), offset: 1 });
    await waitFor(() => received.length === 1, 'the publication');
    expect(received).toEqual([{ temp: 21.5 }]);

    const answers = await Promise.all([
      publish({ channel: 'resources', data: 1 }),
      publish({ channel: 'ext:bad name', data: 1 }),
      publish({ channel: 'nowhere:x', data: 1 }),
      publish({ channel: 'ext:weather' }),
      publish({ channel: 'ext:weather', data: 1 }, reader),
    ]);
    const summary = await Promise.all(answers.map(async (r) => [r.status, ((await r.json()) as { error: { code: string } }).error.code]));
    expect(summary).toEqual([[403, 'channel.forbidden'], [400, 'validation.failed'], [404, 'channel.unknown'], [400, 'validation.failed'], [403, 'auth.forbidden']]);
  });

  it('shows who is viewing a resource: presence stats and join/leave on resource:<id>', async () => {
    const list = (await (await fetch(`${t.url}/api/resources`, { headers: { cookie: admin.cookie } })).json()) as { resources: Resource[] };
    const channel = `resource:${list.resources[0]!.id}`;
    const watcher = client({ headers: { cookie: admin.cookie } });
    const joins: ClientInfo[] = [];
    const leaves: ClientInfo[] = [];
    watcher.subscribe(channel, { onJoin: (info) => joins.push(info), onLeave: (info) => leaves.push(info) });
    await waitFor(async () => watcher.state === 'open' && (await watcher.presenceStats(channel)).clients === 1, 'the watcher to be present');

    const second = client({ headers: { cookie: admin.cookie }, codec: 'msgpack' });
    const sub = second.subscribe(channel, {});
    await waitFor(() => second.connection, 'the second client to be welcomed');
    const isSecond = (info: ClientInfo) => info.client === second.connection?.id;
    await waitFor(() => joins.some(isSecond), 'the second client\'s join');
    expect(joins.find(isSecond)).toMatchObject({ user: expect.stringMatching(/^user:/), name: 'admin', transport: 'websocket' });
    expect(await watcher.presenceStats(channel)).toEqual({ clients: 2, users: 1 });
    sub.unsubscribe();
    await waitFor(() => leaves.some(isSecond), 'the second client\'s leave');
    expect((await watcher.presence(channel)).length).toBe(1);
  });

  it('recovers the resources diffs a client missed while its link was down, without a new snapshot', async () => {
    const tracked = trackedWebSocket();
    const c = client({ headers: { cookie: admin.cookie }, WebSocket: tracked.WebSocket });
    let snapshots = 0;
    const recoveries: boolean[] = [];
    const offsets: number[] = [];
    c.subscribe('resources', {
      onSnapshot: () => { snapshots += 1; },
      onPublication: (_data, frame) => offsets.push(frame.offset),
      onRecover: ({ recovered }) => recoveries.push(recovered),
    });
    await waitFor(() => offsets.length >= 2, 'live diffs');
    tracked.instances[0]!.terminate();
    await waitFor(() => recoveries.length === 1 && offsets.length >= 6, 'recovery and more diffs', 20_000);
    expect(recoveries).toEqual([true]);
    expect(snapshots).toBe(1);
    // Every offset once, in order, across the cut.
    expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
  });

  it('exports the hub figures on /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`, { headers: { cookie: admin.cookie } })).text();
    for (const name of ['pulse_connections_total', 'pulse_connections_active', 'pulse_messages_total', 'pulse_messages_bytes', 'pulse_channels_active',
      'pulse_latency_seconds_bucket', 'pulse_hub_dropped_total', 'pulse_disconnects_total', 'pulse_disconnects_by_code_total', 'pulse_messages_received_total']) {
      expect(text, name).toContain(name);
    }
    expect(text).toMatch(/pulse_latency_seconds_count [1-9]/);
    expect(text).toMatch(/pulse_disconnects_by_code_total\{code="4501"\} 1/);
  });
});
