import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../resources/index.js';
import { createApmService } from './apm-service.js';
import { healthScore } from './health.js';
import { exception, heartbeat, routeCounts, slow } from './testing/fixtures.js';

const T0 = 1_700_000_040_000;

function setup() {
  let t = T0;
  const apm = createApmService({ now: () => t, logger: pino({ level: 'silent' }), limits: () => ({ maxRoutesPerApp: 200, maxFingerprintsPerApp: 100 }), maxApps: 3 });
  const registry = createRegistry();
  apm.source.start((observation) => registry.apply(observation));
  const ticks: string[][] = [];
  apm.subscribe((apps) => ticks.push(apps));
  return { apm, registry, ticks, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('APM service', () => {
  it('shows each instance as an app resource, online while it beats and lost once its ttl passes', () => {
    const { apm, registry, advance, now } = setup();
    apm.record({ app: 'shop', environment: 'staging', heartbeats: [heartbeat(now(), { ttlS: 30 }), heartbeat(now(), { instanceId: 'web-2:7:1', hostname: 'web-2', pid: 7, ttlS: 60 })] });
    const id = 'app:shop/web-1:4242:1700000000000';
    expect(registry.get(id)).toMatchObject({
      type: 'app', source: 'apm', status: 'online', name: 'shop on web-1 (4242)',
      metrics: { cpu: 12, 'mem.rss': 150e6, 'heap.used': 60e6, 'heap.total': 90e6, 'eventloop.p99': 12, 'host.cpu': 23.5, 'host.mem.used': 5e9, 'host.mem.total': 8e9 },
      details: { app: 'shop', environment: 'staging', instanceId: 'web-1:4242:1700000000000', hostname: 'web-1', pid: 4242, runtime: 'node v20.11.0', appVersion: '1.4.2' },
    });
    expect(registry.get(id)!.parentId).toBeUndefined();

    advance(30_000);
    apm.tick();
    expect(registry.get(id)!.status).toBe('online');
    advance(1);
    apm.tick();
    expect(registry.get(id)).toMatchObject({ status: 'offline', metrics: {} });
    expect(registry.get('app:shop/web-2:7:1')!.status).toBe('online');
    expect(apm.summaries()[0]).toMatchObject({ app: 'shop', environment: 'staging', instances: { online: 1, lost: 1 } });

    // A new heartbeat brings it back; a repeated one (Redis read again, a retried batch) is no news.
    apm.record({ app: 'shop', heartbeats: [heartbeat(now())] });
    expect(registry.get(id)!.status).toBe('online');
    advance(20_000);
    apm.record({ app: 'shop', heartbeats: [heartbeat(now() - 20_000)] });
    advance(10_001);
    apm.tick();
    expect(registry.get(id)!.status).toBe('offline');
  });

  it('forgets an instance a day after it was lost, removing its resource', () => {
    const { apm, registry, advance, now } = setup();
    apm.record({ app: 'shop', heartbeats: [heartbeat(now())] });
    advance(86_400_001);
    apm.tick();
    expect(registry.list()).toEqual([]);
    expect(apm.view('shop', '1h')!.instances).toEqual([]);
  });

  it('tells listeners once per tick which apps changed, and nothing when none did', () => {
    const { apm, ticks, now } = setup();
    apm.record({ app: 'shop', slow: [slow(now())] });
    apm.record({ app: 'shop', exceptions: [exception(now())] });
    apm.record({ app: 'blog', routes: [routeCounts(now(), [{ route: '/', count: 3 }])] });
    apm.tick();
    apm.tick();
    expect(ticks).toEqual([['shop', 'blog']]);
    apm.rejected('blog', 2);
    apm.tick();
    expect(ticks[1]).toEqual(['blog']);
    expect(apm.view('blog', '1h')!.dropped).toEqual({ slow: 0, exceptions: 0, rejected: 2 });
  });

  it('builds the view of a period: 60 buckets, instances, top lists, dropped counts', () => {
    const { apm, now } = setup();
    apm.record({
      app: 'shop', heartbeats: [heartbeat(now(), { eventLoopDelayP99Ms: 80 })], routes: [routeCounts(now(), [{ route: '/users/:id', count: 100, errors: 1 }])],
      slow: [slow(now())], exceptions: [exception(now())], dropped: { slow: 4 },
    });
    const view = apm.view('shop', '6h')!;
    expect(view).toMatchObject({
      app: 'shop', environment: 'production', period: '6h', bucketMs: 360_000, instanceCounts: { online: 1, lost: 0 },
      requestsPerMin: 20, slowPerMin: 0.2, exceptionsPerMin: 0.2, lastSeen: now(),
      dropped: { slow: 4, exceptions: 0, rejected: 0 },
      slowRoutes: [{ route: '/users/:id', count: 1 }], routes: [{ route: '/users/:id', count: 100, errors: 1 }],
      exceptions: [{ fingerprint: 'fp-db-timeout', count: 1 }],
    });
    expect(view.buckets).toHaveLength(60);
    expect(view.instances).toEqual([expect.objectContaining({ id: 'app:shop/web-1:4242:1700000000000', online: true, eventLoopP99Ms: 80, hostMemUsed: 5e9 })]);
    expect(view.health).toBe(healthScore({ online: 1, lost: 0, requestsPerMin: 20, slowPerMin: 0.2, exceptionsPerMin: 0.2, eventLoopP99Ms: 80 }));
    expect(apm.view('nobody', '1h')).toBeUndefined();
  });

  it('refuses a new app past the app limit, leaving the tracked ones alone', () => {
    const { apm, now } = setup();
    for (const app of ['a', 'b', 'c']) expect(apm.record({ app, slow: [slow(now())] })).toBe(true);
    expect(apm.record({ app: 'd', slow: [slow(now())] })).toBe(false);
    expect(apm.record({ app: 'a', slow: [slow(now())] })).toBe(true);
    expect(apm.summaries().map((s) => s.app)).toEqual(['a', 'b', 'c']);
  });
});

describe('health score', () => {
  it('is 100 for a quiet healthy app and loses capped points per signal', () => {
    const quiet = { online: 2, lost: 0, requestsPerMin: 100, slowPerMin: 0, exceptionsPerMin: 0, eventLoopP99Ms: 10 };
    expect(healthScore(quiet)).toBe(100);
    expect(healthScore({ ...quiet, online: 1, lost: 1 })).toBe(80);
    expect(healthScore({ ...quiet, exceptionsPerMin: 5 })).toBe(85);
    expect(healthScore({ ...quiet, exceptionsPerMin: 100 })).toBe(70);
    expect(healthScore({ ...quiet, slowPerMin: 10 })).toBe(90);
    expect(healthScore({ ...quiet, eventLoopP99Ms: 275 })).toBe(95);
    expect(healthScore({ online: 0, lost: 3, requestsPerMin: 10, slowPerMin: 10, exceptionsPerMin: 10, eventLoopP99Ms: 0 })).toBe(10);
    expect(healthScore({ ...quiet, requestsPerMin: 0, exceptionsPerMin: 2 })).toBe(94);
  });
});
