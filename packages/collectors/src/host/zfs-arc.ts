import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MountEntry } from './filesystems.js';

/** The ZFS Adaptive Replacement Cache, in bytes. */
export interface ZfsArc {
  /** Current ARC size (`size`). */
  size: number;
  /** The floor ZFS will not shrink the ARC below (`c_min`). */
  min: number;
}

/**
 * `/proc/spl/kstat/zfs/arcstats`: a kstat header line, a `name type data` line, then one
 * `name type value` row per statistic. Undefined when `size` is missing (not an arcstats file).
 */
export function parseArcstats(text: string): ZfsArc | undefined {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, type, data] = line.trim().split(/\s+/);
    // Type 4 is KSTAT_DATA_UINT64; every figure used here is one. The header rows fail the test.
    if (name && type && /^\d+$/.test(type) && data && /^\d+$/.test(data)) values.set(name, Number(data));
  }
  const size = values.get('size');
  if (size === undefined) return undefined;
  return { size, min: values.get('c_min') ?? 0 };
}

/**
 * Whether `/proc/meminfo` is lxcfs's per-container view (LXC, Proxmox CTs, Incus). arcstats is never
 * virtualised, so there it describes the host's ARC, which the container's memory does not contain:
 * taking it off the container's used memory would drive it to 0. htop skips ARC in containers for
 * the same reason; a Docker container without lxcfs sees the host's meminfo, where ARC does apply.
 */
export function hasVirtualisedMeminfo(mounts: MountEntry[]): boolean {
  return mounts.some((mount) => mount.fstype === 'fuse.lxcfs' && mount.mountPoint.endsWith('/meminfo'));
}

/** The ARC, or undefined when ZFS is not loaded (no `/proc/spl`); other read errors are thrown. */
export function readZfsArc(procRoot: string): ZfsArc | undefined {
  let text: string;
  try {
    text = readFileSync(join(procRoot, 'spl/kstat/zfs/arcstats'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  return parseArcstats(text);
}
