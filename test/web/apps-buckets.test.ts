import { describe, expect, it } from 'vitest';
import { bucketRange, exceptionColumns, formatBucket, formatLatency, formatPerMin, latencySeries, requestColumns } from '../../packages/web/src/features/apps/app-model.ts';
import { readAppView } from '../../packages/web/src/features/apps/app-types.ts';

const MIN = 60_000;
const buckets = [
  { t: 0, requests: 100, slow: 4, exceptions: 1, avgMs: 80, maxMs: 1_400 },
  { t: MIN, requests: 0, slow: 0, exceptions: 2, avgMs: 0, maxMs: 0 },
  { t: 2 * MIN, requests: 3, slow: 5, exceptions: 0, avgMs: 1_200, maxMs: 2_000 },
];

describe('timeline buckets', () => {
  it('names bucket widths of the four periods in words', () => {
    expect([MIN, 6 * MIN, 24 * MIN, 168 * MIN, 120 * MIN, 15_000].map(formatBucket)).toEqual(['1 min', '6 min', '24 min', '2 h 48 min', '2 h', '15 s']);
  });

  it('stacks slow requests on the fast ones so a bar is as tall as all requests, never taller', () => {
    const cols = requestColumns(buckets, MIN, 10 * MIN);
    expect(cols.map((c) => [c.from, c.to, ...c.values])).toEqual([
      [0, MIN, 96, 4],
      [MIN, 2 * MIN, 0, 0],
      [2 * MIN, 3 * MIN, 0, 3],
    ]);
    expect(cols.every((c) => c.filled)).toBe(true);
  });

  it('leaves a bucket that has not started yet undrawn', () => {
    expect(exceptionColumns(buckets, MIN, MIN + 5).map((c) => c.filled)).toEqual([true, true, false]);
  });

  it('covers the first bucket start to the last bucket end, or the last 60 buckets when there are none', () => {
    expect(bucketRange(buckets, MIN, 99)).toEqual([0, 3 * MIN]);
    expect(bucketRange([], MIN, 100 * MIN)).toEqual([40 * MIN, 100 * MIN]);
  });

  it('breaks the response-time line where a bucket saw no request, at each bucket middle', () => {
    expect(latencySeries(buckets, MIN)).toEqual({ t: [30_000, 90_000, 150_000], avg: [80, null, 1_200], max: [1_400, null, 2_000] });
  });
});

describe('figures', () => {
  it('keeps small rates visible', () => {
    expect([0, 0.04, 0.25, 3, 9.96, 12.4, 1234.5, undefined].map(formatPerMin)).toEqual(['0', '<0.1', '0.3', '3', '10', '12', '1,235', '—']);
  });

  it('writes latencies in ms below a second and s above', () => {
    expect([0.5, 12.4, 999, 1_000, 1_250, 12_400, null].map(formatLatency)).toEqual(['0.5 ms', '12 ms', '999 ms', '1 s', '1.25 s', '12 s', '—']);
  });
});

describe('reading a view', () => {
  const wire = {
    app: 'shop', environment: 'production', period: '1h', bucketMs: MIN, requestsPerMin: 1, slowPerMin: 0, exceptionsPerMin: 0, health: 100, lastSeen: 1,
    instanceCounts: { online: 0, lost: 0 }, instances: [], buckets: [], dropped: { slow: 0, exceptions: 0, rejected: 0 },
    slowRoutes: [{ method: 'GET', route: '/a', count: 1, avgMs: 1, maxMs: 1, lastAt: 1 }],
    routes: [{ method: 'POST', route: '/b', count: 1, errors: 0, avgMs: 1, maxMs: 1 }],
    exceptions: [{ fingerprint: 'f1', type: 'TypeError', message: 'x', count: 1, firstSeen: 1, lastSeen: 1, frames: [] }],
  };

  it('keys routes and exception groups, so live updates keep their rows', () => {
    const v = readAppView(wire);
    expect(v?.slowRoutes[0]?.id).toBe('GET /a');
    expect(v?.routes[0]?.id).toBe('POST /b');
    expect(v?.exceptions[0]?.id).toBe('f1');
  });

  it('refuses a view that does not follow the protocol', () => {
    expect(readAppView({ ...wire, buckets: undefined })).toBeUndefined();
    expect(readAppView({ ...wire, period: '2h' })).toBeUndefined();
  });
});
