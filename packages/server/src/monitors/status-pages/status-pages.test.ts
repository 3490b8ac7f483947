import { describe, expect, it } from 'vitest';
import { formatPercent, renderBadge, textWidth } from './badge.js';
import { publicReason } from './public-text.js';
import { createRateLimiter } from './rate-limit.js';
import { overallOf } from './status-page-view.js';

describe('public reason messages', () => {
  it.each([
    ['connect ECONNREFUSED 10.0.0.7:5432', 'connect ECONNREFUSED …'],
    ['getaddrinfo ENOTFOUND api.internal.lan', 'getaddrinfo ENOTFOUND …'],
    ['GET https://user:pw@shop.example.com/health?key=1 answered 503', 'GET … answered 503'],
    ['connect ETIMEDOUT [2001:db8::1]:443', 'connect ETIMEDOUT …'],
    ['connect EHOSTUNREACH fe80::1%eth0', 'connect EHOSTUNREACH …'],
    ['expected status 200-299, got 503 after 3.5 s', 'expected status 200-299, got 503 after 3.5 s'],
    ['keyword "ok" not found', 'keyword "ok" not found'],
  ])('%s -> %s', (message, shown) => {
    expect(publicReason(message)).toBe(shown);
  });

  it('cuts the monitor\'s own target in any form, and long or multi-line messages', () => {
    expect(publicReason('no answer from intranet:8080 (intranet)', ['intranet:8080', 'intranet'])).toBe('no answer from … (…)');
    const long = publicReason(`line one\nline two ${'x'.repeat(400)}`);
    expect(long.startsWith('line one line two')).toBe(true);
    expect([...long]).toHaveLength(160);
  });
});

describe('overall state', () => {
  it.each([
    [[], 'operational'],
    [['up', 'paused', 'unknown'], 'operational'],
    [['up', 'maintenance'], 'maintenance'],
    [['up', 'pending'], 'degraded'],
    [['up', 'down', 'maintenance'], 'degraded'],
    [['down', 'down', 'paused'], 'outage'],
  ] as const)('%j is %s', (states, overall) => {
    expect(overallOf(states)).toBe(overall);
  });
});

describe('badges', () => {
  it('never rounds a failure up to 100% and drops trailing zeros', () => {
    expect(formatPercent(99.9999)).toBe('99.99%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(99.5)).toBe('99.5%');
    expect(formatPercent(null)).toBe('no data');
  });

  it('sizes both halves from their text and keeps control characters out of the XML', () => {
    const svg = renderBadge('a\u0000b', 'up', '#4c1');
    expect(svg).not.toContain('\u0000');
    expect(Number(/width="(\d+)"/.exec(svg)![1])).toBe(textWidth('a b') + 10 + textWidth('up') + 10);
    expect(textWidth('mmmm')).toBeGreaterThan(textWidth('iiii'));
    expect(renderBadge('x'.repeat(100), 'up', '#4c1')).toContain(`${'x'.repeat(39)}…`);
  });
});

describe('rate limiter', () => {
  it('lets a burst through, then one request per earned token, per address', () => {
    let clock = 0;
    const limiter = createRateLimiter({ now: () => clock, burst: 3, perSecond: 1, maxClients: 2 });
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1000);
    expect(limiter.take('b')).toBe(0);
    clock += 1000;
    expect(limiter.take('a')).toBe(0);
    // A third address past maxClients makes room by forgetting full buckets ('b'), not the busy one.
    expect(limiter.take('c')).toBe(0);
    expect(limiter.take('a')).toBe(1000);
  });
});
