import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from '../test-support/redis.js';
import { RedisBroker } from './broker-redis.js';
import { recordingHandlers, runBrokerContract, uniqueChannel, type Recording } from './broker.contract.js';

const { url } = await redisUrlForTests();
const prefix = testKeyPrefix();
const kept = { size: 10, ttlMs: 60_000 };
const waitLong = { timeout: 5_000, interval: 10 };

describe.skipIf(!url)('RedisBroker', () => {
  const make = async () => new RedisBroker({ url: url!, prefix });
  runBrokerContract('RedisBroker', make, make);

  afterAll(async () => {
    await deleteKeysWithPrefix(url!, prefix);
  });

  describe('as two processes sharing one Redis', () => {
    let a: RedisBroker;
    let b: RedisBroker;
    let atB: Recording;

    beforeEach(async () => {
      a = await make();
      b = await make();
      atB = recordingHandlers();
      await a.start(recordingHandlers().handlers);
      await b.start(atB.handlers);
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    // Redis delivers one publisher's messages to one subscriber in order, so once a later marker
    // publication has arrived, an earlier one that was going to arrive would have.
    async function publishThenMarker(channel: string): Promise<void> {
      const marker = uniqueChannel('marker');
      await b.addInterest(marker);
      await a.publish(channel, 'unwanted', kept);
      await a.publish(marker, 'marker', kept);
      await vi.waitFor(() => expect(atB.publications.map((p) => p.channel)).toContain(marker), waitLong);
    }

    it('does not deliver a channel this process has no interest in', async () => {
      const channel = uniqueChannel();
      await publishThenMarker(channel);
      expect(atB.publications.filter((p) => p.channel === channel)).toEqual([]);
    });

    it('stops delivering after removeInterest, but only when the last interest is removed', async () => {
      const channel = uniqueChannel();
      await Promise.all([b.addInterest(channel), b.addInterest(channel)]);
      await b.removeInterest(channel);
      await a.publish(channel, 'still wanted', kept);
      await vi.waitFor(() => expect(atB.publications.map((p) => p.data)).toEqual(['still wanted']), waitLong);
      await b.removeInterest(channel);
      await publishThenMarker(channel);
      expect(atB.publications.filter((p) => p.channel === channel).map((p) => p.data)).toEqual(['still wanted']);
    });

    it('numbers concurrent publications from both processes without gaps or duplicates', async () => {
      const channel = uniqueChannel();
      const positions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).publish(channel, i, kept)),
      );
      expect(positions.map((p) => p.offset).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(new Set(positions.map((p) => p.epoch)).size).toBe(1);
    });

    it('delivers publications in the order Redis numbered them', async () => {
      const channel = uniqueChannel();
      await b.addInterest(channel);
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).publish(channel, i, kept)));
      await vi.waitFor(() => expect(atB.publications).toHaveLength(100), waitLong);
      expect(atB.publications.map((p) => p.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it('starts a new epoch, with offsets from 1, once the channel state expired', async () => {
      const short = new RedisBroker({ url: url!, prefix, metaTtlMs: 200 });
      await short.start(recordingHandlers().handlers);
      const channel = uniqueChannel();
      const first = await short.publish(channel, 1, kept);
      // watched through the key itself: reading history would refresh the expiry being waited for
      const raw = new Redis(url!);
      await vi.waitFor(async () => expect(await raw.exists(`${prefix}meta:{${channel}}`)).toBe(0), waitLong);
      await raw.quit();
      const next = await short.publish(channel, 2, kept);
      expect(next.offset).toBe(1);
      expect(next.epoch).not.toBe(first.epoch);
      await short.close();
    });
  });

  it('counts a byte bound from zero again once the kept stream expired', async () => {
    const broker = await make();
    await broker.start(recordingHandlers().handlers);
    const channel = uniqueChannel();
    const brief = { size: 100, ttlMs: 200, maxBytes: 3_500 };
    const kilobyte = 'x'.repeat(1_000);
    for (let n = 0; n < 3; n += 1) await broker.publish(channel, kilobyte, brief);
    const raw = new Redis(url!);
    await vi.waitFor(async () => expect(await raw.exists(`${prefix}stream:{${channel}}`)).toBe(0), waitLong);
    await raw.quit();
    // had the 3 kB of the expired entries still counted, these would push each other out
    const since = await broker.publish(channel, kilobyte, brief);
    await broker.publish(channel, kilobyte, brief);
    await broker.publish(channel, kilobyte, brief);
    const result = await broker.history(channel, { since: { epoch: since.epoch, offset: since.offset - 1 } }, brief);
    expect(result.recovered).toBe(true);
    expect(result.publications.map((p) => p.offset)).toEqual([4, 5, 6]);
    await broker.close();
  });

  describe('while its subscriber connection is still in its handshake', () => {
    // ioredis lets SUBSCRIBE out during the handshake; the handshake's INFO then failed in subscriber
    // mode and ioredis reconnected without re-subscribing, so the channel stayed silent.
    let starting: RedisBroker;
    let peer: RedisBroker;
    afterEach(async () => {
      await Promise.all([starting.close(), peer.close()]);
    });

    /** A broker that runs `changes` the moment its subscriber connection is up but not yet ready. */
    async function startDuringHandshake(changes: (broker: RedisBroker) => Promise<unknown>): Promise<Recording> {
      const duplicate = vi.spyOn(Redis.prototype, 'duplicate');
      starting = new RedisBroker({ url: url!, prefix });
      const subscriber = duplicate.mock.results[0]!.value as Redis;
      duplicate.mockRestore();
      const changed = new Promise((resolve, reject) => subscriber.once('connect', () => {
        expect(subscriber.status).toBe('connect');
        changes(starting).then(resolve, reject);
      }));
      const recording = recordingHandlers();
      peer = await make();
      await Promise.all([starting.start(recording.handlers), peer.start(recordingHandlers().handlers), changed]);
      return recording;
    }

    it('delivers a channel whose interest was added then', async () => {
      const channel = uniqueChannel();
      const atStarting = await startDuringHandshake((broker) => broker.addInterest(channel));
      await peer.publish(channel, 'hello', kept);
      await vi.waitFor(() => expect(atStarting.publications.map((p) => p.data)).toEqual(['hello']), waitLong);
    });

    it('keeps the order of interest added, removed and added again then', async () => {
      const [dropped, wanted] = [uniqueChannel('dropped'), uniqueChannel('wanted')];
      const atStarting = await startDuringHandshake((broker) => Promise.all([
        broker.addInterest(dropped), broker.removeInterest(dropped),
        broker.addInterest(wanted), broker.removeInterest(wanted), broker.addInterest(wanted),
      ]));
      await peer.publish(wanted, 'wanted', kept);
      await vi.waitFor(() => expect(atStarting.publications.map((p) => p.data)).toEqual(['wanted']), waitLong);
      const raw = new Redis(url!);
      const counts = await raw.pubsub('NUMSUB', `${prefix}channel:${dropped}`, `${prefix}channel:${wanted}`);
      await raw.quit();
      expect(counts).toEqual([`${prefix}channel:${dropped}`, 0, `${prefix}channel:${wanted}`, 1]);
    });
  });

  it('rejects with an error that names the operation once closed', async () => {
    const broker = await make();
    await broker.start(recordingHandlers().handlers);
    await broker.close();
    await expect(broker.publish('ch', 1, kept)).rejects.toThrow(/Redis broker publish on 'ch' failed/);
  });
});
