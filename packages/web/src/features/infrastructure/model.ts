import type { Resource, ResourceStatus, ResourceType } from '@pulse/protocol';
import type { Tone } from '../../ui/tone';

/** A metric if the source reported a usable number for it. */
export function metric(r: Resource | undefined, key: string): number | undefined {
  const v = r?.metrics[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Used share of a total in percent, preferring the source's own figure. */
export function percentOf(r: Resource | undefined, prefix: 'mem' | 'disk' | 'swap'): number | undefined {
  const given = metric(r, `${prefix}.percent`);
  if (given !== undefined) return given;
  const used = metric(r, `${prefix}.used`);
  const total = metric(r, `${prefix}.total`);
  return used !== undefined && total ? (used / total) * 100 : undefined;
}

export const statusTone: Record<ResourceStatus, Tone> = {
  online: 'ok',
  degraded: 'warn',
  offline: 'crit',
  unknown: 'unknown',
};

export const statusLabel: Record<ResourceStatus, string> = {
  online: 'Online',
  degraded: 'Degraded',
  offline: 'Offline',
  unknown: 'Unknown',
};

export const typeLabel: Record<ResourceType, string> = {
  host: 'Host',
  node: 'Node',
  vm: 'VM',
  'system-container': 'LXC',
  'app-container': 'Container',
  'docker-host': 'Docker host',
  storage: 'Storage',
  datastore: 'Datastore',
  backup: 'Backup',
  ceph: 'Ceph',
  disk: 'Disk',
  monitor: 'Monitor',
  app: 'App',
};

/** A secondary line under a resource's name: its address, else where it comes from. */
export function subtitle(r: Resource): string {
  const ip = r.identity.ips?.[0];
  const host = r.identity.hostnames?.find((h) => h !== r.name);
  return [host, ip].filter(Boolean).join(' · ') || r.source;
}
