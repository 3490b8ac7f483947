import type { ResourceStatus } from '@pulse/protocol';
import type { ObservedResource } from '../../../resources/observation.js';
import type { ClusterResource, DiskEntry, StorageEntry, ZfsPoolDetail, ZfsPoolEntry, ZfsVdev } from '../answers/index.js';
import { put, putUsage, round2 } from './figures.js';
import { diskId, pveNodeId, sourceId, storageId, zfsId } from './ids.js';

/* PVE storages, ZFS pools and physical disks, per node. */

export interface PveStorageInput {
  connection: string;
  /** /nodes/{n}/storage by node name */
  perNode?: Record<string, StorageEntry[]>;
  /**
   * /cluster/resources storage rows, used for nodes missing from `perNode` (their own call
   * failed): `status: available` stands for active and enabled.
   */
  resources?: ClusterResource[];
}

/** One storage as one node sees it, whichever answer it came from. */
interface Seen {
  node: string;
  entry: StorageEntry;
}

function fromResources(rows: ClusterResource[], skip: Set<string>): Seen[] {
  return rows.flatMap((r) => {
    if (r.type !== 'storage' || !r.node || !r.storage || skip.has(r.node)) return [];
    const available = r.status === 'available';
    const entry: StorageEntry = {
      storage: r.storage,
      type: r.plugintype ?? 'unknown',
      content: r.content,
      active: available,
      // The row cannot tell disabled from inactive; leave enabled unknown.
      enabled: undefined,
      shared: r.shared,
      total: r.maxdisk,
      used: r.disk,
      avail: undefined,
      used_fraction: undefined,
    };
    return [{ node: r.node, entry }];
  });
}

const splitContent = (content: string | undefined): string[] => (content ? content.split(',').map((s) => s.trim()).filter(Boolean).sort() : []);

function storageResource(c: string, id: string, parentNode: string | undefined, group: Seen[]): ObservedResource {
  const first = group[0]!.entry;
  // Every node sees the same figures of a shared storage; take them from one that has it mounted.
  const figures = group.find((s) => s.entry.active && (s.entry.total ?? 0) > 0)?.entry ?? first;
  const active = group.filter((s) => s.entry.active === true).length;
  const enabled = group.some((s) => s.entry.enabled !== false);
  let status: ResourceStatus = 'online';
  if (!enabled || active === 0) status = 'offline';
  else if (active < group.length) status = 'degraded';
  const metrics: Record<string, number> = {};
  if (active > 0) putUsage(metrics, 'disk', figures.used, figures.total);
  return {
    id,
    type: 'storage',
    name: first.storage,
    ...(parentNode ? { parentId: pveNodeId(c, parentNode) } : {}),
    source: sourceId('pve', c),
    status,
    metrics,
    details: {
      product: 'pve',
      storage: first.storage,
      plugin: first.type,
      content: splitContent(first.content),
      shared: first.shared === true,
      active: active > 0,
      enabled,
      nodes: group.map((s) => s.node).sort(),
    },
    identity: {},
    tags: [],
  };
}

/**
 * Per-node storages as `storage/<node>/<id>`; a shared storage (NFS, Ceph, PBS ...) once as
 * `storage/<id>` with the nodes that use it, so its bytes are not counted once per node.
 */
export function normalizePveStorage(input: PveStorageInput): ObservedResource[] {
  const c = input.connection;
  const perNode = input.perNode ?? {};
  const seen: Seen[] = Object.entries(perNode).flatMap(([node, entries]) => entries.map((entry) => ({ node, entry })));
  seen.push(...fromResources(input.resources ?? [], new Set(Object.keys(perNode))));
  const shared = new Map<string, Seen[]>();
  const out: ObservedResource[] = [];
  for (const s of seen) {
    if (s.entry.shared === true) {
      // pushed, not spread: a storage shared by 500 nodes was copied 500 times per cycle
      const group = shared.get(s.entry.storage);
      if (group) group.push(s);
      else shared.set(s.entry.storage, [s]);
    } else out.push(storageResource(c, storageId(c, s.entry.storage, s.node), s.node, [s]));
  }
  for (const [storage, group] of shared) out.push(storageResource(c, storageId(c, storage), undefined, group));
  return out;
}

