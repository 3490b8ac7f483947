import { describe, expect, it } from 'vitest';
import type { AlertOverride } from './matching.js';
import { createSimulation, makeRule } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const cpu = makeRule('cpu', { name: 'CPU high', condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 } });

function sim(overrides: AlertOverride[], rules = [cpu]) {
  const s = createSimulation({ start: T0, builtins: false, rules, overrides, settings: { groupWindowS: 0 } });
  s.apply([
    { id: 'a', type: 'host', tags: ['lab'], metrics: { cpu: 10 } },
    { id: 'b', type: 'host', tags: [], metrics: { cpu: 10 } },
    { id: 'v', type: 'vm', tags: ['lab'], metrics: { cpu: 10 } },
  ]);
  return s;
}
const state = (s: ReturnType<typeof sim>) =>
  Object.fromEntries(s.engine.active().map((a) => [a.resourceId, a.held ?? a.state]));

describe('targets and overrides', () => {
  it('a rule matches only resources that meet every given part of its target', () => {
    const rule = makeRule('lab-hosts', { condition: cpu.condition, target: { types: ['host'], tags: ['lab'] } });
    const s = sim([], [rule]);
    s.apply(['a', 'b', 'v'].map((id) => ({ id, metrics: { cpu: 99 } })));
    expect(state(s)).toEqual({ a: 'firing' });
  });

  it('no-alerts: never an alert; monitor-only: recorded, never notified', () => {
    const s = sim([
      { id: 'o1', scope: { kind: 'resource', resourceId: 'a' }, mode: 'no-alerts' },
      { id: 'o2', scope: { kind: 'type', type: 'vm' }, mode: 'monitor-only' },
    ]);
    s.apply(['a', 'b', 'v'].map((id) => ({ id, metrics: { cpu: 99 } })));
    expect(state(s)).toEqual({ b: 'firing', v: 'monitor-only' });
    expect(s.notifications().map((n) => n.alerts[0]!.resourceId)).toEqual(['b']);
    s.apply([{ id: 'v', metrics: { cpu: 1 } }]);
    expect(s.notifications()).toHaveLength(1);
  });

  it('a threshold override changes trigger and clear for one rule', () => {
    const s = sim([{ id: 'o', scope: { kind: 'tag', tag: 'lab' }, ruleId: 'cpu', mode: 'threshold', trigger: 98, clear: 95 }]);
    s.apply(['a', 'b'].map((id) => ({ id, metrics: { cpu: 97 } })));
    expect(state(s)).toEqual({ b: 'firing' });
    s.apply([{ id: 'a', metrics: { cpu: 99 } }]);
    expect(s.engine.active().find((x) => x.resourceId === 'a')!.message).toBe('CPU 99 % (over 98 %)');
  });

  it('precedence: resource > tag > type, and a rule-specific override beats a general one at the same scope', () => {
    const s = sim([
      { id: 't', scope: { kind: 'type', type: 'host' }, mode: 'no-alerts' },
      { id: 'g', scope: { kind: 'tag', tag: 'lab' }, mode: 'monitor-only' },
      { id: 'r1', scope: { kind: 'tag', tag: 'lab' }, ruleId: 'cpu', mode: 'threshold', trigger: 50, clear: 40 },
      { id: 'r2', scope: { kind: 'resource', resourceId: 'a' }, ruleId: 'cpu', mode: 'threshold', trigger: 60, clear: 55 },
      { id: 'r3', scope: { kind: 'type', type: 'host' }, ruleId: 'cpu', mode: 'threshold', trigger: 10, clear: 5 },
    ]);
    s.apply(['a', 'b', 'v'].map((id) => ({ id, metrics: { cpu: 55 } })));
    // a: tag monitor-only beats type no-alerts; its own threshold (60) beats the tag's (50): no alert at 55.
    // b: type no-alerts. v: tag monitor-only, tag threshold 50.
    expect(state(s)).toEqual({ v: 'monitor-only' });
    s.apply([{ id: 'a', metrics: { cpu: 61 } }]);
    expect(state(s)).toEqual({ a: 'monitor-only', v: 'monitor-only' });
  });

  it('adding a no-alerts override resolves what is open; removing monitor-only lets a firing alert be announced', () => {
    const s = sim([{ id: 'm', scope: { kind: 'resource', resourceId: 'b' }, mode: 'monitor-only' }]);
    s.apply(['a', 'b'].map((id) => ({ id, metrics: { cpu: 99 } })));
    expect(s.notifications()).toHaveLength(1);
    s.sim.overrides = [{ id: 'n', scope: { kind: 'resource', resourceId: 'a' }, mode: 'no-alerts' }];
    s.tick();
    expect(state(s)).toEqual({ b: 'firing' });
    expect(s.notifications().map((n) => [n.kind, n.alerts[0]!.resourceId])).toEqual([['firing', 'a'], ['resolved', 'a'], ['firing', 'b']]);
  });

  it('disabling a rule resolves its alerts', () => {
    const s = sim([]);
    s.apply([{ id: 'b', metrics: { cpu: 99 } }]);
    s.sim.rules = [{ ...cpu, enabled: false, updatedAt: 1 }];
    s.tick();
    expect(s.engine.active()).toEqual([]);
  });
});
