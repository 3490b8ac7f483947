import { CloseCodes, PROTOCOL_VERSIONS, type CodecName } from '@pulse/protocol';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from './client.js';
import { closeAfterEach } from './testing/cleanup.js';
import { startFakeHub } from './testing/fake-hub.js';
import type { ConnectionState, StateInfo } from './types.js';

const waitOptions = { timeout: 5_000, interval: 5 };

function recordStates(): { states: [ConnectionState, StateInfo | undefined][]; onStateChange: (s: ConnectionState, i?: StateInfo) => void } {
  const states: [ConnectionState, StateInfo | undefined][] = [];
  return { states, onStateChange: (state, info) => states.push([state, info]) };
}

function recordWarnings(): { warnings: [object, string | undefined][]; logger: { warn(o: object, m?: string): void } } {
  const warnings: [object, string | undefined][] = [];
  return { warnings, logger: { warn: (o, m) => warnings.push([o, m]) } };
}

describe('pulse client connection', () => {
  const track = closeAfterEach();

  it.each<CodecName>(['json', 'msgpack'])('says hello, then delivers the snapshot and publications over %s', async (codec) => {
    const hub = track(await startFakeHub());
    const client = track(createClient({ url: hub.url, codec, WebSocket }));
    const received: unknown[] = [];
    client.subscribe('resources', {
      onSnapshot: (data) => received.push(['snapshot', data]),
      onPublication: (data, frame) => received.push(['pub', data, frame.offset]),
    });
    const conn = await hub.connection(0);
    expect(await conn.take('hello')).toEqual({ type: 'hello', version: PROTOCOL_VERSIONS[0], client: 'pulse-client' });
    const subscribe = await conn.take('subscribe');
    expect(subscribe).toEqual({ type: 'subscribe', id: expect.any(Number), channel: 'resources' });
    conn.send({ type: 'ack', id: subscribe.id, channel: 'resources', epoch: 'e1', offset: 0 });
    conn.send({ type: 'snapshot', channel: 'resources', data: { generation: 1 }, epoch: 'e1', offset: 0 });
    conn.send({ type: 'pub', channel: 'resources', data: { n: 1 }, epoch: 'e1', offset: 1 });

    await vi.waitFor(() => expect(received).toEqual([['snapshot', { generation: 1 }], ['pub', { n: 1 }, 1]]), waitOptions);
    expect(client.state).toBe('open');
    expect(client.connection).toEqual({ id: 'conn-0', version: PROTOCOL_VERSIONS[0], serverVersions: [...PROTOCOL_VERSIONS] });
  });

  it('reconnects after the server drops the connection and subscribes again', async () => {
    const hub = track(await startFakeHub());
    const { states, onStateChange } = recordStates();
    const client = track(createClient({ url: hub.url, WebSocket, backoff: { initialMs: 5 }, onStateChange }));
    client.subscribe('alerts', {});
    const first = await hub.connection(0);
    await first.take('subscribe');

    first.drop();

    const second = await hub.connection(1);
    expect(await second.take('subscribe')).toMatchObject({ channel: 'alerts' });
    await vi.waitFor(() => expect(client.connection?.id).toBe('conn-1'), waitOptions);
    expect(states.map(([state]) => state)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(states[2]?.[1]).toMatchObject({ code: 1006, attempt: 1 });
  });

  it('backs off exponentially with jitter while the server is unreachable', async () => {
    const gone = await startFakeHub();
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

  it.each([CloseCodes.unauthorized, CloseCodes.unsupportedVersion, CloseCodes.tooLarge])('stops for good on close code %i and reports it', async (code) => {
    const hub = track(await startFakeHub());
    const { states, onStateChange } = recordStates();
    const setTimeoutSpy = vi.fn((callback: () => void, ms: number) => setTimeout(callback, ms));
    const client = track(createClient({ url: hub.url, WebSocket, onStateChange, setTimeout: setTimeoutSpy }));
    const conn = await hub.connection(0);
    await conn.take('hello');

    conn.close(code, 'go away');

    await vi.waitFor(() => expect(client.state).toBe('closed'), waitOptions);
    expect(states.at(-1)).toEqual(['closed', { code, reason: 'go away' }]);
    // Only the heartbeat timer armed on open; no reconnect was ever scheduled.
    expect(setTimeoutSpy.mock.calls.map(([, ms]) => ms)).toEqual([20_000]);
    expect(hub.connections).toHaveLength(1);
  });

  it.each([CloseCodes.slowConsumer, CloseCodes.rateLimited, CloseCodes.tryAgainLater, CloseCodes.goingAway])(
    'reconnects with backoff after close code %i',
    async (code) => {
      const hub = track(await startFakeHub());
      const { states, onStateChange } = recordStates();
      track(createClient({ url: hub.url, WebSocket, backoff: { initialMs: 5 }, onStateChange }));
      const first = await hub.connection(0);
      await first.take('hello');

      first.close(code, 'come back later');

      const second = await hub.connection(1);
      await second.take('hello');
      expect(states[2]).toEqual(['reconnecting', { code, reason: 'come back later', attempt: 1 }]);
    },
  );

  it('ends in closed when the server speaks no protocol version in common', async () => {
    const hub = track(await startFakeHub({ versions: [99] }));
    const { states, onStateChange } = recordStates();
    const { warnings, logger } = recordWarnings();
    const client = track(createClient({ url: hub.url, WebSocket, onStateChange, logger }));

    await vi.waitFor(() => expect(client.state).toBe('closed'), waitOptions);
    expect(states.at(-1)).toEqual(['closed', { code: CloseCodes.unsupportedVersion, reason: 'unsupported protocol version' }]);
    expect(warnings).toEqual([[expect.objectContaining({ code: 'protocol.unsupported_version' }), 'pulse server reported an error']]);
    expect(hub.connections).toHaveLength(1);
  });

  it('closes with 4502 itself when the welcome names a version it never offered', async () => {
    const hub = track(await startFakeHub({ silent: true }));
    const { states, onStateChange } = recordStates();
    const { logger } = recordWarnings();
    const client = track(createClient({ url: hub.url, WebSocket, onStateChange, logger }));
    const conn = await hub.connection(0);
    await conn.take('hello');

    conn.send({ type: 'welcome', version: 99, versions: [99], connectionId: 'c', pingIntervalMs: 25_000 });

    await conn.closed;
    expect(client.state).toBe('closed');
    expect(states.at(-1)).toEqual(['closed', { code: CloseCodes.unsupportedVersion, reason: expect.stringContaining('version 99') }]);
  });

  it('fetches a token before every connection and adds it to the URL beside the existing query', async () => {
    const hub = track(await startFakeHub());
    let issued = 0;
    track(createClient({ url: `${hub.url}?codec=json`, WebSocket, backoff: { initialMs: 5 }, getToken: async () => `t/${++issued}&x` }));
    const first = await hub.connection(0);
    await first.take('hello');
    first.drop();
    const second = await hub.connection(1);
    await second.take('hello');
    second.close(CloseCodes.slowConsumer);
    const third = await hub.connection(2);

    expect([first.url, second.url, third.url]).toEqual([1, 2, 3].map((n) => `/api/ws?codec=json&token=t%2F${n}%26x`));
  });

  it('counts a failed token fetch as a failed attempt: logs it, backs off and tries again', async () => {
    const hub = track(await startFakeHub());
    const { states, onStateChange } = recordStates();
    const { warnings, logger } = recordWarnings();
    let calls = 0;
    const getToken = (): Promise<string> => (++calls === 1 ? Promise.reject(new Error('auth service down')) : Promise.resolve('fresh'));
    const client = track(createClient({ url: hub.url, WebSocket, backoff: { initialMs: 5 }, getToken, onStateChange, logger }));

    const conn = await hub.connection(0);
    expect(conn.url).toBe('/api/ws?token=fresh');
    await vi.waitFor(() => expect(client.state).toBe('open'), waitOptions);
    expect(states).toEqual([
      ['connecting', undefined],
      ['reconnecting', { reason: 'no connection token: auth service down', attempt: 1 }],
      ['open', undefined],
    ]);
    expect(warnings).toEqual([[{ err: expect.any(Error) }, 'could not get a Pulse connection token; will retry']]);
  });

  it('opens no socket when closed while waiting for a token', async () => {
    const hub = track(await startFakeHub());
    let giveToken: (token: string) => void = () => {};
    let sockets = 0;
    const CountingWebSocket = class extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets += 1;
      }
    };
    const client = createClient({ url: hub.url, WebSocket: CountingWebSocket, getToken: () => new Promise((resolve) => (giveToken = resolve)) });

    client.close();
    giveToken('late');
    // The token callback runs in a microtask; one macrotask later it has certainly run.
    await new Promise((resolve) => setImmediate(resolve));

    expect(sockets).toBe(0);
    expect(client.state).toBe('closed');
  });

  it('declares the link dead after two unanswered pings and reconnects', async () => {
    const timers = new Map<number, { callback: () => void; ms: number }>();
    let nextTimer = 1;
    // A server that accepts but never answers: the link looks open and is useless.
    const hub = track(await startFakeHub({ silent: true }));
    const { states, onStateChange } = recordStates();
    track(createClient({
      url: hub.url,
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
    const conn = await hub.connection(0);
    const sent = (): string[] => conn.frames.map((frame) => frame.type);

    await vi.waitFor(() => expect(sent()).toEqual(['hello']), waitOptions);
    fire(20_000);
    fire(20_000);
    await vi.waitFor(() => expect(sent()).toEqual(['hello', 'ping', 'ping']), waitOptions);
    fire(20_000);
    expect(states.at(-1)).toEqual(['reconnecting', { reason: 'no pong from server', attempt: 1 }]);
    fire(500);
    expect(await (await hub.connection(1)).take('hello')).toMatchObject({ type: 'hello' });
  });
});
