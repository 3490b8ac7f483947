import type { AlertRule, AlertRuleInput, Resource } from '@pulse/protocol';

/*
 * Built-in rules (CONTRACT.md): thresholds with hysteresis like rcourtman/Pulse's, plus the failures
 * every homelab wants to hear about. Users edit their thresholds or disable them; ids `builtin:<name>`.
 */

type Builtin = Omit<AlertRuleInput, 'enabled' | 'channels' | 'renotifyS' | 'escalateAfterS' | 'escalateTo' | 'target'> & {
  target: Partial<AlertRuleInput['target']>;
};

const COMPUTE = ['host', 'node', 'vm', 'system-container'] as const;
const MACHINES = ['host', 'node'] as const;

const BUILTINS: Record<string, Builtin> = {
  cpu: { name: 'CPU high', severity: 'warning', forS: 300, target: { types: [...COMPUTE] }, condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 } },
  memory: { name: 'Memory high', severity: 'warning', forS: 300, target: { types: [...COMPUTE] }, condition: { kind: 'threshold', metric: 'mem.percent', op: '>', trigger: 90, clear: 85 } },
  disk: { name: 'Disk almost full', severity: 'warning', forS: 0, target: { types: [...MACHINES, 'storage', 'datastore'] }, condition: { kind: 'threshold', metric: 'disk.percent', op: '>', trigger: 90, clear: 85 } },
  temperature: { name: 'Temperature high', severity: 'warning', forS: 120, target: { types: [...MACHINES] }, condition: { kind: 'threshold', metric: 'temp.max', op: '>', trigger: 85, clear: 80 } },
  offline: { name: 'Offline', severity: 'critical', forS: 60, target: { types: ['host', 'node', 'docker-host'] }, condition: { kind: 'status', statuses: ['offline'] } },
  'guest-down': { name: 'HA guest down', severity: 'critical', forS: 60, target: { types: ['vm', 'system-container'] }, condition: { kind: 'status', statuses: ['offline'] } },
  'container-unhealthy': { name: 'Container unhealthy', severity: 'warning', forS: 60, target: { types: ['app-container'] }, condition: { kind: 'detail', path: 'health', values: ['unhealthy'] } },
  'restart-loop': { name: 'Restart loop', severity: 'warning', forS: 0, target: { types: ['app-container'] }, condition: { kind: 'increase', metric: 'restarts', increase: 3, windowS: 300 } },
  'oom-killed': { name: 'Killed: out of memory', severity: 'warning', forS: 0, target: { types: ['app-container'] }, condition: { kind: 'detail', path: 'oomKilled', values: [true] } },
  // The PVE normaliser reports a failed vzdump as 'error'; 'failed' is what other sources say.
  'backup-failed': { name: 'Backup failed', severity: 'warning', forS: 0, target: { types: ['vm', 'system-container'] }, condition: { kind: 'detail', path: 'lastBackup.status', values: ['failed', 'error'] } },
  'backup-old': { name: 'Backup too old', severity: 'warning', forS: 0, target: { types: ['vm', 'system-container'] }, condition: { kind: 'age', path: 'lastBackup.time', maxAgeS: 7 * 86_400, missingFires: true } },
  'cert-expiring': { name: 'Certificate expiring', severity: 'warning', forS: 0, target: { types: ['monitor'] }, condition: { kind: 'threshold', metric: 'cert.days', op: '<', trigger: 14, clear: 15 } },
  'monitor-down': { name: 'Monitor down', severity: 'critical', forS: 0, target: { types: ['monitor'] }, condition: { kind: 'status', statuses: ['offline'] } },
  'smart-failing': { name: 'SMART failing', severity: 'critical', forS: 0, target: { types: ['disk'] }, condition: { kind: 'detail', path: 'health', values: ['FAILED'] } },
  'pool-degraded': { name: 'Ceph/ZFS degraded', severity: 'critical', forS: 0, target: { types: ['ceph', 'storage'] }, condition: { kind: 'status', statuses: ['degraded'] } },
};

/**
 * Who a built-in applies to beyond what a target can say. A target cannot express "tag ha OR HA
 * managed", "not a template" or "a ZFS pool", and a stopped guest or a template is normal, so these
 * gates stay with the built-in (by id, so they survive a user editing its thresholds).
 */
export const builtinGates: ReadonlyMap<string, (r: Resource) => boolean> = new Map([
  ['builtin:guest-down', (r: Resource) => r.tags.includes('ha') || (typeof r.details.hastate === 'string' && r.details.hastate !== 'ignored')],
  ['builtin:backup-old', (r: Resource) => r.details.template !== true && r.details.template !== 1],
  ['builtin:backup-failed', (r: Resource) => r.details.template !== true && r.details.template !== 1],
  ['builtin:pool-degraded', (r: Resource) => r.type === 'ceph' || r.details.plugin === 'zfs-pool'],
]);

/** The built-in rules as stored rules; `at` is their creation time (the store keeps the first). */
export function builtinRules(at = 0): AlertRule[] {
  return Object.entries(BUILTINS).map(([name, b]) => ({
    id: `builtin:${name}`,
    builtIn: true,
    createdAt: at,
    updatedAt: at,
    enabled: true,
    channels: [],
    renotifyS: 0,
    escalateAfterS: 0,
    escalateTo: [],
    ...b,
    target: { types: [], tags: [], resourceIds: [], ...b.target },
  }));
}
