import { describe, expect, it } from 'vitest';
import { createSimulation, makeRule } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MIN = 60_000;
const cpuRule = (extra: Parameters<typeof makeRule>[1] extends infer P ? Partial<P> : never = {}) =>
  makeRule('cpu', { name: 'CPU high', condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 }, forS: 300, ...extra });

function host(settings = {}, rule = cpuRule()) {
  const s = createSimulation({ start: T0, builtins: false, rules: [rule], settings: { groupWindowS: 30, ...settings } });
  s.apply([{ id: 'web-01', type: 'host', metrics: { cpu: 40 } }]);
  return s;
}

describe('alert engine: conditions and lifecycle', () => {
  it('fires past the trigger only after forS, and clears only back at the clear level (hysteresis)', () => {
    const s = host();
    s.apply([{ id: 'web-01', metrics: { cpu: 97 } }]);
    expect(s.engine.active()[0]).toMatchObject({ state: 'pending', value: 97 });
    s.advance(4 * MIN);
    expect(s.engine.active()[0]!.state).toBe('pending');
    s.advance(1 * MIN);
    expect(s.engine.active()[0]).toMatchObject({ state: 'firing', message: 'CPU 97 % (over 90 % for 5 min)' });
    s.advance(30_000);
    const [firing] = s.notifications();
    expect(firing).toMatchObject({ kind: 'firing', title: 'CPU 97 % on web-01 (over 90 % for 5 min)', severity: 'warning' });
    s.apply([{ id: 'web-01', metrics: { cpu: 85 } }]); // under the trigger, over the clear level: still firing
    expect(s.engine.active()[0]!.state).toBe('firing');
    s.apply([{ id: 'web-01', metrics: { cpu: 80 } }]);
    expect(s.engine.active()).toEqual([]);
    s.advance(30_000);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(s.notifications()[1]!.id).toBe(`${firing!.alerts[0]!.id}:resolved:${firing!.alerts[0]!.firedAt}`);
  });

  it('drops an alert whose condition clears while pending, without any notification', () => {
    const s = host();
    s.apply([{ id: 'web-01', metrics: { cpu: 97 } }]);
    s.advance(2 * MIN);
    s.apply([{ id: 'web-01', metrics: { cpu: 50 } }]);
    s.advance(10 * MIN);
    expect(s.engine.active()).toEqual([]);
    expect(s.notifications()).toEqual([]);
    const states = s.events.flatMap((e) => (e.kind === 'changed' ? [e.alert.state] : []));
    expect(states).toEqual(['pending', 'resolved']);
  });

  it('starts a new alert id when it fires again after resolving', () => {
    const s = host({}, cpuRule({ forS: 0 }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    const first = s.engine.active()[0]!.id;
    s.apply([{ id: 'web-01', metrics: { cpu: 10 } }]);
    s.advance(MIN);
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    expect(s.engine.active()[0]!.id).not.toBe(first);
  });

  it('resolves the alerts of a removed resource', () => {
    const s = host({}, cpuRule({ forS: 0 }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    s.advance(MIN);
    s.apply([], ['web-01']);
    expect(s.engine.active()).toEqual([]);
    s.advance(MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });

  it('acknowledging stops reminders and escalation; the resolve is still announced', () => {
    const s = host({}, cpuRule({ forS: 0, renotifyS: 600, escalateAfterS: 900, escalateTo: ['pager'] }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    s.advance(11 * MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'reminder']);
    const id = s.engine.active()[0]!.id;
    expect(s.acknowledge(id, 'alice')[0]).toMatchObject({ kind: 'changed', alert: { state: 'acknowledged', acknowledgedBy: 'alice' } });
    s.advance(60 * MIN);
    s.apply([{ id: 'web-01', metrics: { cpu: 10 } }]);
    s.advance(MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'reminder', 'resolved']);
  });

  it('reminds every renotifyS while firing unacknowledged, and escalates once to escalateTo', () => {
    const s = host({}, cpuRule({ forS: 0, renotifyS: 1800, escalateAfterS: 2700, escalateTo: ['pager'] }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    s.advance(70 * MIN);
    const kinds = s.notifications().map((n) => [n.kind, Math.round((n.at - T0) / 1000)]);
    expect(kinds).toEqual([['firing', 30], ['reminder', 1830], ['escalation', 2700], ['reminder', 3630]]);
    expect(s.channelsOf()).toEqual(['default', 'default', ['pager'], 'default']);
    expect(new Set(s.notifications().map((n) => n.id)).size).toBe(4);
  });

  it('snooze holds notifications until its time, then reminds once; it resolves normally', () => {
    const s = host({}, cpuRule({ forS: 0, renotifyS: 600 }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    s.advance(MIN);
    const id = s.engine.active()[0]!.id;
    s.snooze(id, s.now + 60 * MIN);
    expect(s.engine.active()[0]).toMatchObject({ held: 'snoozed' });
    s.advance(59 * MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing']);
    s.advance(2 * MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'reminder']);
    expect(s.engine.active()[0]!.held).toBeUndefined();
    s.snooze(id, s.now + 60 * MIN);
    s.apply([{ id: 'web-01', metrics: { cpu: 10 } }]);
    s.advance(MIN);
    expect(s.notifications().map((n) => n.kind)).toEqual(['firing', 'reminder', 'resolved']);
  });

  it('sends nothing for an alert resolved before it was announced (inside the group window)', () => {
    const s = host({}, cpuRule({ forS: 0 }));
    s.apply([{ id: 'web-01', metrics: { cpu: 95 } }]);
    s.advance(10_000);
    s.apply([{ id: 'web-01', metrics: { cpu: 10 } }]);
    s.advance(5 * MIN);
    expect(s.notifications()).toEqual([]);
  });
});
