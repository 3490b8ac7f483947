import type { Resource } from '@pulse/protocol';
import { metric, percentOf } from '../infrastructure/model';

/*
 * Proxmox resources as the server's normaliser shapes them (packages/server/src/sources/proxmox/CONTRACT.md):
 * which kind a resource is, read from its id, and its details read defensively, since every key is
 * optional and an older server may leave any of them out.
 */

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === 'string' && s.length > 0);
/** `details.error` is the source's error object `{ code, message }` (null when fine); older shapes sent the text. */
const errorText = (v: unknown): string | undefined => str(v) ?? str(obj(v)?.['message']);

/** `pve:<connection>:qemu/101` → the part after the connection: `qemu/101`. */
function pathOf(id: string): string | undefined {
  const m = /^(?:pve|pbs|pmg):[^:]+:(.+)$/.exec(id);
  return m?.[1];
}

/** The connection a Proxmox resource comes from, by its name. */
export const connectionOf = (r: Resource): string => r.id.split(':')[1] ?? '';

export const isPveNode = (r: Resource) => r.type === 'node' && r.id.startsWith('pve:') && (pathOf(r.id)?.startsWith('node/') ?? false);
export const isGuest = (r: Resource) => r.id.startsWith('pve:') && (r.type === 'vm' || r.type === 'system-container');
export const isPveStorage = (r: Resource) => r.type === 'storage' && r.id.startsWith('pve:') && (pathOf(r.id)?.startsWith('storage/') ?? false);
export const isZfsPool = (r: Resource) => r.type === 'storage' && r.id.startsWith('pve:') && (pathOf(r.id)?.startsWith('zfs/') ?? false);
export const isPhysicalDisk = (r: Resource) => r.type === 'disk' && r.id.startsWith('pve:');
export const isCeph = (r: Resource) => r.type === 'ceph' && r.id.startsWith('pve:');
export const isPbsServer = (r: Resource) => r.type === 'node' && /^pbs:[^:]+$/.test(r.id);
export const isDatastore = (r: Resource) => r.type === 'datastore' && r.id.startsWith('pbs:');
export const isBackupGroup = (r: Resource) => r.type === 'backup' && r.id.startsWith('pbs:');
/** Anything a Proxmox connection reports, so a page can tell "no Proxmox at all" from "none of these". */
export const isProxmox = (r: Resource) => /^(pve|pbs|pmg):/.test(r.id);

export type MemSource = 'available' | 'rrd-memavailable' | 'used-minus-cache' | 'used' | 'guest-agent' | 'balloon' | 'cluster-resources';

/** What a memory figure means, in a few words, for the small hint beside it. */
export const memSourceLabel: Record<MemSource, string> = {
  available: 'MemAvailable',
  'rrd-memavailable': 'MemAvailable (RRD)',
  'used-minus-cache': 'used − cache',
  used: 'used incl. cache',
  'guest-agent': 'guest agent',
  balloon: 'balloon driver',
  'cluster-resources': 'host view',
};

/** Why a figure may be off, for the hint's tooltip. */
export const memSourceExplained: Record<MemSource, string> = {
  available: "Total minus the kernel's MemAvailable: page cache that can be dropped is not counted as used.",
  'rrd-memavailable': 'From the node RRD figures of MemAvailable: page cache is not counted as used.',
  'used-minus-cache': 'Used minus buffers and page cache, as free(1) shows it.',
  used: 'Counts page cache as used, so it can read higher than what is really taken.',
  'guest-agent': "Read by the QEMU guest agent inside the VM: the guest's own view, cache not counted.",
  balloon: "From the balloon driver's report inside the VM: close to the guest's own view.",
  'cluster-resources': "Proxmox's view from outside the VM: memory the guest touched once, cache included, counts as used.",
};

export const asMemSource = (v: unknown): MemSource | undefined => (typeof v === 'string' && v in memSourceLabel ? (v as MemSource) : undefined);

export interface NodeFacts {
  node: string;
  cluster?: string;
  pveVersion?: string;
  kernel?: string;
  cpuModel?: string;
  ip?: string;
  memSource?: MemSource;
  error?: string;
}

export function nodeFacts(r: Resource): NodeFacts {
  const d = r.details;
  return {
    node: str(d['node']) ?? r.name,
    cluster: str(d['cluster']),
    pveVersion: str(d['pveVersion']) ?? str(d['version']),
    kernel: str(d['kernel']),
    cpuModel: str(d['cpuModel']),
    ip: str(d['ip']) ?? r.identity.ips?.[0],
    memSource: asMemSource(d['memSource']),
    error: errorText(d['error']),
  };
}

