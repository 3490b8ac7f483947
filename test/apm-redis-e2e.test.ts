import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { start, type Pulse } from '@pulse/node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../packages/server/test-support/pulse.js';
import { redisUrlForTests } from '../packages/server/test-support/services.js';

/*
 * Issue 9's Redis transport end to end, on the real Redis: the SDK in an app writes heartbeats,
 * slow requests and exceptions with its key layout; a whole Pulse reads them and shows the app,
 * its instance, the slow route (as a template) and the exception group.
 */

const redis = await redisUrlForTests();
if (redis.reason) console.warn(`skipping the APM Redis end-to-end test: ${redis.reason}`);

describe.skipIf(!redis.url)('APM over Redis: @pulse/node → Redis → Pulse', () => {
  const prefix = `pulse:e2e:${randomBytes(6).toString('hex')}:`;
  let t: TestPulse;
  let pulse: Pulse;
  let app: Server;
  let base: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false', PULSE_APM_REDIS_URL: redis.url!, PULSE_APM_REDIS_PREFIX: prefix, PULSE_APM_REDIS_POLL_MS: '250' } });
    headers = { cookie: (await t.setupAdmin()).cookie };
    pulse = start({ app: 'orders', environment: 'staging', redis: { url: redis.url! }, prefix, slowThresholdMs: 50, heartbeatIntervalMs: 500, flushIntervalMs: 200, captureProcessErrors: false });
    app = createServer(pulse.wrapHttpHandler((req, res) => {
      if (req.url?.startsWith('/orders/')) {
        pulse.setRoute(res, '/orders/:id');
        setTimeout(() => res.end('slow'), 80);
      } else if (req.url === '/fail') {
        pulse.setRoute(res, '/fail');
        pulse.captureException(new TypeError('order total is not a number'), { where: 'checkout' });
        res.statusCode = 500;
        res.end('fail');
      } else res.end('ok');
    }));
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    base = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await pulse?.stop();
    app?.close();
    await t?.close();
    const cleaner = new Redis(redis.url!);
    let cursor = '0';
    do {
      const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await cleaner.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await cleaner.quit();
  });

  it('shows the app, its instance, the slow route as a template and the exception group', async () => {
    expect((await fetch(`${base}/orders/1234`)).status).toBe(200);
    expect((await fetch(`${base}/fail`)).status).toBe(500);
    await pulse.flush();
    type View = { app: { instanceCounts: { online: number }; environment: string; slowRoutes: Array<{ route: string; count: number }>; exceptions: Array<{ type: string; count: number }> } };
    const view = await waitFor(async () => {
      const res = await fetch(`${t.url}/api/apm/apps/orders?period=1h`, { headers });
      if (!res.ok) return undefined;
      const body = (await res.json()) as View;
      return body.app.slowRoutes.length > 0 && body.app.exceptions.length > 0 && body.app.instanceCounts.online === 1 ? body.app : undefined;
    }, 'the app read from Redis with its slow route and exception', 15_000);
    expect(view.slowRoutes).toEqual([expect.objectContaining({ route: '/orders/:id', count: 1 })]);
    expect(JSON.stringify(view)).not.toContain('/orders/1234');
    expect(view.exceptions).toEqual([expect.objectContaining({ type: 'TypeError', count: 1 })]);
    const { resources } = (await (await fetch(`${t.url}/api/resources?type=app`, { headers })).json()) as { resources: Array<{ id: string; status: string }> };
    expect(resources).toEqual([expect.objectContaining({ id: `app:orders/${pulse.instanceId}`, status: 'online' })]);
  });
});
