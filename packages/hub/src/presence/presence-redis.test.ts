import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from '../test-support/redis.js';
import { RedisPresenceStore } from './presence-redis.js';
import { clientInfo, runPresenceContract, uniqueChannel } from './presence.contract.js';

const { url } = await redisUrlForTests();
const prefix = testKeyPrefix();
const waitLong = { timeout: 5_000, interval: 20 };

describe.skipIf(!url)('RedisPresenceStore', () => {
  const make = async (ttlMs?: number) => new RedisPresenceStore({ url: url!, prefix, ttlMs });
  runPresenceContract('RedisPresenceStore', () => make(), () => make());

  afterAll(async () => {
    await deleteKeysWithPrefix(url!, prefix);
  });

  it('drops the entries of a process that stopped refreshing once ttlMs passes, and keeps the others', async () => {
    const channel = uniqueChannel();
    const crashed = await make(300);
    const alive = await make(300);
    await crashed.add(channel, clientInfo('gone', 'alice'));
    await alive.add(channel, clientInfo('here', 'bob'));
    expect(await alive.stats(channel)).toEqual({ clients: 2, users: 2 });
    await crashed.close(); // stops refreshing without removing, as a crash would
    await vi.waitFor(async () => expect(await alive.list(channel)).toEqual([clientInfo('here', 'bob')]), waitLong);
    await alive.close();
  });

  it('keeps the entries of a process with a longer ttlMs when one with a shorter ttlMs crashes', async () => {
    const channel = uniqueChannel();
    const crashed = await make(200);
    const alive = await make(60_000);
    await alive.add(channel, clientInfo('here', 'bob'));
    await crashed.add(channel, clientInfo('gone', 'alice'));
    const until = Date.now() + 400;
    await crashed.close(); // stops refreshing without removing, as a crash would
    // looked at well past the crashed process's ttlMs, long before alive's next refresh (every 20 s)
    await vi.waitFor(async () => {
      expect(await alive.list(channel)).toEqual([clientInfo('here', 'bob')]);
      expect(Date.now()).toBeGreaterThan(until);
    }, waitLong);
    await alive.close();
  });

  it('keeps a refreshed entry alive well past ttlMs', async () => {
    const channel = uniqueChannel();
    const store = await make(150);
    const observer = await make();
    await store.add(channel, clientInfo('c1', 'alice'));
    const until = Date.now() + 600;
    // several refresh periods must pass; the entry must be listed on every look meanwhile
    await vi.waitFor(async () => {
      expect(await observer.list(channel)).toEqual([clientInfo('c1', 'alice')]);
      expect(Date.now()).toBeGreaterThan(until);
    }, waitLong);
    await Promise.all([store.close(), observer.close()]);
  });

  it('judges expiry by the injected clock', async () => {
    let now = 1_000_000;
    const channel = uniqueChannel();
    const store = new RedisPresenceStore({ url: url!, prefix, ttlMs: 60_000, now: () => now });
    await store.add(channel, clientInfo('c1', 'alice'));
    now += 59_999;
    expect(await store.stats(channel)).toEqual({ clients: 1, users: 1 });
    now += 1;
    expect(await store.stats(channel)).toEqual({ clients: 0, users: 0 });
    await store.close();
  });
});
