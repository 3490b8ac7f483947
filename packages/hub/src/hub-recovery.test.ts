import type { CodecName, ServerFrame } from '@pulse/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBroker } from './broker/broker-memory.js';
import { startHubServer, TestClient, type HubServer } from './test-harness.js';
import type { Broker, Namespace } from './types.js';

const namespaces: Namespace[] = [
  { pattern: 'feed', historySize: 5 },
  { pattern: 'state', historySize: 5, snapshot: () => ({ full: true }) },
  { pattern: 'bare' },
  // ~1 kB publications below: two fit in the byte bound, though the count would keep a hundred
  { pattern: 'diffs', historySize: 100, historyMaxBytes: 2_500, snapshot: () => ({ full: true }) },
];

function ackOf(frame: ServerFrame): { epoch: string; offset: number; recovered?: boolean } {
  if (frame.type !== 'ack' || frame.epoch === undefined || frame.offset === undefined) throw new Error(`expected a subscribe ack, got ${JSON.stringify(frame)}`);
  return { epoch: frame.epoch, offset: frame.offset, recovered: frame.recovered };
}

describe.each<CodecName>(['json', 'msgpack'])('hub history and recovery over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  async function publishAll(channel: string, values: unknown[]): Promise<void> {
    for (const value of values) await server.hub.publish(channel, value);
  }

  it('recovers the publications missed while away, in order, then carries on live', async () => {
    server = await startHubServer({ namespaces });
    const first = await TestClient.connect(server.wsUrl, codec);
    const { epoch } = ackOf((await first.subscribe('feed', 1, false)).ack);
    await publishAll('feed', ['a', 'b', 'c']);
    for (const data of ['a', 'b', 'c']) expect(await first.next()).toMatchObject({ type: 'pub', data });
    first.close();
    await first.closed;

    await publishAll('feed', ['d', 'e']);
    const again = await TestClient.connect(server.wsUrl, codec);
    again.send({ type: 'subscribe', id: 2, channel: 'feed', since: { epoch, offset: 3 } });
    expect(await again.next()).toEqual({ type: 'ack', id: 2, channel: 'feed', epoch, offset: 5, recovered: true });
    expect(await again.next()).toEqual({ type: 'pub', channel: 'feed', data: 'd', epoch, offset: 4 });
    expect(await again.next()).toEqual({ type: 'pub', channel: 'feed', data: 'e', epoch, offset: 5 });
    await server.hub.publish('feed', 'f');
    expect(await again.next()).toEqual({ type: 'pub', channel: 'feed', data: 'f', epoch, offset: 6 });
  });

  it('answers recovered: true with nothing to replay when nothing was missed', async () => {
    server = await startHubServer({ namespaces });
    await publishAll('feed', [1, 2]);
    const client = await TestClient.connect(server.wsUrl, codec);
    const { epoch } = ackOf((await client.subscribe('feed', 1, false)).ack);
    client.close();
    const again = await TestClient.connect(server.wsUrl, codec);
    expect(ackOf(await again.request({ type: 'subscribe', id: 2, channel: 'feed', since: { epoch, offset: 2 } }))).toEqual({ epoch, offset: 2, recovered: true });
    await server.hub.publish('feed', 3);
    expect(await again.next()).toMatchObject({ type: 'pub', data: 3, offset: 3 });
  });

  it('says recovered: false and sends a fresh snapshot when the gap outgrew the history', async () => {
    server = await startHubServer({ namespaces });
    const client = await TestClient.connect(server.wsUrl, codec);
    const { epoch } = ackOf((await client.subscribe('state', 1)).ack);
    client.close();
    await publishAll('state', [1, 2, 3, 4, 5, 6, 7]);
    const again = await TestClient.connect(server.wsUrl, codec);
    again.send({ type: 'subscribe', id: 2, channel: 'state', since: { epoch, offset: 0 } });
    expect(ackOf(await again.next())).toEqual({ epoch, offset: 7, recovered: false });
    expect(await again.next()).toEqual({ type: 'snapshot', channel: 'state', data: { full: true }, epoch, offset: 7 });
  });

  it('says recovered: false and sends the snapshot when the missed publications outweighed the byte bound', async () => {
    server = await startHubServer({ namespaces });
    const client = await TestClient.connect(server.wsUrl, codec);
    const { epoch } = ackOf((await client.subscribe('diffs', 1)).ack);
    client.close();
    const diffs = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(1_000));
    await publishAll('diffs', diffs);

    const behind = await TestClient.connect(server.wsUrl, codec);
    behind.send({ type: 'subscribe', id: 2, channel: 'diffs', since: { epoch, offset: 1 } });
    expect(ackOf(await behind.next())).toEqual({ epoch, offset: 4, recovered: false });
    expect(await behind.next()).toEqual({ type: 'snapshot', channel: 'diffs', data: { full: true }, epoch, offset: 4 });

    const recent = await TestClient.connect(server.wsUrl, codec);
    recent.send({ type: 'subscribe', id: 3, channel: 'diffs', since: { epoch, offset: 2 } });
    expect(ackOf(await recent.next())).toEqual({ epoch, offset: 4, recovered: true });
    expect(await recent.next()).toEqual({ type: 'pub', channel: 'diffs', data: diffs[2], epoch, offset: 3 });
    expect(await recent.next()).toEqual({ type: 'pub', channel: 'diffs', data: diffs[3], epoch, offset: 4 });
  });

  it('says recovered: false when the epoch is not the channel\'s (a restarted stream)', async () => {
    server = await startHubServer({ namespaces });
    await publishAll('state', [1]);
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'subscribe', id: 1, channel: 'state', since: { epoch: 'from-another-life', offset: 1 } });
    const ack = ackOf(await client.next());
    expect(ack).toMatchObject({ offset: 1, recovered: false });
    expect(ack.epoch).not.toBe('from-another-life');
    expect(await client.next()).toMatchObject({ type: 'snapshot', data: { full: true } });
  });

  it('says recovered: false without a snapshot on a channel that keeps no history and has none', async () => {
    server = await startHubServer({ namespaces });
    const client = await TestClient.connect(server.wsUrl, codec);
    const { epoch } = ackOf((await client.subscribe('bare', 1, false)).ack);
    await publishAll('bare', ['gone']);
    expect(await client.next()).toMatchObject({ type: 'pub', data: 'gone' });
    client.close();
    await publishAll('bare', ['missed']);
    const again = await TestClient.connect(server.wsUrl, codec);
    expect(ackOf(await again.request({ type: 'subscribe', id: 2, channel: 'bare', since: { epoch, offset: 0 } }))).toMatchObject({ recovered: false, offset: 2 });
    await server.hub.publish('bare', 'live');
    expect(await again.next()).toMatchObject({ type: 'pub', data: 'live', offset: 3 });
  });

  it('sends the latest kept publication on subscribe when asked', async () => {
    server = await startHubServer({ namespaces });
    await publishAll('feed', ['old', 'newest']);
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'subscribe', id: 1, channel: 'feed', latest: true });
    const ack = ackOf(await client.next());
    expect(ack.offset).toBe(2);
    expect(await client.next()).toEqual({ type: 'pub', channel: 'feed', data: 'newest', epoch: ack.epoch, offset: 2 });
    await server.hub.publish('feed', 'live');
    expect(await client.next()).toMatchObject({ data: 'live', offset: 3 });
  });

  it('never repeats or skips a publication made while the subscribe is reading history', async () => {
    server = await startHubServer({ namespaces });
    const client = await TestClient.connect(server.wsUrl, codec);
    client.send({ type: 'subscribe', id: 1, channel: 'feed' });
    // Published before the subscribe reached the server, during, and after: offsets must be gapless.
    const publishing = (async () => {
      for (let n = 1; n <= 50; n++) await server.hub.publish('feed', n);
    })();
    const ack = ackOf(await client.next());
    await publishing;
    for (let offset = ack.offset + 1; offset <= 50; offset++) expect(await client.next()).toMatchObject({ type: 'pub', offset, data: offset });
  });
});

