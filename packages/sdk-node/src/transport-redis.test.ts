import { ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from './pulse.js';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from './testing/redis.js';

const { url, reason } = await redisUrlForTests();

describe.skipIf(!url)(`the Redis transport on a real Redis${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const prefix = testKeyPrefix();
  let redis: Redis;
  beforeAll(() => { redis = new Redis(url as string); });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  const streamData = async (key: string) => (await redis.xrange(key, '-', '+')).map(([, fields]) => JSON.parse(fields[1] as string) as unknown);

  it('writes the APM_REDIS_KEYS layout: server key with TTL, capped slow stream, trimmed errors set, routes, apps', async () => {
    const errorsKey = `${prefix}errors:shop`;
    const hourAndMore = Date.now() - 3_700_000;
    await redis.zadd(errorsKey, hourAndMore, JSON.stringify({ stale: true }));

    const pulse = start({ app: 'shop', redis: { url: url as string }, prefix, slowThresholdMs: 0, flushIntervalMs: 60_000, captureProcessErrors: false });
    for (let i = 0; i < 2_500; i++) pulse.recordRequest('GET', '/users/:id', i % 10 === 0 ? 503 : 200, 1 + (i % 7));
    pulse.captureException(new TypeError('no user'), { userId: 4 });
    await pulse.flush();
    while (pulse.stats().queued > 0) await pulse.flush(); // 1,000 slow requests per batch
    expect(pulse.stats()).toMatchObject({ batchesDropped: 0, errors: 0 });
    expect(pulse.stats().batchesSent).toBeGreaterThanOrEqual(3);

    const serverKey = `${prefix}server:shop:${pulse.instanceId}`;
    const ttl = await redis.ttl(serverKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(ApmHeartbeat.safeParse(JSON.parse((await redis.get(serverKey)) as string)).success).toBe(true);

    const slowLength = await redis.xlen(`${prefix}slow:shop`);
    expect(slowLength).toBeGreaterThanOrEqual(1_000);
    expect(slowLength).toBeLessThanOrEqual(1_100); // MAXLEN ~ trims whole stream nodes (100 entries)
    const slow = await streamData(`${prefix}slow:shop`);
    expect(slow.every((s) => ApmSlowRequest.safeParse(s).success)).toBe(true);

    const errors = (await redis.zrange(errorsKey, 0, -1)).map((m) => JSON.parse(m) as unknown);
    expect(errors).toHaveLength(1); // the stale member is gone
    expect(ApmException.parse(errors[0])).toMatchObject({ type: 'TypeError', message: 'no user', mechanism: 'captured', context: { userId: 4 } });

    const routes = (await streamData(`${prefix}routes:shop`)).map((r) => ApmRouteCounts.parse(r));
    const users = routes.flatMap((r) => r.routes).filter((r) => r.route === '/users/:id');
    expect(users.reduce((n, r) => n + r.count, 0)).toBe(2_500);
    expect(users.reduce((n, r) => n + r.errors, 0)).toBe(250);
    expect(await redis.sismember(`${prefix}apps`, 'shop')).toBe(1);
    await pulse.stop();
  });

  it('uses a client the application passes in, and leaves it open on stop', async () => {
    const client = new Redis(url as string);
    const pulse = start({ app: 'billing', redis: { client }, prefix, flushIntervalMs: 60_000, captureProcessErrors: false });
    pulse.captureException(new Error('declined'));
    await pulse.stop();
    expect(await redis.zcard(`${prefix}errors:billing`)).toBe(1);
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});
