import { describe, expect, it } from 'vitest';
import { lastDays, overallOf, readPublicStatus } from '../../packages/web/src/features/status-page/status-model.ts';

const DAY = 86_400_000;

describe('public status page', () => {
  const view = {
    title: 'Acme', overall: 'degraded', updatedAt: 5,
    groups: [{ name: 'Web', monitors: [
      { index: 0, name: 'Shop', state: 'up', uptime: { '24h': 100, '7d': 99.5, '30d': null }, responseMs: 21, history: [{ day: 10 * DAY, uptime: null }, { day: 11 * DAY, uptime: 99.2 }] },
      { index: 1, name: 'API', state: 'down', uptime: { '24h': 50, '7d': 90, '30d': 95 }, history: [] },
    ] }],
    incidents: [{ monitorName: 'API', startedAt: 3, endedAt: null, reason: 'refused the connection' }],
    maintenance: [{ title: 'Upgrade', startsAt: 1, endsAt: 2 }],
  };

  it('reads the server view: groups, uptime, days, incidents, maintenance', () => {
    const s = readPublicStatus(view)!;
    expect(s.groups[0]!.monitors[0]).toMatchObject({ name: 'Shop', state: 'up', responseMs: 21, uptime: { '24h': 100, '7d': 99.5, '30d': undefined } });
    expect(s.groups[0]!.monitors[0]!.days).toEqual([{ day: 10 * DAY, uptime: undefined, downMinutes: undefined }, { day: 11 * DAY, uptime: 99.2, downMinutes: undefined }]);
    expect(s.incidents).toEqual([{ monitor: 'API', startedAt: 3, endedAt: null, message: 'refused the connection' }]);
    expect(s.maintenance[0]).toMatchObject({ title: 'Upgrade', startsAt: 1, endsAt: 2, active: false });
    expect(readPublicStatus({ nope: 1 })).toBeUndefined();
  });

  it('calls a degraded page with a monitor down a partial outage; all checked down a major one', () => {
    const s = readPublicStatus(view)!;
    expect(overallOf(s.groups, s.overall)).toBe('partial');
    expect(overallOf(s.groups, 'major')).toBe('major');
    const mon = (state: string) => ({ name: state, state: state as 'up', uptime: {}, days: [] });
    expect(overallOf([{ name: '', monitors: [mon('up'), mon('paused')] }])).toBe('operational');
    expect(overallOf([{ name: '', monitors: [mon('down'), mon('paused')] }])).toBe('major');
    expect(overallOf([{ name: '', monitors: [mon('down'), mon('up')] }])).toBe('partial');
    expect(overallOf([{ name: '', monitors: [mon('pending'), mon('up')] }])).toBe('degraded');
    expect(overallOf([{ name: '', monitors: [mon('maintenance'), mon('up')] }])).toBe('maintenance');
  });

  it('shows 90 days ending with the newest the server sent, empty days before a young monitor', () => {
    const days = lastDays([{ day: 100 * DAY, uptime: 100 }, { day: 98 * DAY, uptime: 50 }], 5, 0);
    expect(days.map((d) => [d.day / DAY, d.uptime])).toEqual([[96, undefined], [97, undefined], [98, 50], [99, undefined], [100, 100]]);
    expect(lastDays([], 3, 10 * DAY + 5).map((d) => d.day / DAY)).toEqual([8, 9, 10]);
  });
});
