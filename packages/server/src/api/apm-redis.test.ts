import { randomBytes } from 'node:crypto';
import { APM_REDIS_KEYS } from '@pulse/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';
import { redisUrlForTests } from '../../test-support/services.js';
import { heartbeat, slow } from '../apm/testing/fixtures.js';

const redis = await redisUrlForTests();
if (redis.reason) console.warn(`skipping the APM-over-Redis Pulse test: ${redis.reason}`);

// The wiring: apm.redis_url and apm.redis_prefix make a whole Pulse read what an SDK wrote to Redis.
describe.skipIf(!redis.url)('a Pulse reading APM data from Redis', () => {
  const prefix = `pulse:test:${randomBytes(6).toString('hex')}:`;
  let t: TestPulse;
  let writer: Redis;
  let admin: Record<string, string>;

  beforeAll(async () => {
    writer = new Redis(redis.url!);
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false', PULSE_APM_REDIS_URL: redis.url!, PULSE_APM_REDIS_PREFIX: prefix, PULSE_APM_REDIS_POLL_MS: '250' } });
    const session = await t.setupAdmin();
    admin = { cookie: session.cookie };
  });
  afterAll(async () => {
    await t?.close();
    // SCAN, never KEYS: the test Redis may be shared.
    let cursor = '0';
    do {
      const [next, keys] = await writer.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await writer.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await writer.quit();
  });

  it('lists an app that only ever wrote to Redis, with its instance online', async () => {
    const beat = heartbeat(Date.now(), { instanceId: 'worker-1' });
    await writer.pipeline()
      .set(APM_REDIS_KEYS.server(prefix, 'jobs', beat.instanceId), JSON.stringify(beat), 'EX', beat.ttlS)
      .xadd(APM_REDIS_KEYS.slow(prefix, 'jobs'), 'MAXLEN', '~', '1000', '*', 'd', JSON.stringify(slow(Date.now(), '/jobs/:id')))
      .sadd(APM_REDIS_KEYS.apps(prefix), 'jobs')
      .exec();
    const listed = await waitFor(async () => {
      const { apps } = (await (await fetch(`${t.url}/api/apm/apps`, { headers: admin })).json()) as { apps: Array<{ app: string; instances: { online: number } }> };
      return apps.find((a) => a.app === 'jobs' && a.instances.online === 1);
    }, 'the app read from Redis');
    expect(listed).toMatchObject({ environment: 'production' });
    const resource = await (await fetch(`${t.url}/api/resources/${encodeURIComponent('app:jobs/worker-1')}`, { headers: admin })).json() as { resource: { status: string } };
    expect(resource.resource.status).toBe('online');
  });
});
