// A real lost message: the hub's Redis subscriber connection is killed, publications made while it
// reconnects never reach it, and the next one must bring them back from history, in order.
import { Redis } from 'ioredis';
import { afterAll, expect, it, vi } from 'vitest';
import { createRedisBroker } from './broker/broker-redis.js';
import { createRedisPresenceStore } from './presence/presence-redis.js';
import { startHubServer, TestClient } from './test-harness.js';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from './test-support/redis.js';
import type { HubLogger } from './types.js';

const { url } = await redisUrlForTests();
const prefix = testKeyPrefix();
afterAll(async () => {
  if (url) await deleteKeysWithPrefix(url, prefix);
});

it.skipIf(!url)('refills publications lost while the Redis subscriber connection was down', async () => {
  const repairs: object[] = [];
  const logger: HubLogger = { debug() {}, warn() {}, info: (o, m) => { if (m?.includes('missed')) repairs.push(o); } };
  const namespaces = [{ pattern: 'feed', historySize: 100 }];
  const server = await startHubServer({ namespaces, logger, broker: createRedisBroker({ url: url!, prefix, logger }), presence: createRedisPresenceStore({ url: url!, prefix }) });
  const publisher = createRedisBroker({ url: url!, prefix: prefix });
  await publisher.start({ onPublication() {}, onJoin() {}, onLeave() {} });
  const admin = new Redis(url!);
  try {
    const client = await TestClient.connect(server.wsUrl, 'msgpack');
    await client.subscribe('feed', 1, false);
    const history = { size: 100, ttlMs: 60_000 };
    await publisher.publish('feed', 1, history);
    expect(await client.next()).toMatchObject({ type: 'pub', offset: 1 });

    const list = (await admin.client('LIST')) as string;
    const id = list.split('\n').find((line) => line.includes(`name=${prefix}subscriber`))?.match(/id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);
    // ioredis waits at least 50 ms before reconnecting: these land while nobody on the hub listens.
    for (let n = 2; n <= 6; n++) await publisher.publish('feed', n, history);
    const channelName = `${prefix}channel:feed`;
    await vi.waitFor(async () => expect(((await admin.pubsub('NUMSUB', channelName)) as [string, number])[1]).toBe(1), { timeout: 5000 });
    await publisher.publish('feed', 7, history);

    for (let offset = 2; offset <= 7; offset++) expect(await client.next()).toMatchObject({ type: 'pub', offset, data: offset });
    expect(repairs).toHaveLength(1);
  } finally {
    admin.disconnect();
    await publisher.close();
    await server.close();
  }
});
