import { describe, expect, it } from 'vitest';
import { createApmAggregator } from './aggregator.js';
import { exception, routeCounts, slow } from './testing/fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// On a 168-minute boundary, so every window's newest bucket starts here.
const T0 = Math.ceil(1_700_000_000_000 / (168 * MIN)) * (168 * MIN);

function aggregator(limits = { maxRoutesPerApp: 200, maxFingerprintsPerApp: 100 }) {
  let t = T0;
  const agg = createApmAggregator({ now: () => t, limits: () => limits });
  return { agg, advance: (ms: number) => (t += ms), now: () => t };
}

const sum = (buckets: Array<Record<string, number>>, key: string) => buckets.reduce((n, b) => n + b[key]!, 0);

describe('APM aggregator', () => {
  it('counts requests, slow requests and exceptions into 60 buckets of each window', () => {
    const { agg, advance, now } = aggregator();
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/users/:id', count: 10, totalMs: 300, maxMs: 90 }]));
    agg.addSlow('shop', slow(now()));
    agg.addException('shop', exception(now()));
    advance(30 * MIN);
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/users/:id', count: 4, totalMs: 400, maxMs: 250 }]));

    const hour = agg.buckets('shop', '1h');
    expect(hour).toHaveLength(60);
    expect(hour.at(-1)).toEqual({ t: T0 + 30 * MIN, requests: 4, slow: 0, exceptions: 0, avgMs: 100, maxMs: 250 });
    expect(hour.at(-31)).toEqual({ t: T0, requests: 10, slow: 1, exceptions: 1, avgMs: 30, maxMs: 90 });
    expect(hour[1]!.t - hour[0]!.t).toBe(MIN);

    // 6 h: 6-minute buckets, the two items 5 buckets apart; 7 d: both in one 168-minute bucket.
    const six = agg.buckets('shop', '6h');
    expect([six.at(-1)!.requests, six.at(-6)!.requests]).toEqual([4, 10]);
    expect(agg.buckets('shop', '7d').at(-1)).toMatchObject({ t: T0, requests: 14, slow: 1, exceptions: 1, maxMs: 250 });
    expect(agg.buckets('shop', '24h')[1]!.t - agg.buckets('shop', '24h')[0]!.t).toBe(24 * MIN);
  });

  it('lets an item leave a window after its 60 buckets while longer windows keep it', () => {
    const { agg, advance, now } = aggregator();
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/', count: 7 }]));
    advance(HOUR);
    expect(sum(agg.buckets('shop', '1h'), 'requests')).toBe(0);
    expect(sum(agg.buckets('shop', '6h'), 'requests')).toBe(7);
    advance(7 * 24 * HOUR);
    expect(sum(agg.buckets('shop', '7d'), 'requests')).toBe(0);
    expect(agg.routes('shop', '7d')).toEqual([]);
  });

  it('counts an item from a clock running ahead now, and one older than 7 days nowhere', () => {
    const { agg, now } = aggregator();
    agg.addSlow('shop', slow(now() + 5 * MIN));
    agg.addSlow('shop', slow(now() - 8 * 24 * HOUR));
    expect(agg.buckets('shop', '1h').at(-1)!.slow).toBe(1);
    expect(sum(agg.buckets('shop', '7d'), 'slow')).toBe(1);
  });

  it('ranks route usage by requests and slow routes by slow requests within the period', () => {
    const { agg, advance, now } = aggregator();
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/old', count: 1000, errors: 5, totalMs: 50_000, maxMs: 300 }]));
    agg.addSlow('shop', slow(now(), '/old', 3000));
    advance(2 * HOUR);
    agg.addRouteCounts('shop', routeCounts(now(), [
      { route: '/users/:id', count: 50, errors: 2, totalMs: 2500, maxMs: 900 },
      { route: '/cart', count: 80, totalMs: 800, maxMs: 30, method: 'POST' },
    ]));
    for (const ms of [1200, 1800]) agg.addSlow('shop', slow(now(), '/users/:id', ms));
    agg.addSlow('shop', slow(now() - MIN, '/report', 9000));

    expect(agg.routes('shop', '1h')).toEqual([
      { method: 'POST', route: '/cart', count: 80, errors: 0, avgMs: 10, maxMs: 30 },
      { method: 'GET', route: '/users/:id', count: 50, errors: 2, avgMs: 50, maxMs: 900 },
    ]);
    expect(agg.routes('shop', '6h').map((r) => r.route)).toEqual(['/old', '/cart', '/users/:id']);
    expect(agg.slowRoutes('shop', '1h')).toEqual([
      { method: 'GET', route: '/users/:id', count: 2, avgMs: 1500, maxMs: 1800, lastAt: now() },
      { method: 'GET', route: '/report', count: 1, avgMs: 9000, maxMs: 9000, lastAt: now() - MIN },
    ]);
    expect(agg.slowRoutes('shop', '6h').map((r) => r.route)).toEqual(['/users/:id', '/report', '/old']);
    expect(agg.routes('shop', '1h', 1)).toHaveLength(1);
  });

  it('groups exceptions by fingerprint with counts, first and last seen, and the latest message, stack and context', () => {
    const { agg, advance, now } = aggregator();
    agg.addException('shop', exception(now(), 'fp-a', 'first message'));
    advance(MIN);
    agg.addException('shop', { ...exception(now(), 'fp-a', 'latest message'), frames: [{ fn: 'retry', inApp: true }], context: { orderId: 1001 } });
    agg.addException('shop', exception(now() - 10 * MIN, 'fp-a', 'late arrival'));
    for (let i = 0; i < 12; i++) agg.addException('shop', exception(now(), `fp-${i}`));

    const groups = agg.exceptions('shop', '1h');
    expect(groups).toHaveLength(10);
    expect(groups[0]).toEqual({
      fingerprint: 'fp-a', type: 'Error', message: 'latest message', count: 3, firstSeen: now() - 10 * MIN, lastSeen: now(), frames: [{ fn: 'retry', inApp: true }],
      context: { orderId: 1001 },
    });
  });

  it('keeps memory bounded: past the caps the least recently seen route or group makes room', () => {
    const { agg, now } = aggregator({ maxRoutesPerApp: 3, maxFingerprintsPerApp: 2 });
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/a', count: 1 }, { route: '/b', count: 1 }, { route: '/c', count: 1 }]));
    agg.addSlow('shop', slow(now(), '/a'));
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/d', count: 1 }]));
    expect(agg.routes('shop', '1h').map((r) => r.route).sort()).toEqual(['/a', '/c', '/d']);
    for (const fp of ['x', 'y', 'x', 'z']) agg.addException('shop', exception(now(), fp));
    expect(agg.exceptions('shop', '1h').map((g) => g.fingerprint).sort()).toEqual(['x', 'z']);
    expect(agg.sizes('shop')).toEqual({ routes: 3, fingerprints: 2 });
    expect(agg.evicted('shop')).toEqual({ routes: 1, fingerprints: 1 });
    // The app totals still count everything.
    expect(sum(agg.buckets('shop', '1h'), 'requests')).toBe(4);
    // Another app has caps of its own.
    agg.addRouteCounts('other', routeCounts(now(), [{ route: '/a', count: 1 }]));
    expect(agg.sizes('other')).toEqual({ routes: 1, fingerprints: 0 });
  });

  it('gives rates per minute over the last 5 minutes, and empty buckets for an unknown app', () => {
    const { agg, advance, now } = aggregator();
    agg.addRouteCounts('shop', routeCounts(now() - 10 * MIN, [{ route: '/', count: 1000 }]));
    agg.addRouteCounts('shop', routeCounts(now() - 3 * MIN, [{ route: '/', count: 50 }]));
    advance(30_000);
    agg.addRouteCounts('shop', routeCounts(now(), [{ route: '/', count: 50 }]));
    for (let i = 0; i < 5; i++) agg.addException('shop', exception(now()));
    expect(agg.rates('shop')).toEqual({ requestsPerMin: 20, slowPerMin: 0, exceptionsPerMin: 1 });
    expect(agg.buckets('nobody', '1h')).toHaveLength(60);
    expect(agg.rates('nobody')).toEqual({ requestsPerMin: 0, slowPerMin: 0, exceptionsPerMin: 0 });
  });
});
