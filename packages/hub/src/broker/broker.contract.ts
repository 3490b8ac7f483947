// The behaviour every Broker promises, run against each implementation by its own test file.
import { randomBytes } from 'node:crypto';
import type { ClientInfo } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Broker, BrokerHandlers, HistoryOptions, Publication } from '../types.js';

export interface Recording {
  handlers: BrokerHandlers;
  publications: Publication[];
  joins: Array<{ channel: string; info: ClientInfo }>;
  leaves: Array<{ channel: string; info: ClientInfo }>;
}

export function recordingHandlers(): Recording {
  const recording: Recording = {
    publications: [],
    joins: [],
    leaves: [],
    handlers: {
      onPublication: (publication) => recording.publications.push(publication),
      onJoin: (channel, info) => recording.joins.push({ channel, info }),
      onLeave: (channel, info) => recording.leaves.push({ channel, info }),
    },
  };
  return recording;
}

export function uniqueChannel(name = 'ch'): string {
  return `test:${name}:${randomBytes(6).toString('hex')}`;
}

export const clientInfo = (client: string, user = 'user-1'): ClientInfo =>
  ({ client, user, name: `name of ${user}`, transport: 'websocket', agent: 'contract/1' });

const kept: HistoryOptions = { size: 10, ttlMs: 60_000 };
const waitLong = { timeout: 5_000, interval: 10 };

/**
 * `makePeer`, for brokers shared across processes, builds a second instance sharing the first
 * one's state (same Redis and prefix): what one publishes, the other must number and deliver.
 */