/** The memory broker, except that it "loses" the fan-out of some offsets, as Redis pub/sub does while its connection is down. */
function lossyBroker(lost: ReadonlySet<number>): Broker {
  const inner = createMemoryBroker();
  return {
    start: (handlers) => inner.start({ ...handlers, onPublication: (p) => (lost.has(p.offset) ? undefined : handlers.onPublication(p)) }),
    publish: (...args) => inner.publish(...args),
    publishJoin: (...args) => inner.publishJoin(...args),
    publishLeave: (...args) => inner.publishLeave(...args),
    addInterest: (channel) => inner.addInterest(channel),
    removeInterest: (channel) => inner.removeInterest(channel),
    history: (...args) => inner.history(...args),
    close: () => inner.close(),
  };
}

describe.each<CodecName>(['json', 'msgpack'])('hub repairing publications the broker dropped, over %s', (codec) => {
  let server: HubServer;
  afterEach(async () => server.close());

  it('fetches the missed ones from history and delivers everything in order', async () => {
    server = await startHubServer({ namespaces, broker: lossyBroker(new Set([3, 4])) });
    const client = await TestClient.connect(server.wsUrl, codec);
    await client.subscribe('feed', 1, false);
    for (let n = 1; n <= 6; n++) await server.hub.publish('feed', n);
    for (let offset = 1; offset <= 6; offset++) expect(await client.next()).toMatchObject({ type: 'pub', offset, data: offset });
  });

  it('passes the gap on when history does not hold the missed ones, and keeps going', async () => {
    server = await startHubServer({ namespaces, broker: lossyBroker(new Set([2])) });
    const client = await TestClient.connect(server.wsUrl, codec);
    await client.subscribe('bare', 1, false);
    for (let n = 1; n <= 3; n++) await server.hub.publish('bare', n);
    expect(await client.next()).toMatchObject({ offset: 1 });
    expect(await client.next()).toMatchObject({ offset: 3 });
    await server.hub.publish('bare', 4);
    expect(await client.next()).toMatchObject({ offset: 4 });
  });
});
