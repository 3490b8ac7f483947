import type { ResourceStatus } from '@pulse/protocol';
import type { ObservedResource } from '../../../resources/observation.js';
import type {
  BackupGroup,
  BackupSnapshot,
  DatastoreListEntry,
  DatastoreStatus,
  DatastoreUsage,
  GcJob,
  GcStatus,
  JobStatus,
  Namespace,
  PbsNodeStatus,
  Version,
} from '../answers/index.js';
import { type ErrorDetail, errorDetail, fractionToPercent, put, putLoad, putUsage, round2, secondsToMs } from './figures.js';
import { backupGroupId, datastoreId, pbsServerId, sourceId } from './ids.js';

/* Proxmox Backup Server: the server itself, its datastores and their backup groups. */

export interface PbsServerInput {
  connection: string;
  version?: Version;
  status?: PbsNodeStatus;
  error?: { code: string; message: string };
}

export function normalizePbsServer(input: PbsServerInput): ObservedResource {
  const st = input.status;
  const metrics: Record<string, number> = {};
  put(metrics, 'cpu', fractionToPercent(st?.cpu));
  put(metrics, 'cpu.iowait', fractionToPercent(st?.wait));
  put(metrics, 'cpus', st?.cpuinfo?.cpus);
  putLoad(metrics, st?.loadavg);
  putUsage(metrics, 'mem', st?.memory?.used, st?.memory?.total);
  putUsage(metrics, 'swap', st?.swap?.used, st?.swap?.total);
  putUsage(metrics, 'disk', st?.root?.used, st?.root?.total);
  put(metrics, 'uptime', st?.uptime);
  const details: Record<string, unknown> = { product: 'pbs', error: input.error ? errorDetail(input.error) : null };
  if (input.version) details.version = input.version.version;
  const kernel = st?.['current-kernel']?.release ?? st?.kversion?.split(/\s+/)[1];
  if (kernel) details.kernel = kernel;
  if (st?.cpuinfo?.model) details.cpuModel = st.cpuinfo.model;
  return {
    id: pbsServerId(input.connection),
    type: 'node',
    name: input.connection,
    source: sourceId('pbs', input.connection),
    status: input.error?.code === 'proxmox.node_offline' ? 'offline' : 'online',
    metrics,
    details,
    identity: {},
    tags: [],
  };
}

export type JobKind = 'sync' | 'verify' | 'prune';

export interface DatastoreJob {
  kind: JobKind;
  id: string;
  lastRunState?: string;
  lastRunEnd?: number;
  nextRun?: number;
}

export interface PbsDatastoresInput {
  connection: string;
  /** ms; an estimated-full date before now means "shrinking" and is left out */
  now: number;
  datastores: DatastoreListEntry[];
  /** /admin/datastore/{store}/status?verbose=1 by store */
  status?: Record<string, DatastoreStatus>;
  usage?: DatastoreUsage[];
  /** /admin/datastore/{store}/gc by store */
  gc?: Record<string, GcJob>;
  /** /admin/sync, /admin/verify, /admin/prune (the /config lists have no run state) */
  jobs?: Partial<Record<JobKind, JobStatus[]>>;
  namespaces?: Record<string, Namespace[]>;
  /** groups by store, for the backup count when the status has no `counts` */
  groups?: Record<string, BackupGroup[]>;
  errors?: Record<string, { code: string; message: string }>;
}

const isOk = (state: string | undefined): boolean => state?.toLowerCase() === 'ok';

/** The GUI's deduplication factor: bytes the indexes reference over bytes the chunks take. */
export function dedupFactor(gc: GcStatus | undefined): number | undefined {
  const logical = gc?.['index-data-bytes'];
  const physical = gc?.['disk-bytes'];
  return logical !== undefined && physical !== undefined && physical > 0 ? round2(logical / physical) : undefined;
}

function backupCount(status: DatastoreStatus | undefined, groups: BackupGroup[] | undefined): number | undefined {
  const counts = status?.counts;
  if (counts) return [counts.vm, counts.ct, counts.host, counts.other].reduce((n, c) => n + (c?.snapshots ?? 0), 0);
  return groups?.reduce((n, g) => n + (g['backup-count'] ?? 0), 0);
}

function jobsOf(store: string, jobs: PbsDatastoresInput['jobs']): DatastoreJob[] {
  const out: DatastoreJob[] = [];
  for (const kind of ['sync', 'verify', 'prune'] as const) {
    for (const job of jobs?.[kind] ?? []) {
      if (job.store !== store || !job.id) continue;
      const entry: DatastoreJob = { kind, id: job.id };
      if (job['last-run-state']) entry.lastRunState = job['last-run-state'];
      const end = secondsToMs(job['last-run-endtime']);
      if (end !== undefined) entry.lastRunEnd = end;
      const next = secondsToMs(job['next-run']);
      if (next !== undefined) entry.nextRun = next;
      out.push(entry);
    }
  }
  return out;
}

