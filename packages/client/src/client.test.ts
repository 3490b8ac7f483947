import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHub, type Hub } from '@pulse/hub';
import { CloseCodes, type CodecName } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from './client.js';
import type { ConnectionState, PulseClient, StateInfo } from './types.js';

const principal = { id: 'user-1', name: 'tester', scopes: ['monitoring:read'] };
const waitOptions = { timeout: 5_000, interval: 5 };

interface TestServer {
  url: string;
  server: Server;
  /** every TCP connection the server accepted, so a test can cut them like a crashed proxy would */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

async function listen(onUpgrade: (server: Server) => void, hub?: Hub): Promise<TestServer> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  onUpgrade(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`,
    server,
    sockets,
    async close() {
      await hub?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startHub(): Promise<TestServer & { hub: Hub; snapshots: () => number }> {
  let snapshots = 0;
  const hub = createHub({
    channels: [{ pattern: 'resources', snapshot: () => ({ generation: ++snapshots }) }, { pattern: 'alerts' }],
  });
  const started = await listen((server) => server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, principal)), hub);
  return { ...started, hub, snapshots: () => snapshots };
}

function recordStates(): { states: [ConnectionState, StateInfo | undefined][]; onStateChange: (s: ConnectionState, i?: StateInfo) => void } {
  const states: [ConnectionState, StateInfo | undefined][] = [];
  return { states, onStateChange: (state, info) => states.push([state, info]) };
}

describe('pulse client', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function track<T extends PulseClient | TestServer>(thing: T): T {
    cleanups.push(() => thing.close());
    return thing;
  }

  it.each<CodecName>(['json', 'msgpack'])('delivers the snapshot then publications over %s', async (codec) => {
    const server = track(await startHub());
    const client = track(createClient({ url: server.url, codec, WebSocket }));
    const received: unknown[] = [];
    client.subscribe('resources', {
      onSnapshot: (data) => received.push(['snapshot', data]),
      onPublication: (data, frame) => received.push(['pub', data, frame.offset]),
    });
    await vi.waitFor(() => expect(received).toHaveLength(1), waitOptions);
    server.hub.publish('resources', { n: 1 });
    await vi.waitFor(() => expect(received).toEqual([['snapshot', { generation: 1 }], ['pub', { n: 1 }, 1]]), waitOptions);
    expect(client.state).toBe('open');
  });

  it('reconnects after the server drops the connection and resubscribes to a fresh snapshot', async () => {
    const server = track(await startHub());
    const { states, onStateChange } = recordStates();
    const client = track(createClient({ url: server.url, WebSocket, backoff: { initialMs: 5 }, onStateChange }));
    const snapshots: unknown[] = [];
    const publications: unknown[] = [];
    client.subscribe('resources', { onSnapshot: (data) => snapshots.push(data), onPublication: (data) => publications.push(data) });
    await vi.waitFor(() => expect(snapshots).toEqual([{ generation: 1 }]), waitOptions);

    for (const socket of server.sockets) socket.destroy();

    await vi.waitFor(() => expect(snapshots).toEqual([{ generation: 1 }, { generation: 2 }]), waitOptions);
    expect(states.map(([state]) => state)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(states[2]?.[1]).toMatchObject({ code: 1006, attempt: 1 });
    server.hub.publish('resources', 'after reconnect');
    await vi.waitFor(() => expect(publications).toEqual(['after reconnect']), waitOptions);
    expect(server.hub.stats().subscriptions).toBe(1);
  });

  it('backs off exponentially with jitter while the server is unreachable', async () => {
    const gone = await listen(() => {});
    const url = gone.url;
    await gone.close();
    const randoms = [0, 1, 0.5, 0.5, 0.5, 0.5, 0.75];
    const delays: number[] = [];
    const client = track(createClient({
      url,
      WebSocket,
      random: () => randoms[delays.length] ?? 0.5,
      // Record the delay the client asks for, then retry at once so the test takes milliseconds.
      setTimeout: (callback, ms) => {
        delays.push(ms);
        return setTimeout(callback, 0);
      },
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    }));
    await vi.waitFor(() => expect(delays.length).toBeGreaterThanOrEqual(7), waitOptions);
    client.close();
    // 500 ms doubling to the 15 s cap, each scaled by 1 + 0.3 * (2 * random - 1).
    expect(delays.slice(0, 7)).toEqual([350, 1300, 2000, 4000, 8000, 15_000, 17_250]);
  });

  it('stops for good on 4001 unauthorized and reports the code', async () => {
    let upgrades = 0;
    const wss = new WebSocketServer({ noServer: true });
    const server = track(await listen((http) => http.on('upgrade', (req, socket, head) => {
      upgrades += 1;
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCodes.unauthorized, 'session expired'));
    })));
    const { states, onStateChange } = recordStates();
    const setTimeoutSpy = vi.fn((callback: () => void, ms: number) => setTimeout(callback, ms));
    const client = track(createClient({ url: server.url, WebSocket, onStateChange, setTimeout: setTimeoutSpy }));

    await vi.waitFor(() => expect(client.state).toBe('closed'), waitOptions);
    expect(states.at(-1)).toEqual(['closed', { code: CloseCodes.unauthorized, reason: 'session expired' }]);
    // Only the heartbeat timer armed on open; no reconnect was ever scheduled.
    expect(setTimeoutSpy.mock.calls.map(([, ms]) => ms)).toEqual([20_000]);
    expect(upgrades).toBe(1);
  });

  it('declares the link dead after two unanswered pings and reconnects', async () => {
    const timers = new Map<number, { callback: () => void; ms: number }>();
    let nextTimer = 1;
    const received: string[] = [];
    const wss = new WebSocketServer({ noServer: true });
    // A server that accepts but never answers: the link looks open and is useless.
    const server = track(await listen((http) => http.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => received.push(JSON.parse(String(data)).type)));
    })));
    const { states, onStateChange } = recordStates();
    track(createClient({
      url: server.url,
      WebSocket,
      onStateChange,
      random: () => 0.5,
      setTimeout: (callback, ms) => {
        timers.set(nextTimer, { callback, ms });
        return nextTimer++;
      },
      clearTimeout: (handle) => timers.delete(handle as number),
    }));
    const fire = (ms: number): void => {
      const [id, timer] = [...timers].find(([, t]) => t.ms === ms) ?? [];
      if (id === undefined || !timer) throw new Error(`no ${ms} ms timer pending`);
      timers.delete(id);
      timer.callback();
    };

    await vi.waitFor(() => expect(received).toEqual(['hello']), waitOptions);
    fire(20_000);
    fire(20_000);
    await vi.waitFor(() => expect(received).toEqual(['hello', 'ping', 'ping']), waitOptions);
    fire(20_000);
    expect(states.at(-1)).toEqual(['reconnecting', { reason: 'no pong from server', attempt: 1 }]);
    fire(500);
    await vi.waitFor(() => expect(received).toEqual(['hello', 'ping', 'ping', 'hello']), waitOptions);
  });

  it('stops delivering after unsubscribe and tells the server once the last handler leaves', async () => {
    const server = track(await startHub());
    const client = track(createClient({ url: server.url, WebSocket }));
    const first: unknown[] = [];
    const second: unknown[] = [];
    const a = client.subscribe('alerts', { onPublication: (data) => first.push(data) });
    client.subscribe('alerts', { onPublication: (data) => second.push(data) });
    await vi.waitFor(() => expect(server.hub.stats().subscriptions).toBe(1), waitOptions);
    a.unsubscribe();
    server.hub.publish('alerts', 'x');
    await vi.waitFor(() => expect(second).toEqual(['x']), waitOptions);
    expect(first).toEqual([]);
  });

  it('reports a subscribe the server refuses through onError', async () => {
    const server = track(await startHub());
    const client = track(createClient({ url: server.url, WebSocket, codec: 'msgpack' }));
    const errors: unknown[] = [];
    client.subscribe('nope', { onError: (err) => errors.push(err) });
    await vi.waitFor(() => expect(errors).toEqual([{ code: 'channel.unknown', message: expect.any(String) }]), waitOptions);
  });
});
