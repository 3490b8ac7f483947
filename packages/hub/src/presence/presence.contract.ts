// The behaviour every PresenceStore promises, run against each implementation by its own test file.
import { randomBytes } from 'node:crypto';
import type { ClientInfo } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PresenceStore } from '../types.js';

export const clientInfo = (client: string, user: string, transport: ClientInfo['transport'] = 'websocket'): ClientInfo =>
  ({ client, user, name: `näme of ${user} ✓`, transport, agent: 'contract/1' });

export const uniqueChannel = (): string => `test:presence:${randomBytes(6).toString('hex')}`;

export const byClient = (clients: ClientInfo[]): ClientInfo[] => [...clients].sort((a, b) => a.client.localeCompare(b.client));

/**
 * `makePeer`, for stores shared across processes, builds a second instance sharing the first one's
 * state: each must see the union of what both added.
 */
export function runPresenceContract(name: string, makeStore: () => Promise<PresenceStore>, makePeer?: () => Promise<PresenceStore>): void {
  describe(`${name} (PresenceStore contract)`, () => {
    let store: PresenceStore;
    let channel: string;

    beforeEach(async () => {
      store = await makeStore();
      channel = uniqueChannel();
    });
    afterEach(async () => {
      await store.close();
    });

    it('lists nobody, with zero stats, on a channel nobody joined', async () => {
      expect(await store.list(channel)).toEqual([]);
      expect(await store.stats(channel)).toEqual({ clients: 0, users: 0 });
    });

    it('lists what was added, and counts clients and distinct users', async () => {
      const added = [clientInfo('c1', 'alice'), clientInfo('c2', 'alice', 'sse'), clientInfo('c3', 'bob')];
      for (const info of added) await store.add(channel, info);
      expect(byClient(await store.list(channel))).toEqual(added);
      expect(await store.stats(channel)).toEqual({ clients: 3, users: 2 });
    });

    it('replaces an entry added again for the same client', async () => {
      await store.add(channel, clientInfo('c1', 'alice'));
      await store.add(channel, { ...clientInfo('c1', 'alice'), agent: 'web/2' });
      expect(await store.list(channel)).toEqual([{ ...clientInfo('c1', 'alice'), agent: 'web/2' }]);
    });

    it('removes one client and leaves the rest; removing an unknown one is harmless', async () => {
      await store.add(channel, clientInfo('c1', 'alice'));
      await store.add(channel, clientInfo('c2', 'bob'));
      await store.remove(channel, 'c1');
      await store.remove(channel, 'nobody');
      await store.remove(uniqueChannel(), 'c2');
      expect(await store.list(channel)).toEqual([clientInfo('c2', 'bob')]);
      expect(await store.stats(channel)).toEqual({ clients: 1, users: 1 });
    });

    it('keeps channels apart', async () => {
      const other = uniqueChannel();
      await store.add(channel, clientInfo('c1', 'alice'));
      await store.add(other, clientInfo('c2', 'bob'));
      expect(await store.list(channel)).toEqual([clientInfo('c1', 'alice')]);
      expect(await store.list(other)).toEqual([clientInfo('c2', 'bob')]);
    });

    if (!makePeer) return;

    describe('with a peer sharing its state', () => {
      let peer: PresenceStore;

      beforeEach(async () => {
        peer = await makePeer();
      });
      afterEach(async () => {
        await peer.close();
      });

      it('sees the union of what both added, and removals made by either', async () => {
        await store.add(channel, clientInfo('c1', 'alice'));
        await peer.add(channel, clientInfo('c2', 'alice'));
        await peer.add(channel, clientInfo('c3', 'bob'));
        for (const s of [store, peer]) {
          expect(byClient(await s.list(channel)).map((c) => c.client)).toEqual(['c1', 'c2', 'c3']);
          expect(await s.stats(channel)).toEqual({ clients: 3, users: 2 });
        }
        await peer.remove(channel, 'c1');
        expect(byClient(await store.list(channel)).map((c) => c.client)).toEqual(['c2', 'c3']);
      });
    });
  });
}
