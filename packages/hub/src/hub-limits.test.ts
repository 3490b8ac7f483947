import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CloseCodes, type CodecName } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';

/** `ws` keeps its net.Socket private; pausing it is the honest way to make a client stop reading. */
function socketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

describe.each<CodecName>(['json', 'msgpack'])('hub limits over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('drops a slow consumer with 4008 once its queue passes the bound, and keeps serving the others', async () => {
    server = await startHubServer({ maxQueueBytes: 64 * 1024 });
    const slow = await TestClient.connect(server.wsUrl, codec);
    const healthy = await TestClient.connect(server.wsUrl, codec);
    await slow.subscribe('resources');
    await healthy.subscribe('resources');
    socketOf(slow).pause();

    const payload = 'x'.repeat(16 * 1024);
    let published = 0;
    // Kernel socket buffers absorb a few MB before ws starts queueing, so publish until the hub
    // reacts rather than guessing a count; the cap only stops a broken hub from looping forever.
    while (server.hub.stats().subscriptions === 2 && published < 20_000) {
      server.hub.publish('resources', payload);
      published += 1;
      await healthy.next();
      if (published % 16 === 0) await nextTurn();
    }
    expect(server.hub.stats().subscriptions).toBe(1);

    socketOf(slow).resume();
    const closed = await slow.closed;
    expect(closed).toEqual({ code: CloseCodes.slowConsumer, reason: 'slow consumer' });
    await vi.waitFor(() => expect(server.hub.stats().disconnects).toEqual({ slow_consumer: 1 }));

    server.hub.publish('resources', 'after the drop');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'after the drop' });
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

    server.hub.publish('resources', 'still alive');
    expect(await healthy.next()).toMatchObject({ type: 'pub', data: 'still alive' });
    expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 });
  });
});
