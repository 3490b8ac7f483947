// Regression: with the Redis broker, history is read on one connection while publications fan out
// on another, so a publication the subscribe already covered could be delivered again after the ack.
import { expect, it } from 'vitest';
import { createRedisBroker } from './broker/broker-redis.js';
import { createRedisPresenceStore } from './presence/presence-redis.js';
import { startHubServer, TestClient } from './test-harness.js';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from './test-support/redis.js';

const { url } = await redisUrlForTests();

it.skipIf(!url)('sends each publication once to a subscriber that arrives while another process publishes', async () => {
  const prefix = testKeyPrefix();
  const namespaces = [{ pattern: 'feed', historySize: 1000 }];
  const make = () => startHubServer({ namespaces, broker: createRedisBroker({ url: url!, prefix }), presence: createRedisPresenceStore({ url: url!, prefix }) });
  const [publisher, receiver] = await Promise.all([make(), make()]);
  let isPublishing = true;
  const pump = (async () => { for (let n = 0; isPublishing; n++) await Promise.all([publisher.hub.publish('feed', n), publisher.hub.publish('feed', -n)]); })();
  const keeper = await TestClient.connect(receiver.wsUrl, 'json'); // receiver keeps its Redis SUBSCRIBE throughout
  await keeper.subscribe('feed', 1, false);
  const stale: number[] = [];
  for (let round = 0; round < 40; round++) {
    const client = await TestClient.connect(receiver.wsUrl, 'json');
    const { ack } = await client.subscribe('feed', 1, false);
    let position = ack.type === 'ack' ? ack.offset! : 0;
    for (let k = 0; k < 20; k++) {
      const pub = await client.next();
      if (pub.type === 'pub' && pub.offset <= position) stale.push(pub.offset);
      if (pub.type === 'pub') position = Math.max(position, pub.offset);
    }
    client.close();
  }
  isPublishing = false;
  await pump;
  keeper.close();
  await Promise.all([publisher.close(), receiver.close()]);
  await deleteKeysWithPrefix(url!, prefix);
  expect(stale).toEqual([]);
}, 60_000);
