import type { ClientInfo, CodecName } from '@pulse/protocol';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from './client.js';
import { RequestError } from './requests.js';
import { closeAfterEach } from './testing/cleanup.js';
import { startFakeHub, type FakeConnection } from './testing/fake-hub.js';
import type { ClientOptions, PulseClient } from './types.js';

const waitOptions = { timeout: 5_000, interval: 5 };
const ada: ClientInfo = { client: 'conn-0', user: 'u1', name: 'Ada', transport: 'websocket', agent: 'pulse-client' };
const adaOnPhone: ClientInfo = { client: 'conn-3', user: 'u1', name: 'Ada', transport: 'sse' };

describe('requests answered by id', () => {
  const track = closeAfterEach();

  async function open(options: Partial<ClientOptions> = {}): Promise<{ client: PulseClient; conn: FakeConnection }> {
    const hub = track(await startFakeHub());
    const client = track(createClient({ url: hub.url, WebSocket, ...options }));
    const conn = await hub.connection(0);
    await vi.waitFor(() => expect(client.connection).toBeDefined(), waitOptions);
    return { client, conn };
  }

  it.each<CodecName>(['json', 'msgpack'])('publish resolves with the position its ack names (%s)', async (codec) => {
    const { client, conn } = await open({ codec });

    const published = client.publish('chat:lobby', { text: 'hi' });

    const frame = await conn.take('publish');
    expect(frame).toEqual({ type: 'publish', id: expect.any(Number), channel: 'chat:lobby', data: { text: 'hi' } });
    conn.send({ type: 'ack', id: frame.id, channel: 'chat:lobby', epoch: 'e1', offset: 3 });
    await expect(published).resolves.toEqual({ epoch: 'e1', offset: 3 });
  });

  it('publish is rejected with the code of the error frame that answers it', async () => {
    const { client, conn } = await open({ codec: 'msgpack' });

    const published = client.publish('chat:lobby', 'hi');

    const frame = await conn.take('publish');
    conn.send({ type: 'error', id: frame.id, code: 'channel.forbidden', message: 'Publishing needs the chat:write scope.', channel: 'chat:lobby' });
    const error = await published.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'channel.forbidden', message: 'Publishing needs the chat:write scope.' });
  });

  it('publish is rejected with connection.lost when the socket drops before the answer', async () => {
    const { client, conn } = await open({ backoff: { initialMs: 5 } });

    const published = client.publish('chat:lobby', 'hi');
    await conn.take('publish');
    conn.drop();

    await expect(published).rejects.toMatchObject({ code: 'connection.lost' });
  });

  it('refuses requests while no socket is open, and after close', async () => {
    const hub = track(await startFakeHub());
    const client = track(createClient({ url: hub.url, WebSocket }));

    await expect(client.publish('chat:lobby', 'too early')).rejects.toMatchObject({ code: 'connection.not_open' });
    const conn = await hub.connection(0);
    await vi.waitFor(() => expect(client.state).toBe('open'), waitOptions);
    const pending = client.presence('chat:lobby');
    await conn.take('presence');
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'client.closed' });
    await expect(client.presenceStats('chat:lobby')).rejects.toMatchObject({ code: 'client.closed' });
  });

  it.each<CodecName>(['json', 'msgpack'])('presence and presenceStats are paired with their answers by id, not order (%s)', async (codec) => {
    const { client, conn } = await open({ codec });

    const who = client.presence('chat:lobby');
    const stats = client.presenceStats('chat:lobby');

    const [asked, askedStats] = [await conn.take('presence'), await conn.take('presence_stats')];
    expect(asked).toEqual({ type: 'presence', id: expect.any(Number), channel: 'chat:lobby' });
    expect(askedStats.id).not.toBe(asked.id);
    conn.send({ type: 'presence_stats', id: askedStats.id, channel: 'chat:lobby', clients: 2, users: 1 });
    conn.send({ type: 'presence', id: asked.id, channel: 'chat:lobby', clients: [ada, adaOnPhone] });
    await expect(who).resolves.toEqual([ada, adaOnPhone]);
    await expect(stats).resolves.toEqual({ clients: 2, users: 1 });
  });

  it('presence is rejected when the channel has presence turned off', async () => {
    const { client, conn } = await open();

    const who = client.presence('resources');

    const asked = await conn.take('presence');
    conn.send({ type: 'error', id: asked.id, code: 'channel.presence_disabled', message: 'Presence is off for this namespace.', channel: 'resources' });
    await expect(who).rejects.toMatchObject({ code: 'channel.presence_disabled' });
  });

  it('rejects an answer of the wrong kind instead of guessing', async () => {
    const { client, conn } = await open();

    const stats = client.presenceStats('chat:lobby');

    const asked = await conn.take('presence_stats');
    conn.send({ type: 'ack', id: asked.id, channel: 'chat:lobby' });
    await expect(stats).rejects.toMatchObject({ code: 'frame.unexpected' });
  });

  it('gives up on an unanswered request after requestTimeoutMs and ignores a late answer', async () => {
    const timers = new Map<number, { callback: () => void; ms: number }>();
    let nextTimer = 1;
    const warnings: unknown[] = [];
    const { client, conn } = await open({
      requestTimeoutMs: 2_500,
      logger: { warn: (o) => warnings.push(o) },
      setTimeout: (callback, ms) => {
        timers.set(nextTimer, { callback, ms });
        return nextTimer++;
      },
      clearTimeout: (handle) => timers.delete(handle as number),
    });

    const published = client.publish('chat:lobby', 'hi');
    const frame = await conn.take('publish');
    const [id, timer] = [...timers].find(([, t]) => t.ms === 2_500) ?? [];
    if (id === undefined || !timer) throw new Error('no request timer armed');
    timers.delete(id);
    timer.callback();

    await expect(published).rejects.toMatchObject({ code: 'request.timeout' });
    conn.send({ type: 'ack', id: frame.id, channel: 'chat:lobby', epoch: 'e1', offset: 1 });
    conn.send({ type: 'error', id: frame.id, code: 'limit.rate', message: 'Slow down.' });
    await vi.waitFor(() => expect(warnings).toEqual([expect.objectContaining({ code: 'limit.rate' })]), waitOptions);
  });

  it('defaults to a 10 s request timeout', async () => {
    const delays: number[] = [];
    const { client, conn } = await open({
      setTimeout: (callback, ms) => {
        delays.push(ms);
        return setTimeout(callback, 60_000);
      },
    });

    const published = client.presence('chat:lobby');
    const asked = await conn.take('presence');
    expect(delays).toContain(10_000);
    conn.send({ type: 'presence', id: asked.id, channel: 'chat:lobby', clients: [] });
    await expect(published).resolves.toEqual([]);
  });
});
