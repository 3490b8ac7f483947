import { describe, expect, it } from 'vitest';
import { AlertRule } from '@pulse/protocol';
import { builtinRules } from './defaults.js';
import { createSimulation } from './simulation.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;

function sim() {
  return createSimulation({ start: T0, settings: { groupWindowS: 0 } });
}
const firingRules = (s: ReturnType<typeof sim>, id: string) =>
  s.engine.active().filter((a) => a.resourceId === id && a.state === 'firing').map((a) => a.ruleId).sort();

describe('built-in rules', () => {
  it('are valid stored rules with builtin:<name> ids', () => {
    const rules = builtinRules(T0);
    for (const r of rules) expect(AlertRule.parse(r)).toEqual(r);
    expect(rules.map((r) => r.id)).toContain('builtin:cpu');
    expect(rules.every((r) => r.id.startsWith('builtin:') && r.builtIn)).toBe(true);
  });

  it('a host: CPU over 90 % for 5 min, disk over 90 %, temperature over 85 °C for 2 min', () => {
    const s = sim();
    s.apply([{ id: 'pve-host', type: 'host', metrics: { cpu: 97, 'mem.percent': 50, 'disk.percent': 93, 'temp.max': 88 } }]);
    expect(firingRules(s, 'pve-host')).toEqual(['builtin:disk']);
    s.advance(2 * MIN);
    expect(firingRules(s, 'pve-host')).toEqual(['builtin:disk', 'builtin:temperature']);
    s.advance(3 * MIN);
    expect(firingRules(s, 'pve-host')).toEqual(['builtin:cpu', 'builtin:disk', 'builtin:temperature']);
    expect(s.notifications().map((n) => n.title)).toContain('CPU 97 % on pve-host (over 90 % for 5 min)');
    expect(s.notifications().map((n) => n.title)).toContain('Temperature 88 °C on pve-host (over 85 °C for 2 min)');
  });

  it('a docker container: unhealthy for 1 min, a restart loop (3 in 5 min), OOM killed', () => {
    const s = sim();
    s.apply([{ id: 'docker:h/nginx', type: 'app-container', parentId: 'h', metrics: { restarts: 4 }, details: { health: 'healthy', oomKilled: false } }]);
    s.apply([{ id: 'docker:h/nginx', details: { health: 'unhealthy', oomKilled: true } }]);
    expect(firingRules(s, 'docker:h/nginx')).toEqual(['builtin:oom-killed']);
    s.advance(MIN);
    for (const restarts of [5, 6, 7]) {
      s.apply([{ id: 'docker:h/nginx', metrics: { restarts } }]);
      s.advance(MIN);
    }
    expect(firingRules(s, 'docker:h/nginx')).toEqual(['builtin:container-unhealthy', 'builtin:oom-killed', 'builtin:restart-loop']);
    expect(s.notifications().map((n) => n.title)).toContain('Restarts +3 in 5 min on docker:h/nginx (limit 3)');
    s.advance(5 * MIN); // no restart for 5 min: the loop is over
    expect(firingRules(s, 'docker:h/nginx')).not.toContain('builtin:restart-loop');
  });

  it('PVE guests: backup failed, backup too old (and missing), templates exempt, stopped guests are normal', () => {
    const s = sim();
    s.apply([
      { id: 'pve:c/qemu/100', type: 'vm', name: 'db', details: { lastBackup: { time: T0 - 8 * DAY, status: 'ok' } } },
      { id: 'pve:c/qemu/101', type: 'vm', name: 'web', details: { lastBackup: { time: T0 - DAY, status: 'error' } } },
      { id: 'pve:c/qemu/102', type: 'vm', name: 'new', details: {} },
      { id: 'pve:c/qemu/9000', type: 'vm', name: 'tpl', status: 'offline', details: { template: true } },
      { id: 'pve:c/lxc/103', type: 'system-container', name: 'ok', details: { lastBackup: { time: T0 - 6 * DAY, status: 'ok' } } },
    ]);
    expect(firingRules(s, 'pve:c/qemu/100')).toEqual(['builtin:backup-old']);
    expect(firingRules(s, 'pve:c/qemu/101')).toEqual(['builtin:backup-failed']);
    expect(firingRules(s, 'pve:c/qemu/102')).toEqual(['builtin:backup-old']);
    expect(firingRules(s, 'pve:c/qemu/9000')).toEqual([]);
    const messages = Object.fromEntries(s.engine.active().map((a) => [a.resourceName, a.message]));
    expect(messages).toEqual({ db: 'Last backup 8 d ago (limit 7 d)', web: 'Last backup failed or error', new: 'No last backup recorded' });
    // Ages pass without the resource changing: tick() re-checks when the limit is crossed.
    s.advance(DAY + MIN, MIN);
    expect(firingRules(s, 'pve:c/lxc/103')).toEqual(['builtin:backup-old']);
  });

  it('an HA guest going down alerts after 60 s; a stopped guest without HA does not', () => {
    const s = sim();
    s.apply([{ id: 'g1', type: 'vm', tags: ['ha'], details: { lastBackup: { time: T0, status: 'ok' } } },
      { id: 'g2', type: 'vm', details: { hastate: 'started', lastBackup: { time: T0, status: 'ok' } } },
      { id: 'g3', type: 'vm', details: { lastBackup: { time: T0, status: 'ok' } } }]);
    s.apply([{ id: 'g1', status: 'offline' }, { id: 'g2', status: 'offline' }, { id: 'g3', status: 'offline' }]);
    s.advance(MIN);
    expect(s.engine.active().filter((a) => a.state === 'firing').map((a) => a.resourceId).sort()).toEqual(['g1', 'g2']);
  });

  it('a monitor: certificate under 14 days, clearing at 15; monitor down at once', () => {
    const s = sim();
    s.apply([{ id: 'monitor:m1', type: 'monitor', name: 'shop', metrics: { 'cert.days': 20 } }]);
    s.apply([{ id: 'monitor:m1', metrics: { 'cert.days': 10 }, status: 'offline' }]);
    expect(firingRules(s, 'monitor:m1')).toEqual(['builtin:cert-expiring', 'builtin:monitor-down']);
    expect(s.notifications().map((n) => n.title)).toContain('Certificate 10 days on shop (under 14 days)');
    s.apply([{ id: 'monitor:m1', metrics: { 'cert.days': 14 } }]);
    expect(firingRules(s, 'monitor:m1')).toContain('builtin:cert-expiring');
    s.apply([{ id: 'monitor:m1', metrics: { 'cert.days': 90 } }]);
    expect(firingRules(s, 'monitor:m1')).toEqual(['builtin:monitor-down']);
  });

  it('a disk with SMART health FAILED, and a degraded ZFS pool (not any degraded storage)', () => {
    const s = sim();
    s.apply([
      { id: 'disk:n1/sda', type: 'disk', parentId: 'n1', details: { health: 'FAILED' } },
      { id: 'zfs:n1/tank', type: 'storage', status: 'degraded', details: { plugin: 'zfs-pool', health: 'DEGRADED' } },
      { id: 'storage:nfs', type: 'storage', status: 'degraded', details: { plugin: 'nfs' } },
    ]);
    expect(firingRules(s, 'disk:n1/sda')).toEqual(['builtin:smart-failing']);
    expect(firingRules(s, 'zfs:n1/tank')).toEqual(['builtin:pool-degraded']);
    expect(firingRules(s, 'storage:nfs')).toEqual([]);
  });
});
