import { describe, expect, it } from 'vitest';
import type { Alert } from '../../packages/protocol/src/alert.ts';
import { countAlerts, customSnoozeUntil, groupAlerts, heldText, matchesHistory, emptyHistoryQuery, mergeActive, resourceHref } from '../../packages/web/src/features/alerts/alert-model.ts';
import { channelBodyOf, channelFormOf, emptyChannelForm, MASKED, validateChannel } from '../../packages/web/src/features/alerts/channel-fields.ts';

const NOW = Date.UTC(2025, 0, 10, 12);
const alert = (over: Partial<Alert>): Alert => ({
  id: 'a', ruleId: 'builtin:cpu', ruleName: 'CPU', resourceId: 'host:web-01', resourceName: 'web-01', severity: 'warning', state: 'firing',
  message: 'CPU 97 %', pendingSince: NOW - 600_000, firedAt: NOW - 300_000, flapping: false, ...over,
});

describe('open alerts from the hub', () => {
  it('applies upserts by id and drops resolved ones', () => {
    const list = [alert({ id: 'a' }), alert({ id: 'b', state: 'pending' })];
    const next = mergeActive(list, [alert({ id: 'a', state: 'acknowledged' }), alert({ id: 'b', state: 'resolved' }), alert({ id: 'c' })]);
    expect(next.map((a) => `${a.id}:${a.state}`)).toEqual(['a:acknowledged', 'c:firing']);
  });

  it('counts firing ones for the badge and groups critical first, or the worst resource first', () => {
    const list = [alert({ id: 'w' }), alert({ id: 'c', severity: 'critical', resourceId: 'node:pve1', resourceName: 'pve1' }), alert({ id: 'p', state: 'pending', severity: 'info' })];
    expect(countAlerts(list)).toMatchObject({ open: 3, firing: 2, pending: 1, bySeverity: { critical: 1, warning: 1, info: 1 } });
    expect(groupAlerts(list, 'severity').map((g) => g.key)).toEqual(['critical', 'warning', 'info']);
    const byResource = groupAlerts(list, 'resource');
    expect(byResource.map((g) => g.label)).toEqual(['pve1', 'web-01']);
    expect(byResource[1]!.alerts.map((a) => a.id)).toEqual(['w', 'p']);
  });

  it('says why notifications are held, naming the parent for a dependency', () => {
    expect(heldText(alert({ held: 'dependency' }), NOW, 'web-01')).toBe('held: web-01 is down');
    expect(heldText(alert({ held: 'monitor-only' }), NOW)).toMatch(/never sent/);
    expect(heldText(alert({ held: 'cap' }), NOW)).toMatch(/cap/);
    expect(heldText(alert({ snoozedUntil: NOW + 3_600_000 }), NOW)).toMatch(/^snoozed until/);
    expect(heldText(alert({}), NOW)).toBeUndefined();
  });

  it('filters the history and links monitors to their own page', () => {
    const q = { ...emptyHistoryQuery(), severity: 'critical' };
    expect(matchesHistory(alert({ severity: 'critical' }), q)).toBe(true);
    expect(matchesHistory(alert({}), q)).toBe(false);
    expect(matchesHistory(alert({ state: 'resolved' }), { ...emptyHistoryQuery(), state: 'open' })).toBe(false);
    expect(resourceHref('monitor:shop')).toBe('/uptime/shop');
    expect(resourceHref('pve:c:qemu/100')).toBe('/resources/pve%3Ac%3Aqemu%2F100');
    expect(customSnoozeUntil('2020-01-01T10:00', NOW)).toBeUndefined();
  });
});

describe('channel forms', () => {
  it('keeps masked secrets masked so saving keeps the stored ones', () => {
    const form = channelFormOf({ id: 'c1', name: 'Ops', type: 'webhook', enabled: true, minSeverity: 'warning', tags: [], sendResolved: true, config: { url: 'https://h.example/x', method: 'POST', secret: MASKED, headers: MASKED } });
    expect(validateChannel(form)).toEqual({});
    expect(channelBodyOf(form).config).toMatchObject({ url: 'https://h.example/x', secret: MASKED, headers: MASKED });
  });

  it('asks for each type\'s required fields and checks addresses', () => {
    const email = { ...emptyChannelForm('email'), name: 'Mail', config: { ...emptyChannelForm('email').config, host: 'smtp.x', from: 'p@x.org', to: 'ops@x.org, nope', user: 'u' } };
    const e = validateChannel(email);
    expect(e['config.to']).toBe('Each must be an email address.');
    expect(e['config.password']).toMatch(/both/);
    expect(channelBodyOf({ ...email, config: { ...email.config, to: 'a@x.org, b@x.org', port: '465' } }).config).toMatchObject({ to: ['a@x.org', 'b@x.org'], port: 465, security: 'starttls' });
    expect(validateChannel({ ...emptyChannelForm('slack'), name: 'S' })['config.url']).toBe('Required: webhook URL.');
  });
});
