import type { ObservedResource } from '../../../resources/observation.js';
import type { StorageContentEntry, Task } from '../answers/index.js';

/*
 * When each guest was last backed up, from PVE's vzdump tasks and the backup volumes on its
 * storages, and which guests have no recent backup at all (PBS groups included).
 */

export type BackupOutcome = 'ok' | 'warning' | 'error';

export interface LastBackup {
  /** when the backup started, ms (PBS's backup-time and a volume's ctime mean the same) */
  time: number;
  status: BackupOutcome;
  storage?: string;
  size?: number;
}

/** "OK", "WARNINGS: 2", anything else is the error text; undefined while the task still runs. */
export function taskOutcome(status: string | undefined): BackupOutcome | undefined {
  if (status === undefined) return undefined;
  if (status === 'OK') return 'ok';
  return status.startsWith('WARNINGS') ? 'warning' : 'error';
}

/**
 * The newest finished vzdump task per vmid. Only single-guest tasks name their guest in `id`; a
 * job over many guests has an empty id and its per-guest outcome is only in the task log, so
 * those guests get their time from the backup volumes instead.
 */
export function lastBackupsFromTasks(tasks: readonly Task[]): Map<number, LastBackup> {
  const out = new Map<number, LastBackup>();
  for (const task of tasks) {
    if (task.type !== 'vzdump' || !task.id || !/^\d+$/.test(task.id)) continue;
    const status = taskOutcome(task.status);
    if (!status) continue;
    const vmid = Number(task.id);
    const time = task.starttime * 1000;
    const prev = out.get(vmid);
    if (!prev || time > prev.time) out.set(vmid, { time, status });
  }
  return out;
}

/** The newest backup volume per vmid (`content=backup` of each storage that holds backups). */
export function lastBackupsFromContent(entries: readonly StorageContentEntry[]): Map<number, LastBackup> {
  const out = new Map<number, LastBackup>();
  for (const entry of entries) {
    if (entry.vmid === undefined || entry.ctime === undefined || (entry.content && entry.content !== 'backup')) continue;
    const time = entry.ctime * 1000;
    const prev = out.get(entry.vmid);
    if (prev && prev.time >= time) continue;
    const backup: LastBackup = { time, status: 'ok', storage: entry.volid.split(':')[0] ?? entry.volid };
    if (entry.size !== undefined) backup.size = entry.size;
    out.set(entry.vmid, backup);
  }
  return out;
}

/** A task and a volume this close together are the same backup run. */
const SAME_RUN_MS = 10 * 60_000;

/**
 * Newest per vmid of the two sources. When the task and the volume are the same run, the task
 * gives the outcome and the volume its storage and size.
 */
export function mergeLastBackups(fromTasks: ReadonlyMap<number, LastBackup>, fromContent: ReadonlyMap<number, LastBackup>): Map<number, LastBackup> {
  const out = new Map<number, LastBackup>(fromContent);
  for (const [vmid, task] of fromTasks) {
    const volume = fromContent.get(vmid);
    if (!volume || task.time - volume.time > SAME_RUN_MS) out.set(vmid, task);
    else if (Math.abs(task.time - volume.time) <= SAME_RUN_MS) out.set(vmid, { ...volume, time: Math.max(task.time, volume.time), status: task.status });
  }
  return out;
}

type ResourceLike = Pick<ObservedResource, 'id' | 'type' | 'name' | 'metrics' | 'details'>;

export interface BackupGap {
  id: string;
  vmid: number;
  name: string;
  /** newest good backup, ms; absent when none was found */
  lastBackup?: number;
  reason: 'never' | 'too-old';
}

/**
 * Guests (vm / system-container resources) without a backup newer than `maxAgeMs`: looking at
 * PBS backup groups (`vm`/`ct` + vmid), PVE's backup times per vmid, and the guest's own
 * `details.lastBackup`. A failed backup does not count. Templates are left out: they do not change
 * and are rarely in a schedule. PBS groups are matched by vmid only, so two clusters reusing a
 * vmid in one datastore count as one guest.
 */
export function guestsWithoutBackup(
  guests: readonly ResourceLike[],
  pbsGroups: readonly ResourceLike[],
  pveBackupTimes: ReadonlyMap<number, number>,
  now: number,
  maxAgeMs: number,
): BackupGap[] {
  const pbsLast = new Map<string, number>();
  for (const g of pbsGroups) {
    const last = g.metrics['backup.last'];
    if (g.type !== 'backup' || last === undefined) continue;
    const key = `${String(g.details.backupType)}/${String(g.details.backupId)}`;
    pbsLast.set(key, Math.max(last, pbsLast.get(key) ?? 0));
  }
  const gaps: BackupGap[] = [];
  for (const guest of guests) {
    const vmid = guest.details.vmid;
    if ((guest.type !== 'vm' && guest.type !== 'system-container') || typeof vmid !== 'number' || guest.details.template === true) continue;
    const own = guest.details.lastBackup as LastBackup | undefined;
    const times = [
      pbsLast.get(`${guest.type === 'vm' ? 'vm' : 'ct'}/${vmid}`),
      pveBackupTimes.get(vmid),
      own && own.status !== 'error' ? own.time : undefined,
    ].filter((t): t is number => t !== undefined);
    const newest = times.length ? Math.max(...times) : undefined;
    if (newest === undefined) gaps.push({ id: guest.id, vmid, name: guest.name, reason: 'never' });
    else if (now - newest > maxAgeMs) gaps.push({ id: guest.id, vmid, name: guest.name, lastBackup: newest, reason: 'too-old' });
  }
  return gaps;
}
