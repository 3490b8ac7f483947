import { randomBytes } from 'node:crypto';
import { createClient } from '@pulse/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, waitFor, type TestPulse } from '../../test-support/pulse.js';
import { redisUrlForTests } from '../../test-support/services.js';

const redis = await redisUrlForTests();
if (redis.reason) console.warn(`skipping Pulse-on-Redis tests: ${redis.reason}`);

describe.skipIf(!redis.url)('two Pulse servers sharing Redis (PULSE_REDIS_URL)', () => {
  const env = { PULSE_REDIS_URL: redis.url!, PULSE_REDIS_PREFIX: `pulse-test-${randomBytes(4).toString('hex')}:` };
  let a: TestPulse;
  let b: TestPulse;
  let adminA: { cookie: string; csrf: string };
  let adminB: { cookie: string; csrf: string };
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestPulse({ env }), startTestPulse({ env })]);
    [adminA, adminB] = await Promise.all([a.setupAdmin(), b.setupAdmin()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url!);
    const keys = await client.keys(`${env.PULSE_REDIS_PREFIX}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  });

  it('delivers an HTTP publication made on B to a subscriber on A, and counts presence across both', async () => {
    const headers = { cookie: adminA.cookie };
    class WithCookie extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    }
    const client = createClient({ url: `${a.url.replace('http', 'ws')}/api/ws`, WebSocket: WithCookie });
    const received: unknown[] = [];
    client.subscribe('ext:deploys', { onPublication: (data) => received.push(data) });
    await waitFor(async () => (await b.pulse.hub.presenceStats('ext:deploys')).clients === 1, 'B to see the subscriber on A');

    const res = await fetch(`${b.url}/api/hub/publish`, {
      method: 'POST', headers: { cookie: adminB.cookie, 'x-csrf-token': adminB.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'ext:deploys', data: { app: 'api', version: '1.2.3' } }),
    });
    expect(res.status).toBe(200);
    await waitFor(() => received.length === 1, 'the publication on A');
    expect(received).toEqual([{ app: 'api', version: '1.2.3' }]);
    client.close();
  });
});
