import { z } from 'zod';
import { listOf, num, optFlag, optNum, optText, text } from './coerce.js';

/* Proxmox Backup Server answers (proxmox-backup src/api2, pbs-api-types). Keys are kebab-case. */

/** `GET /version` (PBS and PMG alike) */
export const Version = z.object({ version: text, release: optText, repoid: optText });
export type Version = z.output<typeof Version>;

const Figures = z.object({ total: optNum, used: optNum, free: optNum, avail: optNum });

/** `GET /nodes/localhost/status` */
export const PbsNodeStatus = z.object({
  cpu: optNum,
  wait: optNum,
  loadavg: z.array(num).optional(),
  memory: Figures.optional(),
  swap: Figures.optional(),
  root: Figures.optional(),
  uptime: optNum,
  kversion: optText,
  'current-kernel': z.object({ release: optText }).optional(),
  cpuinfo: z.object({ model: optText, sockets: optNum, cpus: optNum }).optional(),
});
export type PbsNodeStatus = z.output<typeof PbsNodeStatus>;

/** `GET /admin/datastore` */
export const DatastoreListEntry = z.object({
  store: text,
  comment: optText,
  /** "type=read-only,message=..." while in maintenance */
  maintenance: optText,
  'mount-status': optText,
});
export type DatastoreListEntry = z.output<typeof DatastoreListEntry>;
export const DatastoreList = listOf(DatastoreListEntry);

/**
 * The last garbage collection's figures. The GUI's deduplication factor is
 * index-data-bytes / disk-bytes (what the indexes reference over what the chunks take).
 */
export const GcStatus = z.object({
  upid: optText,
  'index-file-count': optNum,
  'index-data-bytes': optNum,
  'disk-bytes': optNum,
  'disk-chunks': optNum,
  'removed-bytes': optNum,
  'removed-chunks': optNum,
  'pending-bytes': optNum,
  'still-bad': optNum,
});
export type GcStatus = z.output<typeof GcStatus>;

const TypeCounts = z.object({ groups: optNum, snapshots: optNum });

/** `GET /admin/datastore/{store}/status?verbose=1` */
export const DatastoreStatus = z.object({
  total: optNum,
  used: optNum,
  avail: optNum,
  'gc-status': GcStatus.optional(),
  counts: z.object({ vm: TypeCounts.optional(), ct: TypeCounts.optional(), host: TypeCounts.optional(), other: TypeCounts.optional() }).optional(),
  'estimated-full-date': optNum,
});
export type DatastoreStatus = z.output<typeof DatastoreStatus>;

/**
 * `GET /status/datastore-usage`. `estimated-full-date` (s) is a linear fit over `history` and is
 * absent with fewer than 7 points; a date in the past means the store is shrinking.
 */
export const DatastoreUsage = z.object({
  store: text,
  total: optNum,
  used: optNum,
  avail: optNum,
  history: z.array(z.union([num, z.null()])).optional(),
  'history-start': optNum,
  'history-delta': optNum,
  'estimated-full-date': optNum,
  error: optText,
  'gc-status': GcStatus.optional(),
  'mount-status': optText,
});
export type DatastoreUsage = z.output<typeof DatastoreUsage>;
export const DatastoreUsages = listOf(DatastoreUsage);

/**
 * A job with its last run, as `/admin/{sync,verify,prune,gc}` list them. `/config/...` lists the
 * same ids without the run fields, which then stay undefined.
 */
export const JobStatus = z.object({
  id: optText,
  store: optText,
  schedule: optText,
  remote: optText,
  'remote-store': optText,
  ns: optText,
  'last-run-state': optText,
  'last-run-endtime': optNum,
  'last-run-upid': optText,
  'next-run': optNum,
  'removed-bytes': optNum,
  'pending-bytes': optNum,
  duration: optNum,
});
export type JobStatus = z.output<typeof JobStatus>;
export const JobList = listOf(JobStatus);
/** `GET /admin/datastore/{store}/gc`: the store's GC job (newer) or last GC figures (older). */
export const GcJob = JobStatus.extend(GcStatus.shape);
export type GcJob = z.output<typeof GcJob>;

/** `GET /admin/datastore/{store}/namespace` */
export const Namespace = z.object({ ns: z.preprocess((v) => v ?? '', text), comment: optText });
export type Namespace = z.output<typeof Namespace>;
export const Namespaces = listOf(Namespace);

/** `GET /admin/datastore/{store}/groups[?ns=]` */
export const BackupGroup = z.object({
  'backup-type': text,
  'backup-id': text,
  /** s */
  'last-backup': optNum,
  'backup-count': optNum,
  owner: optText,
  comment: optText,
  files: z.array(z.unknown()).optional(),
});
export type BackupGroup = z.output<typeof BackupGroup>;
export const BackupGroups = listOf(BackupGroup);

/** `verification` is `{state, upid}`; some releases and proxies give the bare state string. */
const Verification = z.union([
  z.object({ state: optText, upid: optText }),
  text.transform((state) => ({ state, upid: undefined })),
]);

/** `GET /admin/datastore/{store}/snapshots[?ns=&backup-type=&backup-id=]` */
export const BackupSnapshot = z.object({
  'backup-type': text,
  'backup-id': text,
  /** s */
  'backup-time': num,
  size: optNum,
  protected: optFlag,
  owner: optText,
  comment: optText,
  verification: Verification.optional(),
});
export type BackupSnapshot = z.output<typeof BackupSnapshot>;
export const BackupSnapshots = listOf(BackupSnapshot);

/**
 * `GET /nodes/localhost/tasks`. TaskListItem spells `worker_type`/`worker_id` in snake case while
 * the rest of the API is kebab case; both are read, and the output uses camel case.
 */
export const PbsTask = z
  .object({
    upid: text,
    worker_type: optText,
    'worker-type': optText,
    worker_id: optText,
    'worker-id': optText,
    starttime: num,
    endtime: optNum,
    status: optText,
    user: optText,
    node: optText,
  })
  .transform((t, ctx) => {
    const workerType = t.worker_type ?? t['worker-type'];
    if (!workerType) {
      ctx.issues.push({ code: 'custom', message: 'no worker_type', input: t });
      return z.NEVER;
    }
    return { upid: t.upid, workerType, workerId: t.worker_id ?? t['worker-id'], starttime: t.starttime, endtime: t.endtime, status: t.status, user: t.user };
  });
export type PbsTask = z.output<typeof PbsTask>;
export const PbsTasks = listOf(PbsTask);