export type GuestKind = 'qemu' | 'lxc';
export type GuestState = 'running' | 'stopped' | 'paused' | 'unknown';
export type AgentState = 'running' | 'enabled-not-running' | 'disabled';

export interface GuestFilesystem {
  mount: string;
  type?: string;
  used?: number;
  total?: number;
  percent?: number;
}

export interface LastBackup {
  time: number;
  status?: string;
  storage?: string;
  size?: number;
}

export interface GuestFacts {
  kind: GuestKind;
  vmid: number | undefined;
  node?: string;
  state: GuestState;
  pool?: string;
  tags: string[];
  template: boolean;
  lock?: string;
  haState?: string;
  memSource?: MemSource;
  agent?: AgentState;
  os?: string;
  ips: string[];
  filesystems: GuestFilesystem[];
  lastBackup?: LastBackup;
  snapshots?: number;
}

const GUEST_STATES = new Set(['running', 'stopped', 'paused']);
const AGENT_STATES = new Set(['running', 'enabled-not-running', 'disabled']);

export function guestFacts(r: Resource): GuestFacts {
  const d = r.details;
  const vmidFromId = Number(/\/(\d+)$/.exec(r.id)?.[1]);
  const status = str(d['status']);
  const backup = obj(d['lastBackup']);
  const backupTime = num(backup?.['time']);
  const tags = strings(d['tags']);
  return {
    kind: r.type === 'vm' ? 'qemu' : 'lxc',
    vmid: num(d['vmid']) ?? (Number.isFinite(vmidFromId) ? vmidFromId : undefined),
    node: str(d['node']),
    state: status && GUEST_STATES.has(status) ? (status as GuestState) : r.status === 'online' ? 'running' : r.status === 'offline' ? 'stopped' : 'unknown',
    pool: str(d['pool']),
    tags: tags.length ? tags : r.tags,
    template: d['template'] === true || d['template'] === 1,
    lock: str(d['lock']),
    haState: str(d['hastate']),
    memSource: asMemSource(d['memSource']),
    agent: typeof d['agent'] === 'string' && AGENT_STATES.has(d['agent']) ? (d['agent'] as AgentState) : undefined,
    os: str(d['os']),
    ips: strings(d['ips']),
    filesystems: list(d['filesystems']).flatMap((f): GuestFilesystem[] => {
      const o = obj(f);
      const mount = str(o?.['mount']);
      if (!o || !mount) return [];
      const used = num(o['used']);
      const total = num(o['total']);
      return [{ mount, type: str(o['type']), used, total, percent: used !== undefined && total ? (used / total) * 100 : undefined }];
    }),
    lastBackup: backupTime === undefined ? undefined : { time: backupTime, status: str(backup?.['status']), storage: str(backup?.['storage']), size: num(backup?.['size']) },
    snapshots: num(d['snapshots']),
  };
}

/** A failed HA state or a lock is worth a badge; a lock left by a failed backup especially. */
export const haTone = (state: string | undefined) => (state === 'error' || state === 'fence' ? 'crit' : state === 'started' ? 'ok' : 'unknown');

export interface StorageFacts {
  storage: string;
  plugin?: string;
  content: string[];
  shared: boolean;
  active: boolean;
  enabled: boolean;
  nodes: string[];
  node?: string;
}

export function storageFacts(r: Resource): StorageFacts {
  const d = r.details;
  const path = pathOf(r.id) ?? '';
  const parts = path.split('/');
  return {
    storage: str(d['storage']) ?? parts.at(-1) ?? r.name,
    plugin: str(d['plugin']),
    content: strings(d['content']),
    shared: d['shared'] === true,
    active: d['active'] !== false,
    enabled: d['enabled'] !== false,
    nodes: strings(d['nodes']),
    node: parts.length === 3 ? parts[1] : undefined,
  };
}

export interface ZfsDevice {
  name: string;
  state?: string;
  read?: number;
  write?: number;
  cksum?: number;
}

export interface ZfsFacts {
  pool: string;
  node?: string;
  health?: string;
  devices: ZfsDevice[];
}

export function zfsFacts(r: Resource): ZfsFacts {
  const parts = (pathOf(r.id) ?? '').split('/');
  return {
    pool: parts[2] ?? r.name,
    node: parts[1],
    health: str(r.details['health']),
    devices: list(r.details['devices']).flatMap((v): ZfsDevice[] => {
      const o = obj(v);
      const name = str(o?.['name']);
      return o && name ? [{ name, state: str(o['state']), read: num(o['read']), write: num(o['write']), cksum: num(o['cksum']) }] : [];
    }),
  };
}

