import type { Resource } from '@pulse/protocol';
import { metric, percentOf } from '../infrastructure/model';
import { backupGroupFacts, connectionOf, guestFacts, isBackupGroup, isGuest, type GuestFacts } from './model';

/** A guest with everything its row shows worked out once per report, so sorting and cells stay cheap. */
export interface GuestRow {
  resource: Resource;
  facts: GuestFacts;
  connection: string;
  nodeId?: string;
  nodeName?: string;
  cpu?: number;
  cpus?: number;
  memUsed?: number;
  memTotal?: number;
  memPercent?: number;
  diskUsed?: number;
  diskTotal?: number;
  diskPercent?: number;
  netIn?: number;
  netOut?: number;
  diskRead?: number;
  diskWrite?: number;
  uptime?: number;
  /** The newest backup Pulse knows of, from the guest's own record or a PBS group of its vmid (ms). */
  lastBackupAt?: number;
}

export const BACKUP_STALE_MS = 7 * 24 * 3_600_000;

/** The newest PBS snapshot per guest, keyed `vm/101` or `ct/101` as PBS names groups. */
export function pbsBackupsByGuest(list: readonly Resource[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const r of list) {
    if (!isBackupGroup(r)) continue;
    const g = backupGroupFacts(r);
    const last = metric(r, 'backup.last');
    if (last === undefined || (g.backupType !== 'vm' && g.backupType !== 'ct')) continue;
    const key = `${g.backupType}/${g.backupId}`;
    latest.set(key, Math.max(latest.get(key) ?? 0, last));
  }
  return latest;
}

export function guestRow(r: Resource, node: Resource | undefined, pbs: ReadonlyMap<string, number>): GuestRow {
  const facts = guestFacts(r);
  const fromPbs = facts.vmid === undefined ? undefined : pbs.get(`${facts.kind === 'qemu' ? 'vm' : 'ct'}/${facts.vmid}`);
  const own = facts.lastBackup?.time;
  // A stopped guest reports zeros for what it would use; its row shows none rather than "0%".
  const running = facts.state === 'running' || facts.state === 'paused';
  const live = (key: string) => (running ? metric(r, key) : undefined);
  return {
    resource: r,
    facts,
    connection: connectionOf(r),
    nodeId: r.parentId,
    nodeName: facts.node ?? node?.name,
    cpu: live('cpu'),
    cpus: metric(r, 'cpus'),
    memUsed: live('mem.used'),
    memTotal: metric(r, 'mem.total'),
    memPercent: running ? percentOf(r, 'mem') : undefined,
    diskUsed: live('disk.used'),
    diskTotal: metric(r, 'disk.total'),
    diskPercent: running ? percentOf(r, 'disk') : undefined,
    netIn: live('net.rx'),
    netOut: live('net.tx'),
    diskRead: live('disk.read'),
    diskWrite: live('disk.write'),
    uptime: live('uptime'),
    lastBackupAt: own === undefined && fromPbs === undefined ? undefined : Math.max(own ?? 0, fromPbs ?? 0),
  };
}

/** Every PVE guest in the list, as rows. Reads plain objects: call it with the store's raw list. */
export function guestRows(list: readonly Resource[]): GuestRow[] {
  const byId = new Map(list.map((r) => [r.id, r]));
  const pbs = pbsBackupsByGuest(list);
  const rows: GuestRow[] = [];
  for (const r of list) if (isGuest(r)) rows.push(guestRow(r, r.parentId ? byId.get(r.parentId) : undefined, pbs));
  return rows;
}

/** Guests that would be lost today: no backup at all, or none in the last 7 days. Templates are left out. */
export function notBackedUp(rows: readonly GuestRow[], now: number): GuestRow[] {
  return rows
    .filter((row) => !row.facts.template && (row.lastBackupAt === undefined || now - row.lastBackupAt > BACKUP_STALE_MS))
    .sort((a, b) => (a.lastBackupAt ?? 0) - (b.lastBackupAt ?? 0) || (a.facts.vmid ?? 0) - (b.facts.vmid ?? 0));
}
