import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseOptions } from './options.js';
import { start } from './pulse.js';
import { startApp, timedRequests } from './testing/apps.js';
import { closedPort, startReceiver, type Receiver } from './testing/receiver.js';
import { redisUrlForTests } from './testing/redis.js';
import { startDelayProxy } from './testing/tcp-proxy.js';

/*
 * Zero-crash policy: whatever happens to Pulse, the application answers as it would without the
 * SDK. Every request is made "slow" (threshold 0) so each one queues an item and sends run all the
 * time, into a queue capped at 50.
 */

const REQUESTS = 200;
const MAX_QUEUE = 50;
const common = { app: 'shop', slowThresholdMs: 0, flushIntervalMs: 20, batchSize: 10, maxQueue: MAX_QUEUE, timeoutMs: 200, captureProcessErrors: false } as const;

const { url: redisUrl, reason: noRedis } = await redisUrlForTests();
let healthy: Receiver;
let baselineP50: number;
let baselineBodies: Set<string>;

beforeAll(async () => {
  healthy = await startReceiver();
  const pulse = start({ ...common, endpoint: healthy.url, token: 't' });
  const app = await startApp('express', pulse);
  await timedRequests(`${app.url}/users/1`, 50); // warm-up: JIT, connection pool
  ({ p50: baselineP50, bodies: baselineBodies } = await timedRequests(`${app.url}/users/1`, REQUESTS));
  await app.close();
  await pulse.stop();
});
afterAll(() => healthy.close());

async function underFault(options: PulseOptions): Promise<void> {
  let faultMet!: () => void;
  const met = new Promise<void>((resolve) => { faultMet = resolve; });
  const pulse = start({ ...options, onError: (err) => { faultMet(); options.onError?.(err); } });
  const app = await startApp('express', pulse);
  try {
    await timedRequests(`${app.url}/users/1`, 50);
    const { p50, statuses, bodies } = await timedRequests(`${app.url}/users/1`, REQUESTS);
    expect(statuses).toEqual(new Set([200]));
    expect(bodies).toEqual(baselineBodies);
    // generous: the point is that no request waits for Pulse (a hanging send would add 200 ms)
    expect(p50).toBeLessThan(baselineP50 * 3 + 3);
    await met; // the fault was really met
    const stats = pulse.stats();
    // 2 capped queues + a few heartbeats and route counts: memory bounded whatever the outage
    expect(stats.queued).toBeLessThanOrEqual(2 * MAX_QUEUE + 10 + 60);
    expect(stats.itemsDropped).toBeGreaterThan(0);
  } finally {
    await app.close();
    await pulse.stop();
  }
}

describe('the application is unaffected when Pulse is in trouble', () => {
  it('Pulse is down (connection refused)', async () => {
    await underFault({ ...common, endpoint: `http://127.0.0.1:${await closedPort()}`, token: 't' });
  });

  it('the ingest answers 500', async () => {
    const receiver = await startReceiver('error500');
    try { await underFault({ ...common, endpoint: receiver.url, token: 't' }); } finally { await receiver.close(); }
  });

  it('the receiver accepts connections and never answers', async () => {
    const receiver = await startReceiver('hang');
    try { await underFault({ ...common, endpoint: receiver.url, token: 't' }); } finally { await receiver.close(); }
  });

  it('Redis is down (a closed port)', async () => {
    await underFault({ ...common, redis: { url: `redis://127.0.0.1:${await closedPort()}` } });
  });

  it.skipIf(!redisUrl)(`Redis answers slowly (a proxy adding 300 ms each way)${noRedis ? ` (skipped: ${noRedis})` : ''}`, async () => {
    const target = new URL(redisUrl as string);
    const proxy = await startDelayProxy({ host: target.hostname, port: Number(target.port || 6379) }, 300);
    try { await underFault({ ...common, redis: { url: `redis://127.0.0.1:${proxy.port}` } }); } finally { await proxy.close(); }
  });

  it('a throwing onError and a transport that cannot load do not reach the application', async () => {
    // an endpoint that is a URL but not http(s): the request function throws inside the transport
    await underFault({ ...common, endpoint: 'ftp://127.0.0.1:1', token: 't', onError: () => { throw new Error('logger broke'); } });
  });
});
