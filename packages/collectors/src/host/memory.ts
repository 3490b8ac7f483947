import type { ZfsArc } from './zfs-arc.js';

export interface MemoryContext {
  /**
   * `/proc/sys/vm/min_free_kbytes` in bytes, used only to estimate MemAvailable on kernels older than
   * 3.14 that do not print it; undefined when unreadable.
   */
  minFreeBytes?: number | undefined;
  /** The ZFS ARC when it is loaded and counted in this meminfo's used memory (see zfs-arc.ts). */
  arc?: ZfsArc | undefined;
}

/**
 * Memory and swap figures from parsed `/proc/meminfo` (bytes by key).
 *
 * `mem.used` is MemTotal − MemAvailable: page cache the kernel can drop is not "used", which is
 * what free(1) and htop show and what users expect an alert on. `mem.cached` is
 * Cached + SReclaimable − Shmem: tmpfs/shared memory sits in Cached but cannot be dropped, and
 * reclaimable slab (dentries, inodes) can, so this is the memory that would come back under
 * pressure.
 *
 * ZFS's ARC is a cache too, but the kernel does not know it: it is not in Cached nor MemAvailable, so
 * on a ZFS host (Proxmox) used memory looks nearly full. Like htop, the part of the ARC that ZFS gives
 * back under pressure (size − c_min; it never shrinks below c_min) moves from used to available and
 * cached, and `mem.zfs_arc` reports the whole ARC size.
 */
export function memoryMetrics(info: Map<string, number>, context: MemoryContext = {}): Record<string, number> {
  const get = (key: string): number => info.get(key) ?? 0;
  const total = get('MemTotal');
  const arcReclaimable = context.arc ? Math.max(0, context.arc.size - context.arc.min) : 0;
  const kernelAvailable = info.get('MemAvailable') ?? estimateAvailable(info, context.minFreeBytes);
  const available = Math.min(total, kernelAvailable + arcReclaimable);
  const used = Math.max(0, total - available);

  const swapTotal = get('SwapTotal');
  // Swap cache pages also live in RAM, so counting them as swap used would double-count them.
  const swapUsed = Math.max(0, swapTotal - get('SwapFree') - get('SwapCached'));

  return {
    'mem.total': total,
    'mem.available': available,
    'mem.used': used,
    'mem.free': get('MemFree'),
    'mem.buffers': get('Buffers'),
    'mem.cached': Math.max(0, get('Cached') + get('SReclaimable') - get('Shmem')) + arcReclaimable,
    'mem.percent': percentOf(used, total),
    ...(context.arc ? { 'mem.zfs_arc': context.arc.size } : {}),
    'swap.total': swapTotal,
    'swap.used': swapUsed,
    'swap.percent': percentOf(swapUsed, swapTotal),
  };
}

/**
 * MemAvailable for kernels before 3.14, worked out the way the kernel's si_mem_available() does and
 * procps-ng's free(1) approximates it on those kernels: free memory above the low watermark, plus the
 * half of the file cache and reclaimable slab that can go without thrashing. The low watermark is
 * min_free_kbytes × 5/4 (the sum of the zones' `low` in /proc/zoneinfo). Kernels before 2.6.28
 * have no Active(file)/Inactive(file) split; for those, free + buffers + cache, the old free(1)
 * "-/+ buffers/cache" figure.
 */
export function estimateAvailable(info: Map<string, number>, minFreeBytes: number | undefined): number {
  const get = (key: string): number => info.get(key) ?? 0;
  if (!info.has('Active(file)')) return get('MemFree') + get('Buffers') + get('Cached');
  const low = ((minFreeBytes ?? 0) * 5) / 4;
  const pageCache = get('Active(file)') + get('Inactive(file)');
  const slab = get('SReclaimable');
  const available = get('MemFree') - low
    + pageCache - Math.min(pageCache / 2, low)
    + slab - Math.min(slab / 2, low);
  return Math.max(0, available);
}

/** `part / whole` as 0-100; 0 when there is no whole (no swap configured, empty filesystem). */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 0;
}