export interface DiskFacts {
  dev: string;
  node?: string;
  devpath?: string;
  model?: string;
  serial?: string;
  kind?: string;
  health?: string;
}

export function diskFacts(r: Resource): DiskFacts {
  const parts = (pathOf(r.id) ?? '').split('/');
  const d = r.details;
  return {
    dev: parts[2] ?? r.name,
    node: parts[1],
    devpath: str(d['devpath']),
    model: str(d['model']),
    serial: str(d['serial']),
    kind: str(d['kind']),
    health: str(d['health']),
  };
}

/** ZFS health and SMART results in the shared tones. */
export function healthTone(health: string | undefined): 'ok' | 'warn' | 'crit' | 'unknown' {
  const h = health?.toUpperCase();
  if (!h || h === 'UNKNOWN') return 'unknown';
  if (h === 'ONLINE' || h === 'PASSED' || h === 'OK' || h === 'HEALTH_OK') return 'ok';
  if (h === 'FAILED' || h === 'FAULTED' || h === 'UNAVAIL' || h === 'REMOVED' || h === 'HEALTH_ERR') return 'crit';
  return 'warn';
}

export interface CephCheck {
  code: string;
  severity?: string;
  summary?: string;
}

export function cephFacts(r: Resource): { health?: string; checks: CephCheck[] } {
  return {
    health: str(r.details['health']),
    checks: list(r.details['checks']).flatMap((v): CephCheck[] => {
      const o = obj(v);
      const code = str(o?.['code']);
      return o && code ? [{ code, severity: str(o['severity']), summary: str(o['summary']) }] : [];
    }),
  };
}

export interface DatastoreJob {
  kind: string;
  id: string;
  lastRunState?: string;
  lastRunEnd?: number;
  nextRun?: number;
}

export interface DatastoreFacts {
  store: string;
  /** why the datastore cannot be read (not mounted, gone), when it cannot */
  error?: string;
  estimatedFull?: number;
  gc?: { lastRun?: number; status?: string; removedBytes?: number };
  jobs: DatastoreJob[];
}

export function datastoreFacts(r: Resource): DatastoreFacts {
  const d = r.details;
  const gc = obj(d['gc']);
  return {
    store: str(d['store']) ?? r.name,
    error: errorText(d['error']),
    estimatedFull: num(d['estimatedFull']),
    gc: gc && { lastRun: num(gc['lastRun']), status: str(gc['status']), removedBytes: num(gc['removedBytes']) },
    jobs: list(d['jobs']).flatMap((v): DatastoreJob[] => {
      const o = obj(v);
      const id = str(o?.['id']);
      return o && id
        ? [{ kind: str(o['kind']) ?? 'job', id, lastRunState: str(o['lastRunState']), lastRunEnd: num(o['lastRunEnd']), nextRun: num(o['nextRun']) }]
        : [];
    }),
  };
}

/** A task's end state as PBS writes it: "OK", "WARNINGS: 2", or an error text. */
export function taskTone(state: string | undefined): 'ok' | 'warn' | 'crit' | 'unknown' {
  if (!state) return 'unknown';
  if (state.toUpperCase() === 'OK' || state === 'ok') return 'ok';
  if (/^warn/i.test(state)) return 'warn';
  return 'crit';
}

export interface BackupGroupFacts {
  backupType: string;
  backupId: string;
  namespace?: string;
  owner?: string;
  verification: 'ok' | 'failed' | 'none';
  protected: boolean;
  /** The datastore resource id (the group's parent). */
  datastoreId?: string;
}

export function backupGroupFacts(r: Resource): BackupGroupFacts {
  const d = r.details;
  const parts = (pathOf(r.id) ?? '').split('/');
  const v = str(d['verification']);
  return {
    backupType: str(d['backupType']) ?? parts.at(-2) ?? '',
    backupId: str(d['backupId']) ?? parts.at(-1) ?? r.name,
    namespace: str(d['namespace']),
    owner: str(d['owner']),
    verification: v === 'ok' || v === 'failed' ? v : 'none',
    protected: d['protected'] === true,
    datastoreId: r.parentId,
  };
}

/** Usage of a storage-like resource: used, total and percent, whichever the source gave. */
export function usageOf(r: Resource): { used?: number; total?: number; percent?: number } {
  return { used: metric(r, 'disk.used'), total: metric(r, 'disk.total'), percent: percentOf(r, 'disk') };
}

export const proxmoxHref = (id: string) => `/resources/${encodeURIComponent(id)}`;
