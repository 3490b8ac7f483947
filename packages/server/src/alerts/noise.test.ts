import { describe, expect, it } from 'vitest';
import { createSimulation, makeRule } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MIN = 60_000;
const cpu = (extra = {}) => makeRule('cpu', { name: 'CPU high', condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 }, ...extra });

function fleet(n: number, settings = {}, rules = [cpu()]) {
  const s = createSimulation({ start: T0, builtins: false, rules, settings: { groupWindowS: 30, ...settings } });
  s.apply(Array.from({ length: n }, (_, i) => ({ id: `web-${i + 1}`, type: 'host' as const, metrics: { cpu: 10 } })));
  return s;
}
const kinds = (s: ReturnType<typeof fleet>) => s.notifications().map((n) => n.kind);

describe('noise control', () => {
  it('holds a re-fire inside the cooldown until it ends, and drops it if it resolves first', () => {
    const s = fleet(1, { cooldownS: 300, flapChanges: 100 });
    s.apply([{ id: 'web-1', metrics: { cpu: 95 } }]);
    s.advance(MIN); // firing sent at +30 s
    s.apply([{ id: 'web-1', metrics: { cpu: 10 } }]);
    s.advance(MIN); // resolved sent
    s.apply([{ id: 'web-1', metrics: { cpu: 95 } }]); // +2 min: within 5 min of the firing message
    s.advance(MIN);
    expect(kinds(s)).toEqual(['firing', 'resolved']);
    s.advance(3 * MIN); // cooldown over at +5:30, window closes 30 s later
    expect(kinds(s)).toEqual(['firing', 'resolved', 'firing']);
    expect(s.notifications()[2]!.at - T0).toBe(6 * MIN);
    s.apply([{ id: 'web-1', metrics: { cpu: 10 } }]);
    s.advance(MIN);
    s.apply([{ id: 'web-1', metrics: { cpu: 95 } }]);
    s.advance(MIN);
    s.apply([{ id: 'web-1', metrics: { cpu: 10 } }]); // re-fired and resolved inside the cooldown: silence
    s.advance(10 * MIN);
    expect(kinds(s)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
  });

  it('caps notifications per resource per hour and summarises the held ones in the next one', () => {
    const rules = ['a', 'b', 'c', 'd'].map((m) => makeRule(m, { name: `${m} high`, condition: { kind: 'threshold', metric: m, op: '>', trigger: 1, clear: 0 } }));
    const s = fleet(1, { perResourceHourlyCap: 2 }, rules);
    s.apply([{ id: 'web-1', metrics: { a: 5, b: 5, c: 5, d: 5 } }]);
    s.advance(MIN);
    expect(s.notifications()).toHaveLength(2);
    const held = s.engine.active().filter((a) => a.held === 'cap');
    expect(held).toHaveLength(2);
    s.apply([{ id: 'web-1', metrics: { d: 0 } }]); // one held alert resolves meanwhile: never announced, nothing sent
    s.advance(60 * MIN);
    const all = s.notifications();
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({ kind: 'firing', alerts: [{ ruleId: 'c' }] });
    expect(all[2]!.summary).toContain('2 more notifications about web-1 held by the hourly cap.');
  });

  it('groups alerts of one rule firing within the group window into ONE notification', () => {
    const s = fleet(5);
    s.apply([{ id: 'web-1', metrics: { cpu: 95 } }, { id: 'web-2', metrics: { cpu: 96 } }]);
    s.advance(10_000);
    s.apply([{ id: 'web-3', metrics: { cpu: 97 } }]);
    s.advance(30_000);
    s.apply([{ id: 'web-4', metrics: { cpu: 98 } }]); // after the window closed: a new group
    s.advance(MIN);
    const n = s.notifications();
    expect(n).toHaveLength(2);
    expect(n[0]).toMatchObject({ kind: 'firing', title: 'CPU high on 3 resources: web-1, web-2, web-3' });
    expect(n[0]!.alerts).toHaveLength(3);
    expect(n[0]!.id).toBe(`rule:cpu:firing:${T0}:${T0}`);
    expect(n[1]!.alerts.map((a) => a.resourceName)).toEqual(['web-4']);
    s.apply([1, 2, 3, 4].map((i) => ({ id: `web-${i}`, metrics: { cpu: 5 } })));
    s.advance(MIN);
    expect(s.notifications().slice(2).map((x) => [x.kind, x.alerts.length])).toEqual([['resolved', 4]]);
  });

  it('marks a flapping alert, holds it until stable for flapWindowS, then sends its final state once', () => {
    const s = fleet(1, { flapChanges: 5, flapWindowS: 600, cooldownS: 0, groupWindowS: 0 });
    const flip = (v: number) => {
      s.apply([{ id: 'web-1', metrics: { cpu: v } }]);
      s.advance(MIN);
    };
    flip(95); flip(10); flip(95); flip(10); // fire, clear, fire, clear: 4 changes, all announced
    expect(kinds(s)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    flip(95); // 5th change: flapping from here
    expect(s.engine.active()[0]).toMatchObject({ flapping: true, held: 'flapping', state: 'firing' });
    flip(10); flip(95); flip(10); flip(95);
    expect(s.engine.active()).toHaveLength(1); // one alert throughout, never resolved while flapping
    expect(kinds(s)).toHaveLength(4);
    s.advance(8 * MIN); // the last change was 9 min ago
    expect(kinds(s)).toHaveLength(4);
    s.advance(MIN); // stable for 10 min: the final state (firing), once
    expect(kinds(s)).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing']);
    expect(s.engine.active()[0]).toMatchObject({ flapping: false });
    expect(s.engine.active()[0]!.held).toBeUndefined();
  });

  it('quiet hours: only critical goes out; the rest is one summary when they end, across a DST change (Europe/Berlin)', () => {
    // 2026-03-29 is the spring-forward night in Berlin: 22:00 CET = 21:00 UTC, 07:00 CEST = 05:00 UTC.
    const start = Date.UTC(2026, 2, 28, 20, 0, 0);
    const rules = [cpu(), makeRule('down', { name: 'Down', severity: 'critical', condition: { kind: 'status', statuses: ['offline'] } })];
    const s = createSimulation({
      start, builtins: false, rules,
      settings: { groupWindowS: 30, quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin' } },
    });
    s.apply(['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'host' as const, metrics: { cpu: 10 } })));
    s.now = Date.UTC(2026, 2, 28, 23, 0, 0); // 00:00 local
    s.apply([{ id: 'a', metrics: { cpu: 95 } }, { id: 'b', metrics: { cpu: 95 } }, { id: 'c', metrics: { cpu: 95 } }]);
    s.advance(MIN);
    s.apply([{ id: 'd', status: 'offline' }]);
    s.advance(MIN);
    expect(s.notifications().map((n) => [n.kind, n.severity])).toEqual([['firing', 'critical']]);
    expect(s.engine.active().filter((a) => a.held === 'quiet-hours')).toHaveLength(3);
    s.apply([{ id: 'c', metrics: { cpu: 10 } }]); // resolved during quiet hours: nothing of its own
    s.advance(Date.UTC(2026, 2, 29, 4, 59, 0) - s.now);
    expect(s.notifications()).toHaveLength(1);
    s.advance(2 * MIN);
    const summary = s.notifications()[1]!;
    expect(summary.at).toBe(Date.UTC(2026, 2, 29, 5, 0, 0));
    expect(summary).toMatchObject({ kind: 'firing', title: 'While quiet hours were on: 2 alerts firing' });
    expect(summary.summary).toContain('1 more fired and resolved during quiet hours.');
    expect(s.notifications()).toHaveLength(2);
  });

  it('quiet hours in winter time end at 07:00 CET = 06:00 UTC', () => {
    const start = Date.UTC(2026, 10, 30, 22, 0, 0);
    const s = createSimulation({ start, builtins: false, rules: [cpu()], settings: { quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin' } } });
    s.apply([{ id: 'a', type: 'host', metrics: { cpu: 95 } }]);
    s.advance(8 * 60 * MIN);
    expect(s.notifications().map((n) => n.at)).toEqual([Date.UTC(2026, 11, 1, 6, 0, 0)]);
  });
});