function flattenVdevs(vdevs: ZfsVdev[] | undefined, out: Array<{ name: string; state: string; read: number; write: number; cksum: number }>): void {
  for (const v of vdevs ?? []) {
    out.push({ name: v.name, state: v.state ?? 'UNKNOWN', read: v.read ?? 0, write: v.write ?? 0, cksum: v.cksum ?? 0 });
    flattenVdevs(v.children, out);
  }
}

/** ZFS pools of one node: `disks/zfs` for figures, `disks/zfs/{pool}` (when read) for the vdev tree. */
export function normalizeZfsPools(connection: string, node: string, pools: ZfsPoolEntry[], details: Record<string, ZfsPoolDetail> = {}): ObservedResource[] {
  return pools.map((pool) => {
    const detail = details[pool.name];
    const health = (pool.health ?? detail?.state ?? 'UNKNOWN').toUpperCase();
    const metrics: Record<string, number> = {};
    putUsage(metrics, 'disk', pool.alloc, pool.size);
    put(metrics, 'zfs.frag', pool.frag);
    const devices: Array<{ name: string; state: string; read: number; write: number; cksum: number }> = [];
    flattenVdevs(detail?.children, devices);
    const out: Record<string, unknown> = { plugin: 'zfs-pool', node, pool: pool.name, health };
    if (detail) {
      out.devices = devices;
      if (detail.status) out.message = detail.status;
      if (detail.action) out.action = detail.action;
      if (detail.scan) out.scan = detail.scan;
      if (detail.errors) out.errors = detail.errors;
    }
    const errorCount = devices.reduce((n, d) => n + d.read + d.write + d.cksum, 0);
    return {
      id: zfsId(connection, node, pool.name),
      type: 'storage',
      name: pool.name,
      parentId: pveNodeId(connection, node),
      source: sourceId('pve', connection),
      status: health === 'ONLINE' && errorCount === 0 ? 'online' : 'degraded',
      metrics,
      details: out,
      identity: {},
      tags: [],
    } satisfies ObservedResource;
  });
}

const DISK_KINDS = new Set(['ssd', 'hdd', 'nvme', 'usb']);

/** PASSED (ATA), OK (SAS/SCSI), FAILED, UNKNOWN; "SMART Disabled" and the like read as UNKNOWN. */
function diskHealth(health: string | undefined): 'PASSED' | 'OK' | 'FAILED' | 'UNKNOWN' {
  const h = (health ?? '').trim().toUpperCase();
  if (h === 'PASSED' || h === 'OK') return h;
  if (h.startsWith('FAIL')) return 'FAILED';
  return 'UNKNOWN';
}

/** Physical disks of one node. `disk.wearout` is life *used*: PVE reports life remaining. */
export function normalizeDisks(connection: string, node: string, disks: DiskEntry[]): ObservedResource[] {
  return disks.map((d) => {
    const dev = d.devpath.replace(/^\/dev\//, '');
    const health = diskHealth(d.health);
    const metrics: Record<string, number> = {};
    if (d.wearout !== undefined && d.wearout >= 0 && d.wearout <= 100) put(metrics, 'disk.wearout', round2(100 - d.wearout));
    put(metrics, 'disk.size', d.size);
    const details: Record<string, unknown> = {
      node,
      devpath: d.devpath,
      kind: d.type && DISK_KINDS.has(d.type) ? d.type : 'unknown',
      health,
    };
    if (d.model) details.model = d.model.trim();
    if (d.serial) details.serial = d.serial;
    if (d.vendor?.trim() && d.vendor.trim() !== 'unknown') details.vendor = d.vendor.trim();
    if (d.used) details.usedBy = d.used;
    return {
      id: diskId(connection, node, dev),
      type: 'disk',
      name: `${node}/${dev}`,
      parentId: pveNodeId(connection, node),
      source: sourceId('pve', connection),
      status: health === 'FAILED' ? 'degraded' : 'online',
      metrics,
      details,
      identity: {},
      tags: [],
    } satisfies ObservedResource;
  });
}
