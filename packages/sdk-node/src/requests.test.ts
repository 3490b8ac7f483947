import { ApmBatch } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Pulse } from './pulse.js';
import { startApp, type Framework, type RunningApp } from './testing/apps.js';
import { startReceiver, type Receiver } from './testing/receiver.js';

describe.each<Framework>(['express', 'fastify', 'http'])('requests through %s', (framework) => {
  let receiver: Receiver;
  let pulse: Pulse;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startReceiver();
    pulse = start({
      app: 'shop', environment: 'test', endpoint: receiver.url, token: 'secret-token', slowThresholdMs: 50,
      flushIntervalMs: 60_000, heartbeatIntervalMs: 60_000, captureProcessErrors: false, gzip: framework === 'fastify',
    });
    app = await startApp(framework, pulse);
    for (const path of ['/users/1', '/users/2', '/users/abc', '/api/items/9', '/boom', '/boom', '/no/such/path', '/slow']) {
      const res = await fetch(app.url + path);
      await res.arrayBuffer();
    }
    await pulse.flush();
  });
  afterAll(async () => {
    await app.close();
    await pulse.stop();
    await receiver.close();
  });

  const routes = () => receiver.batches.flatMap((b) => (b.body as ApmBatch).routes.flatMap((r) => r.routes));
  const route = (method: string, name: string) => routes().find((r) => r.method === method && r.route === name);

  it('sends batches that validate as ApmBatch, with the bearer token, to /api/apm/ingest', () => {
    expect(receiver.batches.length).toBeGreaterThan(0);
    for (const b of receiver.batches) {
      expect(b.path).toBe('/api/apm/ingest');
      expect(b.authorization).toBe('Bearer secret-token');
      const parsed = ApmBatch.safeParse(b.body);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data).toMatchObject({ app: 'shop', environment: 'test' });
    }
    expect((receiver.batches[0]?.body as ApmBatch).heartbeats[0]?.instanceId).toBe(pulse.instanceId);
  });

  it('counts every request per route template, never per raw URL', () => {
    expect(route('GET', '/users/:id')).toMatchObject({ count: 3, errors: 0 });
    expect(route('GET', '/api/items/:itemId')).toMatchObject({ count: 1, errors: 0 });
    expect(route('GET', 'unmatched')).toMatchObject({ count: 1, errors: 0 });
    expect(routes().map((r) => r.route).filter((r) => /\/users\/(1|2|abc)|no\/such/.test(r))).toEqual([]);
  });

  it('counts 5xx answers as errors, with total and max duration', () => {
    const boom = route('GET', '/boom');
    expect(boom).toMatchObject({ count: 2, errors: 2 });
    expect(boom?.maxMs).toBeGreaterThan(0);
    expect(boom?.totalMs).toBeGreaterThanOrEqual(boom?.maxMs ?? Infinity);
  });

  it('sends requests over the slow threshold one by one, and only those', () => {
    const slow = receiver.batches.flatMap((b) => (b.body as ApmBatch).slow);
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ method: 'GET', route: '/slow', status: 200, instanceId: pulse.instanceId });
    expect(slow[0]?.durationMs).toBeGreaterThanOrEqual(75);
    expect(route('GET', '/slow')?.maxMs).toBeGreaterThanOrEqual(75);
  });
});