export function runBrokerContract(name: string, makeBroker: () => Promise<Broker>, makePeer?: () => Promise<Broker>): void {
  describe(`${name} (Broker contract)`, () => {
    let broker: Broker;
    let received: Recording;
    let channel: string;

    beforeEach(async () => {
      broker = await makeBroker();
      received = recordingHandlers();
      await broker.start(received.handlers);
      channel = uniqueChannel();
      await broker.addInterest(channel);
    });
    afterEach(async () => {
      await broker.close();
    });

    const offsetsOf = (publications: Publication[]) => publications.map((p) => p.offset);

    it('numbers publications 1, 2, 3 per channel on one stable epoch', async () => {
      const other = uniqueChannel('other');
      const a1 = await broker.publish(channel, 'a', kept);
      const b1 = await broker.publish(other, 'b', kept);
      const a2 = await broker.publish(channel, 'a', kept);
      const a3 = await broker.publish(channel, 'a', kept);
      expect([a1.offset, a2.offset, a3.offset]).toEqual([1, 2, 3]);
      expect(new Set([a1.epoch, a2.epoch, a3.epoch]).size).toBe(1);
      expect(b1.offset).toBe(1);
      expect(a1.epoch).toMatch(/^[A-Za-z0-9_-]{12}$/);
    });

    it('hands onPublication the channel, epoch, offset, data and publishedAt', async () => {
      const before = Date.now();
      const position = await broker.publish(channel, { cpu: 0.5 }, kept);
      await vi.waitFor(() => expect(received.publications).toHaveLength(1), waitLong);
      const [publication] = received.publications;
      expect(publication).toMatchObject({ channel, epoch: position.epoch, offset: 1, data: { cpu: 0.5 } });
      expect(publication!.publishedAt).toBeGreaterThanOrEqual(before);
      expect(publication!.publishedAt).toBeLessThanOrEqual(Date.now());
    });

    it('delivers publications in the order they were published, even when not awaited one by one', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => broker.publish(channel, i, kept)));
      await vi.waitFor(() => expect(received.publications).toHaveLength(50), waitLong);
      expect(received.publications.map((p) => p.data)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(offsetsOf(received.publications)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('round-trips nested objects, arrays, unicode strings, numbers, booleans and null', async () => {
      const data = { s: 'héllo 🌍 — 漢字', n: [0, -1, 2.5, 1e12, Number.MAX_SAFE_INTEGER], b: [true, false], z: null, deep: { list: [{ a: 'x' }, []] } };
      await broker.publish(channel, data, kept);
      await vi.waitFor(() => expect(received.publications).toHaveLength(1), waitLong);
      expect(received.publications[0]!.data).toEqual(data);
      const { publications } = await broker.history(channel, { latest: true }, kept);
      expect(publications[0]!.data).toEqual(data);
    });

    it('gives a channel read before its first publication the epoch that publication gets', async () => {
      const { position } = await broker.history(channel, {}, kept);
      expect(position.offset).toBe(0);
      expect(await broker.publish(channel, 'first', kept)).toEqual({ epoch: position.epoch, offset: 1 });
    });

    it('returns exactly the missed publications, in order, and recovered, for a position on the same epoch', async () => {
      const seen = await broker.publish(channel, 1, kept);
      for (const n of [2, 3, 4]) await broker.publish(channel, n, kept);
      const result = await broker.history(channel, { since: seen }, kept);
      expect(result.recovered).toBe(true);
      expect(result.position).toEqual({ epoch: seen.epoch, offset: 4 });
      expect(result.publications.map((p) => [p.offset, p.data])).toEqual([[2, 2], [3, 3], [4, 4]]);
      expect(result.publications.every((p) => p.channel === channel && p.epoch === seen.epoch)).toBe(true);
    });

    it('recovers nothing-missed when the position is the current one', async () => {
      const now = await broker.publish(channel, 1, kept);
      expect(await broker.history(channel, { since: now }, kept)).toEqual({ position: now, publications: [], recovered: true });
    });

    it('does not recover a position older than the kept window', async () => {
      const small = { size: 3, ttlMs: 60_000 };
      const seen = await broker.publish(channel, 1, small);
      for (let n = 2; n <= 10; n += 1) await broker.publish(channel, n, small);
      const result = await broker.history(channel, { since: seen }, small);
      expect(result.recovered).toBe(false);
      expect(result.position.offset).toBe(10);
      const recent = await broker.history(channel, { since: { epoch: seen.epoch, offset: 7 } }, small);
      expect(recent.recovered).toBe(true);
      expect(offsetsOf(recent.publications)).toEqual([8, 9, 10]);
    });

    it('applies a size shrunk since publishing when reading', async () => {
      const start = (await broker.history(channel, {}, kept)).position;
      for (let n = 1; n <= 5; n += 1) await broker.publish(channel, n, kept);
      const shrunk = { size: 2, ttlMs: 60_000 };
      expect((await broker.history(channel, { since: start }, shrunk)).recovered).toBe(false);
      const recent = await broker.history(channel, { since: { epoch: start.epoch, offset: 3 } }, shrunk);
      expect(recent).toMatchObject({ recovered: true, position: { offset: 5 } });
      expect(offsetsOf(recent.publications)).toEqual([4, 5]);
    });

    it('does not recover a position from another epoch, nor one ahead of the stream', async () => {
      const position = await broker.publish(channel, 1, kept);
      const wrongEpoch = await broker.history(channel, { since: { epoch: 'not-this-one', offset: 0 } }, kept);
      expect(wrongEpoch).toMatchObject({ position, publications: [], recovered: false });
      const ahead = await broker.history(channel, { since: { epoch: position.epoch, offset: 5 } }, kept);
      expect(ahead.recovered).toBe(false);
    });

    it('stops recovering once the kept publications are older than ttlMs', async () => {
      const brief = { size: 10, ttlMs: 300 };
      const { position: start } = await broker.history(channel, {}, brief);
      await broker.publish(channel, 1, brief);
      await broker.publish(channel, 2, brief);
      await vi.waitFor(async () => {
        const result = await broker.history(channel, { since: start }, brief);
        expect(result.recovered).toBe(false);
        expect(result.publications).toEqual([]);
      }, waitLong);
      expect((await broker.history(channel, { latest: true }, brief)).publications).toEqual([]);
      expect((await broker.publish(channel, 3, brief)).offset).toBe(3);
    });

    it('returns the newest kept publication for latest, and nothing without since or latest', async () => {
      expect((await broker.history(channel, { latest: true }, kept)).publications).toEqual([]);
      for (const n of [1, 2, 3]) await broker.publish(channel, n, kept);
      const latest = await broker.history(channel, { latest: true }, kept);
      expect(latest.publications.map((p) => [p.offset, p.data])).toEqual([[3, 3]]);
      expect(latest.recovered).toBe(false);
      expect(await broker.history(channel, {}, kept)).toMatchObject({ publications: [], recovered: false });
    });

    it('keeps nothing with size 0 but still advances offsets', async () => {
      const none = { size: 0, ttlMs: 60_000 };
      const first = await broker.publish(channel, 1, none);
      await broker.publish(channel, 2, none);
      const third = await broker.publish(channel, 3, none);
      expect(third).toEqual({ epoch: first.epoch, offset: 3 });
      const result = await broker.history(channel, { since: first }, none);
      expect(result).toEqual({ position: third, publications: [], recovered: false });
      expect((await broker.history(channel, { latest: true }, none)).publications).toEqual([]);
    });

    describe('with a byte bound', () => {
      // ~1 kB each however a broker measures it (1,002 bytes as JSON, 1,003 as MessagePack), so
      // 3,500 bytes keep three of them.
      const kilobyte = (n: number) => `${n}`.padEnd(1_000, '.');
      const threeKb = { size: 100, ttlMs: 60_000, maxBytes: 3_500 };

      it('drops the oldest kept publications once they weigh more than maxBytes', async () => {
        const start = (await broker.history(channel, {}, threeKb)).position;
        for (let n = 1; n <= 6; n += 1) await broker.publish(channel, kilobyte(n), threeKb);
        const fromStart = await broker.history(channel, { since: start }, threeKb);
        expect(fromStart).toMatchObject({ recovered: false, position: { offset: 6 } });
        const beforeKept = await broker.history(channel, { since: { epoch: start.epoch, offset: 2 } }, threeKb);
        expect(beforeKept.recovered).toBe(false);
        const latest = await broker.history(channel, { latest: true }, threeKb);
        expect(latest.publications.map((p) => [p.offset, p.data])).toEqual([[6, kilobyte(6)]]);
      });

      it('still recovers a position inside the kept bytes', async () => {
        const start = (await broker.history(channel, {}, threeKb)).position;
        for (let n = 1; n <= 6; n += 1) await broker.publish(channel, kilobyte(n), threeKb);
        const result = await broker.history(channel, { since: { epoch: start.epoch, offset: 3 } }, threeKb);
        expect(result.recovered).toBe(true);
        expect(result.publications.map((p) => [p.offset, p.data])).toEqual([[4, kilobyte(4)], [5, kilobyte(5)], [6, kilobyte(6)]]);
      });

      it('keeps one publication bigger than maxBytes as the latest, until a newer one replaces it', async () => {
        const tiny = { size: 100, ttlMs: 60_000, maxBytes: 100 };
        const first = await broker.publish(channel, 'small', tiny);
        const big = await broker.publish(channel, kilobyte(2), tiny);
        expect((await broker.history(channel, { latest: true }, tiny)).publications.map((p) => p.data)).toEqual([kilobyte(2)]);
        expect(await broker.history(channel, { since: first }, tiny)).toMatchObject({ recovered: true, publications: [{ offset: 2, data: kilobyte(2) }] });
        expect((await broker.history(channel, { since: { epoch: first.epoch, offset: 0 } }, tiny)).recovered).toBe(false);
        await broker.publish(channel, 'small again', tiny);
        expect((await broker.history(channel, { since: big }, tiny)).publications.map((p) => p.data)).toEqual(['small again']);
        expect((await broker.history(channel, { since: first }, tiny)).recovered).toBe(false);
      });

      it('keeps whichever of size and maxBytes allows fewer, without miscounting the ones size dropped', async () => {
        const both = { size: 3, ttlMs: 60_000, maxBytes: 3_500 };
        const start = (await broker.history(channel, {}, both)).position;
        for (let n = 1; n <= 10; n += 1) await broker.publish(channel, kilobyte(n), both);
        const result = await broker.history(channel, { since: { epoch: start.epoch, offset: 7 } }, both);
        expect(result.recovered).toBe(true);
        expect(offsetsOf(result.publications)).toEqual([8, 9, 10]);
        expect((await broker.history(channel, { since: { epoch: start.epoch, offset: 6 } }, both)).recovered).toBe(false);
      });

      it('applies a maxBytes shrunk since publishing when reading', async () => {
        const roomy = { size: 100, ttlMs: 60_000, maxBytes: 100_000 };
        const start = (await broker.history(channel, {}, roomy)).position;
        for (let n = 1; n <= 5; n += 1) await broker.publish(channel, kilobyte(n), roomy);
        const shrunk = { ...roomy, maxBytes: 2_500 };
        expect((await broker.history(channel, { since: start }, shrunk)).recovered).toBe(false);
        const recent = await broker.history(channel, { since: { epoch: start.epoch, offset: 3 } }, shrunk);
        expect(recent).toMatchObject({ recovered: true, position: { offset: 5 } });
        expect(offsetsOf(recent.publications)).toEqual([4, 5]);
      });

      it('keeps every publication the count allows when there is no byte bound', async () => {
        const start = (await broker.history(channel, {}, kept)).position;
        for (let n = 1; n <= 10; n += 1) await broker.publish(channel, kilobyte(n).repeat(100), kept);
        const result = await broker.history(channel, { since: start }, kept);
        expect(result.recovered).toBe(true);
        expect(offsetsOf(result.publications)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });
    });

    it('hands joins and leaves to onJoin and onLeave', async () => {
      await broker.publishJoin(channel, clientInfo('c1'));
      await broker.publishLeave(channel, clientInfo('c1'));
      await vi.waitFor(() => expect(received.leaves).toHaveLength(1), waitLong);
      expect(received.joins).toEqual([{ channel, info: clientInfo('c1') }]);
      expect(received.leaves).toEqual([{ channel, info: clientInfo('c1') }]);
    });

    if (!makePeer) return;

    describe('with a peer sharing its state', () => {
      let peer: Broker;
      let peerReceived: Recording;

      beforeEach(async () => {
        peer = await makePeer();
        peerReceived = recordingHandlers();
        await peer.start(peerReceived.handlers);
      });
      afterEach(async () => {
        await peer.close();
      });

      it('delivers a publication from one instance to the other once it has interest', async () => {
        await peer.addInterest(channel);
        const position = await broker.publish(channel, { from: 'broker' }, kept);
        await vi.waitFor(() => expect(peerReceived.publications).toHaveLength(1), waitLong);
        expect(peerReceived.publications[0]).toMatchObject({ channel, ...position, data: { from: 'broker' } });
        await peer.publishJoin(channel, clientInfo('c2'));
        await vi.waitFor(() => expect(received.joins).toEqual([{ channel, info: clientInfo('c2') }]), waitLong);
      });

      it('agrees with the other instance on the epoch, the offsets and the history', async () => {
        await peer.addInterest(channel);
        const positions = [];
        for (let n = 1; n <= 6; n += 1) positions.push(await (n % 2 ? broker : peer).publish(channel, n, kept));
        expect(positions.map((p) => p.offset)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(new Set(positions.map((p) => p.epoch)).size).toBe(1);
        await vi.waitFor(() => expect(peerReceived.publications).toHaveLength(6), waitLong);
        await vi.waitFor(() => expect(received.publications).toHaveLength(6), waitLong);
        expect(peerReceived.publications).toEqual(received.publications);
        const fromPeer = await peer.history(channel, { since: positions[1]! }, kept);
        expect(fromPeer.recovered).toBe(true);
        expect(fromPeer.publications.map((p) => p.data)).toEqual([3, 4, 5, 6]);
      });
    });
  });
}