export function normalizePbsDatastores(input: PbsDatastoresInput): ObservedResource[] {
  const c = input.connection;
  const usage = new Map((input.usage ?? []).map((u) => [u.store, u]));
  return input.datastores.map((ds) => {
    const store = ds.store;
    const st = input.status?.[store];
    const use = usage.get(store);
    const gcJob = input.gc?.[store];
    const gcStatus = gcJob?.['disk-bytes'] !== undefined ? gcJob : (st?.['gc-status'] ?? use?.['gc-status']);
    const err: ErrorDetail | undefined = input.errors?.[store]
      ? errorDetail(input.errors[store])
      : use?.error
        ? { code: 'pbs.datastore_error', message: use.error }
        : undefined;
    const mount = ds['mount-status'] ?? use?.['mount-status'];

    const metrics: Record<string, number> = {};
    putUsage(metrics, 'disk', st?.used ?? use?.used, st?.total ?? use?.total);
    put(metrics, 'dedup', dedupFactor(gcStatus));
    put(metrics, 'backups', backupCount(st, input.groups?.[store]));

    const jobs = jobsOf(store, input.jobs);
    const details: Record<string, unknown> = { store, jobs, error: err ?? null };
    if (ds.comment) details.comment = ds.comment;
    if (ds.maintenance) details.maintenance = ds.maintenance;
    if (mount) details.mountStatus = mount;
    const full = secondsToMs(use?.['estimated-full-date'] ?? st?.['estimated-full-date']);
    if (full !== undefined && full > input.now) details.estimatedFull = full;
    if (gcJob || gcStatus) {
      const gc: Record<string, unknown> = {};
      const lastRun = secondsToMs(gcJob?.['last-run-endtime']);
      if (lastRun !== undefined) gc.lastRun = lastRun;
      if (gcJob?.['last-run-state']) gc.status = isOk(gcJob['last-run-state']) ? 'ok' : 'error';
      if (gcJob?.['last-run-state'] && !isOk(gcJob['last-run-state'])) gc.message = gcJob['last-run-state'];
      if (gcStatus?.['removed-bytes'] !== undefined) gc.removedBytes = gcStatus['removed-bytes'];
      details.gc = gc;
    }
    const ns = input.namespaces?.[store];
    if (ns) details.namespaces = ns.map((n) => n.ns).filter(Boolean).sort();

    let status: ResourceStatus = 'online';
    if (err || mount === 'notmounted') status = 'offline';
    else if (ds.maintenance || details.gc && (details.gc as { status?: string }).status === 'error' || jobs.some((j) => j.lastRunState && !isOk(j.lastRunState))) status = 'degraded';

    return {
      id: datastoreId(c, store),
      type: 'datastore',
      name: store,
      parentId: pbsServerId(c),
      source: sourceId('pbs', c),
      status,
      metrics,
      details,
      identity: {},
      tags: [],
    } satisfies ObservedResource;
  });
}

export interface PbsGroupsInput {
  connection: string;
  store: string;
  /** "" or absent for the root namespace */
  namespace?: string;
  groups: BackupGroup[];
  /** the snapshots of this store and namespace; the newest of each group gives size and verification */
  snapshots?: BackupSnapshot[];
}

export type Verification = 'ok' | 'failed' | 'none';

export function normalizePbsBackupGroups(input: PbsGroupsInput): ObservedResource[] {
  const c = input.connection;
  const newest = new Map<string, BackupSnapshot>();
  for (const s of input.snapshots ?? []) {
    const key = `${s['backup-type']}/${s['backup-id']}`;
    const prev = newest.get(key);
    if (!prev || s['backup-time'] > prev['backup-time']) newest.set(key, s);
  }
  return input.groups.map((g) => {
    const type = g['backup-type'];
    const id = g['backup-id'];
    const last = newest.get(`${type}/${id}`);
    const state = last?.verification?.state;
    const verification: Verification = state === 'ok' ? 'ok' : state === 'failed' ? 'failed' : 'none';
    const metrics: Record<string, number> = {};
    put(metrics, 'backups', g['backup-count']);
    put(metrics, 'backup.last', secondsToMs(g['last-backup'] ?? last?.['backup-time']));
    put(metrics, 'backup.size', last?.size);
    const details: Record<string, unknown> = { store: input.store, backupType: type, backupId: id, verification };
    if (input.namespace) details.namespace = input.namespace;
    if (g.owner ?? last?.owner) details.owner = g.owner ?? last?.owner;
    if (g.comment ?? last?.comment) details.comment = g.comment ?? last?.comment;
    if (last?.protected !== undefined) details.protected = last.protected;
    return {
      id: backupGroupId(c, input.store, type, id, input.namespace),
      type: 'backup',
      name: `${type}/${id}`,
      parentId: datastoreId(c, input.store),
      source: sourceId('pbs', c),
      status: verification === 'failed' ? 'degraded' : 'online',
      metrics,
      details,
      identity: {},
      tags: [],
    } satisfies ObservedResource;
  });
}
