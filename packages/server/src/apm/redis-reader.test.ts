import { randomBytes } from 'node:crypto';
import { APM_REDIS_KEYS } from '@pulse/protocol';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrlForTests } from '../../test-support/services.js';
import { createRegistry } from '../resources/index.js';
import { createApmService } from './apm-service.js';
import { createApmRedisReader } from './redis-reader.js';
import { exception, heartbeat, routeCounts, slow } from './testing/fixtures.js';

/*
 * The reader against a real Redis, fed the way @pulse/node's Redis transport writes
 * (packages/sdk-node/src/transport-redis.ts): SET server key with EX, XADD with MAXLEN ~ and field
 * `d`, ZADD scored by time, SADD apps. Each run uses its own key prefix.
 */

const redis = await redisUrlForTests();
if (redis.reason) console.warn(`skipping the APM Redis reader tests: ${redis.reason}`);

describe.skipIf(!redis.url)('APM Redis reader', () => {
  const p = `pulse:test:${randomBytes(6).toString('hex')}:`;
  const T = Date.now();
  let writer: Redis;
  const logger = pino({ level: 'silent' });

  beforeAll(() => {
    writer = new Redis(redis.url!);
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await writer.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 500);
      if (keys.length) await writer.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await writer.quit();
  });

  function setup() {
    const apm = createApmService({ now: () => T, logger, limits: () => ({ maxRoutesPerApp: 200, maxFingerprintsPerApp: 100 }) });
    const registry = createRegistry();
    apm.source.start((o) => registry.apply(o));
    const reader = createApmRedisReader({ redis: new Redis(redis.url!), prefix: p, sink: apm, logger });
    return { apm, registry, reader };
  }

  /** What the SDK's transport does for one batch. */
  async function sdkWrites(app: string, items: { beat?: ReturnType<typeof heartbeat>; slow?: unknown[]; routes?: unknown[]; exceptions?: Array<{ at: number }> }) {
    const pipe = writer.pipeline();
    if (items.beat) pipe.set(APM_REDIS_KEYS.server(p, app, items.beat.instanceId), JSON.stringify(items.beat), 'EX', items.beat.ttlS);
    for (const s of items.slow ?? []) pipe.xadd(APM_REDIS_KEYS.slow(p, app), 'MAXLEN', '~', '1000', '*', 'd', JSON.stringify(s));
    for (const r of items.routes ?? []) pipe.xadd(APM_REDIS_KEYS.routes(p, app), 'MAXLEN', '~', '1000', '*', 'd', JSON.stringify(r));
    for (const e of items.exceptions ?? []) pipe.zadd(APM_REDIS_KEYS.errors(p, app), e.at, JSON.stringify(e));
    pipe.sadd(APM_REDIS_KEYS.apps(p), app);
    await pipe.exec();
  }

  it('aggregates what the SDK wrote, then only what is new on the next poll', async () => {
    await sdkWrites('shop', {
      beat: heartbeat(T - 1000), slow: [slow(T - 2000), slow(T - 1500, '/cart')],
      routes: [routeCounts(T - 1000, [{ route: '/users/:id', count: 40 }, { route: '/cart', count: 10 }])],
      exceptions: [exception(T - 3000), exception(T - 2500, 'fp-other')],
    });
    const { apm, registry, reader } = setup();
    try {
      await reader.poll();
      const view = apm.view('shop', '1h')!;
      expect(view.buckets.reduce((n, b) => n + b.requests, 0)).toBe(50);
      expect(view.slowRoutes.map((r) => [r.route, r.count]).sort()).toEqual([['/cart', 1], ['/users/:id', 1]]);
      expect(view.exceptions.map((e) => e.fingerprint).sort()).toEqual(['fp-db-timeout', 'fp-other']);
      expect(registry.get('app:shop/web-1:4242:1700000000000')).toMatchObject({ status: 'online', type: 'app' });
      expect(view.instanceCounts).toEqual({ online: 1, lost: 0 });

      // Read again: nothing counted twice. Then new items only.
      await reader.poll();
      await sdkWrites('shop', { slow: [slow(T - 500)], exceptions: [exception(T - 2500, 'fp-same-score-new-member', 'other message')] });
      await reader.poll();
      const after = apm.view('shop', '1h')!;
      expect(after.buckets.reduce((n, b) => [n[0]! + b.requests, n[1]! + b.slow, n[2]! + b.exceptions], [0, 0, 0])).toEqual([50, 3, 3]);
      expect(after.dropped.rejected).toBe(0);
      expect(reader.stats()).toMatchObject({ polls: 3, skipped: 0 });
    } finally {
      await reader.stop();
    }
  });

  it('skips and counts garbage per key, and reads the app next to it as usual', async () => {
    await writer.set(APM_REDIS_KEYS.slow(p, 'broken'), 'a string where a stream should be');
    await writer.xadd(APM_REDIS_KEYS.routes(p, 'broken'), '*', 'd', '{not json');
    await writer.xadd(APM_REDIS_KEYS.routes(p, 'broken'), '*', 'x', 'no d field');
    await writer.xadd(APM_REDIS_KEYS.routes(p, 'broken'), '*', 'd', JSON.stringify({ at: T, routes: 'wrong' }));
    await writer.zadd(APM_REDIS_KEYS.errors(p, 'broken'), T, 'not an exception');
    await writer.set(APM_REDIS_KEYS.server(p, 'broken', 'i1'), JSON.stringify({ instanceId: 3 }), 'EX', 60);
    await writer.sadd(APM_REDIS_KEYS.apps(p), 'broken', 'not a valid app name!');
    await sdkWrites('broken', { routes: [routeCounts(T, [{ route: '/ok', count: 5 }])] });
    await sdkWrites('fine', { beat: heartbeat(T, { instanceId: 'fine-1' }), slow: [slow(T)] });

    const { apm, reader } = setup();
    try {
      await reader.poll();
      await reader.poll();
      // wrong-type slow key 1, bad route entries 3, bad errors member 1, bad server key 1: once each, however often read
      expect(apm.view('broken', '1h')!.dropped.rejected).toBe(6);
      expect(apm.view('broken', '1h')!.routes).toEqual([expect.objectContaining({ route: '/ok', count: 5 })]);
      expect(reader.stats().skipped).toBe(6 + 1); // and the bad app name
      const fine = apm.view('fine', '1h')!;
      expect([fine.dropped.rejected, fine.instanceCounts.online, fine.buckets.at(-1)!.slow]).toEqual([0, 1, 1]);
    } finally {
      await reader.stop();
    }
  });
});
