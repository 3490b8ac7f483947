import { describe, expect, it } from 'vitest';
import { appCards, explainHealth, healthTone, liveInstanceCounts } from '../../packages/web/src/features/apps/app-model.ts';
import type { ApmInstanceView } from '../../packages/web/src/features/apps/app-types.ts';

const instance = (over: Partial<ApmInstanceView> = {}): ApmInstanceView => ({
  id: 'app:shop/web-1:100:1', instanceId: 'web-1:100:1', hostname: 'web-1', pid: 100, online: true, lastSeen: 1_000, eventLoopP99Ms: 12,
  cpu: 5, rss: 1, heapUsed: 1, heapTotal: 2, hostCpu: 10, hostMemUsed: 1, hostMemTotal: 4, ...over,
});
const view = (over: Partial<Parameters<typeof explainHealth>[0]> = {}) => ({
  health: 100, instances: [instance(), instance({ id: 'b', hostname: 'web-2' })], requestsPerMin: 600, slowPerMin: 0, exceptionsPerMin: 0, ...over,
});

describe('health explanation', () => {
  it('says nothing lowers a perfect score and lists every input at no cost', () => {
    const h = explainHealth(view());
    expect(h.summary).toBe('Nothing lowers it now.');
    expect(h.tone).toBe('ok');
    expect(h.factors.map((f) => [f.key, f.points, f.tone, f.value])).toEqual([
      ['instances', 0, 'ok', 'all 2 online'],
      ['exceptions', 0, 'ok', 'none'],
      ['slow', 0, 'ok', 'none'],
      ['eventloop', 0, 'ok', '12 ms at worst'],
    ]);
  });

  it('costs each input the points of the server formula, most first, so they add up to what the score lost', () => {
    // 1 of 2 lost: 20 of 40; 3 exceptions per 600 requests = 0.5%: 1.5 of 30; 25% slow: capped at 20;
    // worst online event loop 275 ms: 5 of 10. 100 - 46.5 = 53.5, the server rounds to 54.
    const h = explainHealth(view({
      health: 54, slowPerMin: 150, exceptionsPerMin: 3,
      instances: [instance({ eventLoopP99Ms: 275 }), instance({ id: 'b', online: false, eventLoopP99Ms: 900 })],
    }));
    expect(h.tone).toBe('crit');
    expect(h.factors.map((f) => [f.key, f.points, f.tone])).toEqual([
      ['instances', 20, 'crit'],
      ['slow', 20, 'crit'],
      ['eventloop', 5, 'crit'],
      ['exceptions', 1.5, 'warn'],
    ]);
    expect(100 - h.factors.reduce((a, f) => a + f.points, 0)).toBeCloseTo(53.5);
    expect(h.factors.find((f) => f.key === 'slow')!.value).toBe('25% of requests');
    expect(h.factors.find((f) => f.key === 'exceptions')!.value).toBe('0.5% of requests');
    expect(h.summary).toBe('Lowered by lost instances (−20), slow requests (−20), event-loop delay (−5) and exceptions (−1.5).');
  });

  it('reads the event loop of online instances only, and costs nothing up to 50 ms', () => {
    const h = explainHealth(view({ instances: [instance({ eventLoopP99Ms: 40 }), instance({ id: 'b', online: false, eventLoopP99Ms: 2_000 })] }));
    expect(h.factors.find((f) => f.key === 'eventloop')).toMatchObject({ points: 0, value: '40 ms' });
  });

  it('prefers the view\'s instance counts, and counts exceptions per minute when no request was counted', () => {
    const h = explainHealth(view({ health: 34, instances: [], instanceCounts: { online: 0, lost: 3 }, requestsPerMin: 0, exceptionsPerMin: 2 }));
    expect(h.factors[0]).toMatchObject({ key: 'instances', points: 40, tone: 'crit', value: '3 of 3 lost' });
    expect(h.factors.find((f) => f.key === 'exceptions')).toMatchObject({ points: 6, value: '2/min' });
    expect(h.factors.find((f) => f.key === 'eventloop')).toMatchObject({ points: 0, value: 'not reported' });
  });

  it('colours scores at 90 and 70', () => {
    expect([100, 90, 89, 70, 69, undefined].map(healthTone)).toEqual(['ok', 'ok', 'warn', 'warn', 'crit', 'unknown']);
  });
});

describe('app cards', () => {
  it('takes instance counts from the live resources, so they move between two loads of the list', () => {
    const live = liveInstanceCounts([
      { id: 'app:shop/a', type: 'app', status: 'online', details: { app: 'shop' } },
      { id: 'app:shop/b', type: 'app', status: 'offline', details: { app: 'shop' } },
      { id: 'app:api/c', type: 'app', status: 'online', details: {} },
      { id: 'host:x', type: 'host', status: 'online', details: { app: 'shop' } },
    ] as never);
    expect(Object.fromEntries(live)).toEqual({ shop: { online: 1, lost: 1 }, api: { online: 1, lost: 0 } });
    const base = { environment: 'production', requestsPerMin: 1, slowPerMin: 0, exceptionsPerMin: 0, health: 100, lastSeen: 1 };
    const cards = appCards(
      [
        { ...base, app: 'zeta', instances: { online: 0, lost: 2 } },
        { ...base, app: 'shop', instances: { online: 2, lost: 0 } },
        { ...base, app: 'api', instances: { online: 0, lost: 0 } },
      ],
      live,
    );
    expect(cards.map((c) => [c.app, c.instances.online, c.instances.lost])).toEqual([
      ['api', 1, 0],
      ['shop', 1, 1],
      ['zeta', 0, 2],
    ]);
  });
});
