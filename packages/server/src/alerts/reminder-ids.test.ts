import type { Notification } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from './engine.js';
import { createSimulation, makeRule } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MIN = 60_000;
const rule = makeRule('cpu', {
  name: 'CPU high', condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 }, renotifyS: 1800, escalateAfterS: 2700, escalateTo: ['pager'],
});

function firingHost() {
  const s = createSimulation({ start: T0, builtins: false, rules: [rule], settings: { groupWindowS: 30 } });
  s.apply([{ id: 'web-01', type: 'host', metrics: { cpu: 95 } }]);
  return s;
}
const ofKind = (list: Notification[], kind: Notification['kind']) => list.filter((n) => n.kind === kind);

describe('notification ids across a restart', () => {
  it('numbers reminders by their slot since the firing, so the engine after a restart neither repeats nor renumbers them', () => {
    const uninterrupted = firingHost();
    uninterrupted.advance(130 * MIN);
    const expected = ofKind(uninterrupted.notifications(), 'reminder');
    expect(expected.map((n) => Math.round((n.at - T0) / MIN))).toEqual([31, 61, 91, 121]);
    expect(new Set(expected.map((n) => n.id)).size).toBe(4);

    const before = firingHost();
    before.advance(70 * MIN);
    const sentBefore = before.notifications();
    expect(ofKind(sentBefore, 'reminder')).toHaveLength(2);

    // The server restarts: a new engine gets the open alerts from the store, nothing else.
    let now = before.now;
    const after = createAlertEngine({
      now: () => now, rules: () => before.sim.rules, overrides: () => [], settings: () => before.sim.settings,
      resources: (id) => before.resources.get(id), initial: before.engine.active(),
    });
    const sentAfter: Notification[] = [];
    for (const end = now + 60 * MIN; now < end; ) {
      now += 10_000;
      for (const e of after.tick()) if (e.kind === 'notify') sentAfter.push(e.notification);
    }

    const reminders = ofKind(sentAfter, 'reminder');
    expect(reminders.map((n) => Math.round((n.at - T0) / MIN))).toEqual([90, 120]); // none at once on start
    const idsBefore = new Set(sentBefore.map((n) => n.id));
    for (const r of reminders) expect(idsBefore.has(r.id)).toBe(false);
    expect(reminders.map((n) => n.id)).toEqual(expected.slice(2).map((n) => n.id));
    // The escalation, due before the restart, is sent again under its one id: a receiver drops the repeat.
    expect(ofKind(sentAfter, 'escalation').map((n) => n.id)).toEqual(ofKind(sentBefore, 'escalation').map((n) => n.id));
  });
});
