import { describe, expect, it } from 'vitest';
import { createSimulation, makeRule } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 3, 0, 0);
const MIN = 60_000;
const containerDown = makeRule('container-down', { name: 'Container down', condition: { kind: 'status', statuses: ['offline'] }, target: { types: ['app-container'] } });
const ids = Array.from({ length: 30 }, (_, i) => `docker:host-1/app-${i + 1}`);

/** A host (built-in offline rule: 60 s) with 30 containers (a user rule: down at once). */
function dockerHost() {
  const s = createSimulation({ start: T0, rules: [containerDown] });
  s.apply([{ id: 'host-1', type: 'host', metrics: { cpu: 10 } }, ...ids.map((id) => ({ id, type: 'app-container' as const, parentId: 'host-1' }))]);
  return s;
}
const down = (list: string[]) => list.map((id) => ({ id, status: 'offline' as const }));
const up = (list: string[]) => list.map((id) => ({ id, status: 'online' as const }));

describe('dependency suppression', () => {
  it('a host with 30 containers goes down: exactly one notification, listing the 30; recovery: one resolved', () => {
    const s = dockerHost();
    s.apply(down(['host-1', ...ids]));
    s.advance(5 * MIN);
    const [n, ...rest] = s.notifications();
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ kind: 'firing', severity: 'critical', title: 'host-1 is offline (for 1 min) — 30 containers affected' });
    expect(n!.alerts.map((a) => a.resourceId)).toEqual(['host-1']);
    expect(n!.suppressed.map((x) => x.resourceId).sort()).toEqual([...ids].sort());
    const hostAlert = n!.alerts[0]!.id;
    const children = s.engine.active().filter((a) => a.resourceId !== 'host-1');
    expect(children).toHaveLength(30);
    expect(children.every((a) => a.held === 'dependency' && a.parentAlertId === hostAlert)).toBe(true);

    s.apply(up(['host-1', ...ids]));
    s.advance(5 * MIN);
    expect(s.notifications().slice(1).map((x) => [x.kind, x.alerts.map((a) => a.resourceId)])).toEqual([['resolved', ['host-1']]]);
    expect(s.engine.active()).toEqual([]);
  });

  it('children that go offline before their host are still claimed by it within the group window', () => {
    const s = dockerHost();
    s.apply(down(ids.slice(0, 20)));
    s.advance(10_000);
    s.apply(down(['host-1', ...ids.slice(20)]));
    s.advance(5 * MIN);
    expect(s.notifications()).toHaveLength(1);
    expect(s.notifications()[0]!.suppressed).toHaveLength(30);
  });

  it('after the parent recovers, still-firing children notify normally as one group; resolved ones stay quiet', () => {
    const s = dockerHost();
    s.apply(down(['host-1', ...ids]));
    s.advance(5 * MIN);
    s.apply(up(['host-1', ...ids.slice(0, 27)]));
    s.advance(5 * MIN);
    const after = s.notifications().slice(1);
    expect(after.map((x) => [x.kind, x.alerts.length])).toEqual([['resolved', 1], ['firing', 3]]);
    expect(after[1]!.alerts.every((a) => a.held === undefined && a.parentAlertId === undefined)).toBe(true);
  });

  it('holds alerts of any depth: node → VM → docker host → container', () => {
    const s = createSimulation({ start: T0, rules: [containerDown] });
    s.apply([
      { id: 'node-1', type: 'node' }, { id: 'vm-1', type: 'vm', parentId: 'node-1', tags: ['ha'], details: { lastBackup: { time: T0 - MIN, status: 'ok' } } },
      { id: 'dh-1', type: 'docker-host', parentId: 'vm-1' }, { id: 'c-1', type: 'app-container', parentId: 'dh-1' },
    ]);
    s.apply(down(['node-1', 'vm-1', 'dh-1', 'c-1']));
    s.advance(5 * MIN);
    const n = s.notifications();
    expect(n).toHaveLength(1);
    expect(n[0]!.alerts.map((a) => a.resourceId)).toEqual(['node-1']);
    expect(n[0]!.suppressed.map((x) => x.resourceId).sort()).toEqual(['c-1', 'dh-1', 'vm-1']);
    expect(n[0]!.title).toContain('3 dependent resources affected');
  });
});
