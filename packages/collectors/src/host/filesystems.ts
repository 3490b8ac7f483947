import { percentOf } from './memory.js';

/** One line of `/proc/<pid>/mountinfo`, with the fields the source needs. */
export interface MountEntry {
  /** `major:minor` of the filesystem; bind mounts of one filesystem share it. */
  device: string;
  /** Path inside the filesystem that is mounted (not `/` for bind mounts of a subdirectory). */
  root: string;
  mountPoint: string;
  fstype: string;
  /** What was mounted: `/dev/sda1`, `server:/export`, `tmpfs`. */
  source: string;
  readonly: boolean;
}

export interface StatfsResult {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

export type Statfs = (path: string) => StatfsResult;

export interface FilesystemUsage {
  mount: string;
  device: string;
  fstype: string;
  total: number;
  used: number;
  available: number;
  percent: number;
  readonly: boolean;
}

/**
 * Types that hold no user data. node_exporter's default list, plus tmpfs/ramfs: they live in RAM
 * (already counted as `Shmem` in memory) so adding them to disk totals would count memory twice.
 */
const pseudoFsTypes = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs',
  'efivarfs', 'erofs', 'fusectl', 'hugetlbfs', 'iso9660', 'mqueue', 'nsfs', 'overlay', 'proc', 'procfs',
  'pstore', 'ramfs', 'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs',
  'fuse.lxcfs', 'fuse.gvfsd-fuse', 'fuse.portal',
]);

// node_exporter's default mount-point exclude: kernel trees and container runtimes' layer stores.
const ignoredMountPoint = /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/** mountinfo escapes space, tab, newline and backslash as 3-digit octal (`\040`). */
export function decodeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    // Optional fields (shared:N, master:N) come before the lone '-' separator, so count from it.
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    const options = `${fields[5]},${fields[dash + 3] ?? ''}`.split(',');
    mounts.push({
      device: fields[2]!,
      root: decodeMountPath(fields[3]!),
      mountPoint: decodeMountPath(fields[4]!),
      fstype: fields[dash + 1]!,
      source: decodeMountPath(fields[dash + 2]!),
      readonly: options.includes('ro'),
    });
  }
  return mounts;
}

export function isRealMount(mount: MountEntry): boolean {
  return !pseudoFsTypes.has(mount.fstype) && !ignoredMountPoint.test(mount.mountPoint);
}

/**
 * The mounts worth reporting, one per filesystem. A path mounted twice is represented by the later
 * mount (mountinfo lists in mount order and the later one hides the earlier). A filesystem mounted
 * at several places (bind mounts, btrfs subvolumes) is one filesystem: keep its shortest path,
 * which is the one users recognise (`/` rather than `/srv/www`).
 */
export function selectRealMounts(mounts: MountEntry[]): MountEntry[] {
  const byPath = new Map<string, MountEntry>();
  for (const mount of mounts) if (isRealMount(mount)) byPath.set(mount.mountPoint, mount);
  const byDevice = new Map<string, MountEntry>();
  for (const mount of byPath.values()) {
    const kept = byDevice.get(mount.device);
    if (!kept || mount.mountPoint.length < kept.mountPoint.length) byDevice.set(mount.device, mount);
  }
  return [...byDevice.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

/**
 * Sizes via statfs, as df computes them: `used` counts blocks reserved for root, `available` is
 * what an unprivileged user can still write, and percent is used / (used + available). A mount
 * whose statfs fails (stale NFS, EACCES inside a container) is skipped and logged at debug so one
 * bad mount does not cost the whole host; empty filesystems (0 blocks) are skipped as df does.
 */
export function measureFilesystems(
  mounts: MountEntry[], statfs: Statfs, onSkip: (mount: MountEntry, err: unknown) => void,
): FilesystemUsage[] {
  const usage: FilesystemUsage[] = [];
  for (const mount of mounts) {
    let stats: StatfsResult;
    try {
      stats = statfs(mount.mountPoint);
    } catch (err) {
      onSkip(mount, err);
      continue;
    }
    if (!(stats.blocks > 0)) continue;
    const used = Math.max(0, stats.blocks - stats.bfree) * stats.bsize;
    const available = Math.max(0, stats.bavail) * stats.bsize;
    usage.push({
      mount: mount.mountPoint,
      device: mount.source,
      fstype: mount.fstype,
      total: stats.blocks * stats.bsize,
      used,
      available,
      percent: percentOf(used, used + available),
      readonly: mount.readonly,
    });
  }
  return usage;
}

export interface FilesystemTotals {
  total: number;
  used: number;
  available: number;
}

/**
 * Sums for the host's `disk.*` figures. Every ZFS dataset's statfs counts its pool's whole free
 * space as its own (blocks = its data + pool free), so a Proxmox root with a dozen mounted datasets
 * would otherwise report a dozen times the free space: a pool's free space counts once, its datasets'
 * used space adds up. Space in unmounted datasets and zvols (VM disks) is invisible to statfs and
 * so missing from both; only the pool (`zpool list`) knows it.
 */
export function filesystemTotals(filesystems: FilesystemUsage[]): FilesystemTotals {
  const totals: FilesystemTotals = { total: 0, used: 0, available: 0 };
  const poolAvailable = new Map<string, number>();
  for (const fs of filesystems) {
    totals.used += fs.used;
    if (fs.fstype === 'zfs') {
      const pool = fs.device.split('/')[0]!;
      poolAvailable.set(pool, Math.max(poolAvailable.get(pool) ?? 0, fs.available));
      totals.total += fs.used;
    } else {
      totals.available += fs.available;
      totals.total += fs.total;
    }
  }
  for (const available of poolAvailable.values()) {
    totals.available += available;
    totals.total += available;
  }
  return totals;
}
