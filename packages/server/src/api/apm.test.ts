import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';
import { exception, heartbeat, routeCounts, slow } from '../apm/testing/fixtures.js';

/*
 * A whole Pulse on a clock the test moves (the rate limiter and instance ttl read it; the shared
 * APM tick runs every 100 ms of real time and looks at that clock).
 */
describe('APM ingest and API', () => {
  let t: TestPulse;
  let admin: Record<string, string>;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false', PULSE_APM_TICK_MS: '100' }, now });
    const session = await t.setupAdmin();
    admin = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  });
  afterAll(() => t?.close());

  async function token(scopes: string[]): Promise<string> {
    const res = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `sdk ${randomBytes(3).toString('hex')}`, scopes }) });
    return ((await res.json()) as { token: string }).token;
  }
  const get = async (path: string) => {
    const res = await fetch(`${t.url}${path}`, { headers: admin });
    return { status: res.status, body: (await res.json()) as any };
  };
  async function ingest(bearer: string, body: Buffer | string, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.url}/api/apm/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers }, body,
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  }
  const gzipped = (value: unknown) => gzipSync(Buffer.from(JSON.stringify(value)));
  const send = (bearer: string, batch: unknown) => ingest(bearer, gzipped(batch), { 'content-encoding': 'gzip' });

  it('takes a gzip batch: the instance is an online app resource and the app is listed with its figures', async () => {
    const sdk = await token(['apm:report']);
    const batch = {
      app: 'shop', environment: 'staging', heartbeats: [heartbeat(now())],
      routes: [routeCounts(now(), [{ route: '/users/:id', count: 100, errors: 2 }])],
      slow: [slow(now()), slow(now(), '/cart')], exceptions: [exception(now())], dropped: { slow: 3 },
    };
    expect(await send(sdk, batch)).toMatchObject({ status: 200, body: { accepted: 5, rejected: 0 } });

    const resource = await get(`/api/resources/${encodeURIComponent('app:shop/web-1:4242:1700000000000')}`);
    expect(resource.body.resource).toMatchObject({ type: 'app', source: 'apm', status: 'online', details: { app: 'shop', environment: 'staging' } });
    const { apps } = (await get('/api/apm/apps')).body;
    expect(apps).toContainEqual(expect.objectContaining({
      app: 'shop', environment: 'staging', instances: { online: 1, lost: 0 }, requestsPerMin: 20, slowPerMin: 0.4, exceptionsPerMin: 0.2, lastSeen: now(),
    }));
    const view = (await get('/api/apm/apps/shop?period=24h')).body.app;
    expect(view).toMatchObject({ period: '24h', bucketMs: 24 * 60_000, dropped: { slow: 3, exceptions: 0, rejected: 0 }, instanceCounts: { online: 1, lost: 0 } });
    expect(view.buckets).toHaveLength(60);
    expect(view.slowRoutes).toHaveLength(2);

    // Lost once its ttl (30 s) passes without a heartbeat: the shared tick notices.
    clock += 31_000;
    await waitFor(async () => (await get(`/api/resources/${encodeURIComponent('app:shop/web-1:4242:1700000000000')}`)).body.resource.status === 'offline', 'the instance to be lost');
    expect((await get('/api/apm/apps/shop')).body.app.instanceCounts).toEqual({ online: 0, lost: 1 });
  });

  it('rejects and counts malformed items and keeps the rest', async () => {
    const sdk = await token(['apm:report']);
    const batch = {
      app: 'blog',
      slow: [slow(now()), { ...slow(now()), durationMs: 'slow' }, { nonsense: true }],
      exceptions: [exception(now()), { ...exception(now()), mechanism: 'thrown' }],
      heartbeats: [{ ...heartbeat(now()), ttlS: 1 }],
    };
    const res = await send(sdk, batch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 4 });
    expect(res.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^slow\[1\]\.durationMs: /), expect.stringMatching(/^exceptions\[1\]\.mechanism: /), expect.stringMatching(/^heartbeats\[0\]\.ttlS: /)]));
    expect((await get('/api/apm/apps/blog')).body.app.dropped.rejected).toBe(4);
  });

  it('refuses a batch whose envelope is unusable, an unknown period and an unknown app', async () => {
    const sdk = await token(['apm:report']);
    expect(await send(sdk, { app: 'bad name!', slow: [] })).toMatchObject({ status: 400, body: { error: { code: 'apm.batch_invalid' } } });
    expect(await send(sdk, { app: 'shop', slow: 'not a list' })).toMatchObject({ status: 400, body: { error: { code: 'apm.batch_invalid' } } });
    expect((await get('/api/apm/apps/shop?period=2h')).status).toBe(400);
    expect(await get('/api/apm/apps/nobody')).toMatchObject({ status: 404, body: { error: { code: 'apm.app_not_found' } } });
  });

  it('refuses oversized, inflating, truncated and unknown-encoding bodies with 4xx', async () => {
    const sdk = await token(['apm:report']);
    const huge = randomBytes(1024 * 1024 + 10).toString('base64');
    expect(await ingest(sdk, JSON.stringify({ app: 'shop', pad: huge }))).toMatchObject({ status: 413, body: { error: { code: 'apm.batch_too_large' } } });
    const bomb = gzipSync(Buffer.alloc(9 * 1024 * 1024, 32));
    expect(await ingest(sdk, bomb, { 'content-encoding': 'gzip' })).toMatchObject({ status: 413, body: { error: { code: 'apm.batch_too_large' } } });
    const whole = gzipped({ app: 'shop', slow: [slow(now())] });
    expect(await ingest(sdk, whole.subarray(0, whole.length - 12), { 'content-encoding': 'gzip' })).toMatchObject({ status: 400, body: { error: { code: 'apm.batch_malformed' } } });
    expect(await ingest(sdk, whole, { 'content-encoding': 'br' })).toMatchObject({ status: 415, body: { error: { code: 'apm.batch_encoding' } } });
    expect(await ingest(sdk, '{"app": "shop", ')).toMatchObject({ status: 400, body: { error: { code: 'apm.batch_malformed' } } });
  });

  it('needs a token with the apm:report scope', async () => {
    const reader = await token(['monitoring:read']);
    const batch = { app: 'shop', slow: [slow(now())] };
    expect(await send(reader, batch)).toMatchObject({ status: 403, body: { error: { code: 'auth.forbidden' } } });
    expect(await send('pulse_nope.nope', batch)).toMatchObject({ status: 401 });
  });

  it('limits batches per token with 429 and Retry-After, leaving other tokens and apps alone', async () => {
    const busy = await token(['apm:report']);
    const calm = await token(['apm:report']);
    const batch = { app: 'noisy', routes: [routeCounts(now(), [{ route: '/', count: 1 }])] };
    // The clock stands still, so the bucket does not refill: 40 go through, the 41st does not.
    for (let i = 0; i < 40; i++) expect((await send(busy, batch)).status).toBe(200);
    const refused = await send(busy, batch);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'apm.rate_limited' } } });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await send(calm, { app: 'quiet', slow: [slow(now())] })).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await get('/api/apm/apps/quiet')).body.app.slowRoutes).toHaveLength(1);
    clock += 1000;
    expect((await send(busy, batch)).status).toBe(200);
    expect((await get('/api/apm/apps/noisy')).body.app.routes[0].count).toBe(41);
  });
});
