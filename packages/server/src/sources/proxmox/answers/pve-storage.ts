import { z } from 'zod';
import { listOf, num, numOrNA, optFlag, optNum, optText, text } from './coerce.js';

/* Storage, disks, ZFS and Ceph answers of PVE. */

/** `GET /nodes/{node}/storage`: one entry per storage this node can use. */
export const StorageEntry = z.object({
  storage: text,
  type: text,
  /** "images,rootdir,backup" */
  content: optText,
  active: optFlag,
  enabled: optFlag,
  shared: optFlag,
  total: optNum,
  used: optNum,
  avail: optNum,
  used_fraction: optNum,
});
export type StorageEntry = z.output<typeof StorageEntry>;
export const StorageList = listOf(StorageEntry);

/** `GET /nodes/{node}/storage/{storage}/content?content=backup` */
export const StorageContentEntry = z.object({
  volid: text,
  content: optText,
  /** creation time, s */
  ctime: optNum,
  size: optNum,
  vmid: optNum,
  format: optText,
  notes: optText,
  protected: optFlag,
  verification: z.object({ state: optText, upid: optText }).optional(),
});
export type StorageContentEntry = z.output<typeof StorageContentEntry>;
export const StorageContent = listOf(StorageContentEntry);

/**
 * `GET /nodes/{node}/disks/list`. `wearout` is the percentage of life *remaining* (100 = new:
 * Diskmanage.pm takes SMART's normalised wear value, or 100 - "Percentage Used" for NVMe) and
 * "N/A" for disks without one.
 */
export const DiskEntry = z.object({
  devpath: text,
  type: optText,
  size: optNum,
  model: optText,
  serial: optText,
  vendor: optText,
  wwn: optText,
  health: optText,
  wearout: numOrNA,
  rpm: optNum,
  used: optText,
});
export type DiskEntry = z.output<typeof DiskEntry>;
export const DiskList = listOf(DiskEntry);

/** `GET /nodes/{node}/disks/zfs` */
export const ZfsPoolEntry = z.object({
  name: text,
  size: optNum,
  alloc: optNum,
  free: optNum,
  /** fragmentation, percent */
  frag: optNum,
  dedup: optNum,
  health: optText,
});
export type ZfsPoolEntry = z.output<typeof ZfsPoolEntry>;
export const ZfsPools = listOf(ZfsPoolEntry);

export interface ZfsVdev {
  name: string;
  state?: string | undefined;
  read?: number | undefined;
  write?: number | undefined;
  cksum?: number | undefined;
  msg?: string | undefined;
  children?: ZfsVdev[] | undefined;
}
const ZfsVdev: z.ZodType<ZfsVdev> = z.lazy(() =>
  z.object({
    name: text,
    state: optText,
    read: optNum,
    write: optNum,
    cksum: optNum,
    msg: optText,
    children: listOf(ZfsVdev).optional(),
  }),
);

/** `GET /nodes/{node}/disks/zfs/{pool}`: the vdev tree with error counters. */
export const ZfsPoolDetail = z.object({
  name: text,
  state: optText,
  status: optText,
  action: optText,
  scan: optText,
  errors: optText,
  children: listOf(ZfsVdev).optional(),
});
export type ZfsPoolDetail = z.output<typeof ZfsPoolDetail>;

const OsdCounts = z.object({ num_osds: optNum, num_up_osds: optNum, num_in_osds: optNum });

/**
 * `GET /cluster/ceph/status` (ceph status JSON). `health.checks` is a map code -> check. Older
 * Ceph nests the OSD counts one level deeper (`osdmap.osdmap`).
 */
export const CephStatus = z.object({
  health: z.object({
    status: text,
    checks: z
      .record(
        z.string(),
        z.object({ severity: optText, summary: z.object({ message: optText, count: optNum }).optional(), muted: optFlag }),
      )
      .optional(),
  }),
  pgmap: z
    .object({ bytes_total: optNum, bytes_used: optNum, bytes_avail: optNum, data_bytes: optNum, num_pgs: optNum })
    .optional(),
  osdmap: OsdCounts.extend({ osdmap: OsdCounts.optional() }).optional(),
  fsid: optText,
});
export type CephStatus = z.output<typeof CephStatus>;

/** `GET /cluster/ceph/df` (`ceph df` JSON): raw cluster usage. */
export const CephDf = z.object({
  stats: z.object({
    total_bytes: num,
    total_used_bytes: optNum,
    total_used_raw_bytes: optNum,
    total_avail_bytes: optNum,
  }),
});
export type CephDf = z.output<typeof CephDf>;
