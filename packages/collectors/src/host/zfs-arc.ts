import { readUtf8 } from './kernel-files.js';
import type { ReadText } from './kernel-files.js';
import type { MountEntry } from './filesystems.js';
import { fieldEnd, isDigits, lineEnd, skipBlanks } from './text-scan.js';

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
  let size: number | undefined;
  let min: number | undefined;
  // ~100 rows, read every collection on a ZFS host: only the two used are parsed.
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    const nameStart = skipBlanks(text, start, end);
    const nameEnd = fieldEnd(text, nameStart, end);
    const name = text.slice(nameStart, nameEnd);
    if (name === 'size' || name === 'c_min') {
      const typeStart = skipBlanks(text, nameEnd, end);
      const typeEnd = fieldEnd(text, typeStart, end);
      const dataStart = skipBlanks(text, typeEnd, end);
      const dataEnd = fieldEnd(text, dataStart, end);
      // Type 4 is KSTAT_DATA_UINT64; every figure used here is one. The header rows fail the test.
      if (isDigits(text, typeStart, typeEnd) && isDigits(text, dataStart, dataEnd)) {
        const value = Number(text.slice(dataStart, dataEnd));
        if (name === 'size') size = value;
        else min = value;
      }
    }
    start = end + 1;
  }
  if (size === undefined) return undefined;
  return { size, min: min ?? 0 };
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
export function readZfsArc(procRoot: string, read: ReadText = readUtf8): ZfsArc | undefined {
  let text: string;
  try {
    text = read(`${procRoot}/spl/kstat/zfs/arcstats`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  return parseArcstats(text);
}
