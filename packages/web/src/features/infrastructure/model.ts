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

/** "2 Hosts", "1 Container", "3 LXC": a count of one type, for summaries. */
export function typeCount(type: ResourceType, n: number): string {
  const label = typeLabel[type] ?? type;
  const invariable = type === 'system-container' || type === 'ceph' || type === 'storage';
  return `${n} ${label}${n === 1 || invariable ? '' : 's'}`;
}

/** Receive and send rates in bytes/s: machines report `net.rx`/`net.tx`, containers `net.rx_bps`/`net.tx_bps`. */
export function netRates(r: Resource | undefined): { rx?: number; tx?: number } {
  return { rx: metric(r, 'net.rx') ?? metric(r, 'net.rx_bps'), tx: metric(r, 'net.tx') ?? metric(r, 'net.tx_bps') };
}

/** What memory use is measured against: a machine's total, a container's limit. */
export function memoryCeiling(r: Resource | undefined): number | undefined {
  return metric(r, 'mem.total') ?? metric(r, 'mem.limit');
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A secondary line under a resource's name: a container's image, an engine's containers, else an address or where it comes from. */
export function subtitle(r: Resource): string {
  if (r.type === 'app-container') {
    return [text(r.details['image']), text(r.details['composeProject'])].filter(Boolean).join(' · ') || r.source;
  }
  if (r.type === 'docker-host') {
    const total = metric(r, 'containers.total');
    const running = metric(r, 'containers.running');
    const counts = total === undefined ? undefined : `${running ?? 0} of ${total} running`;
    return [counts, text(r.details['endpoint'])].filter(Boolean).join(' · ') || r.source;
  }
  const ip = r.identity.ips?.[0];
  const host = r.identity.hostnames?.find((h) => h !== r.name);
  const system = r.details['system'];
  const os = typeof system === 'object' && system !== null ? text((system as Record<string, unknown>)['os']) : undefined;
  return [host, ip].filter(Boolean).join(' · ') || os || '';
}
