/**
 * Memory and swap figures from parsed `/proc/meminfo` (bytes by key).
 *
 * `mem.used` is MemTotal − MemAvailable: page cache the kernel can drop is not "used", which is
 * what free(1) and htop show and what users expect an alert on. `mem.cached` is
 * Cached + SReclaimable − Shmem: tmpfs/shared memory sits in Cached but cannot be dropped, and
 * reclaimable slab (dentries, inodes) can, so this is the memory that would come back under
 * pressure.
 */
export function memoryMetrics(info: Map<string, number>): Record<string, number> {
  const get = (key: string): number => info.get(key) ?? 0;
  const total = get('MemTotal');
  // MemAvailable appeared in 3.14; before that the usual estimate is free + buffers + cache.
  const available = info.get('MemAvailable') ?? get('MemFree') + get('Buffers') + get('Cached');
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
    'mem.cached': Math.max(0, get('Cached') + get('SReclaimable') - get('Shmem')),
    'mem.percent': percentOf(used, total),
    'swap.total': swapTotal,
    'swap.used': swapUsed,
    'swap.percent': percentOf(swapUsed, swapTotal),
  };
}

/** `part / whole` as 0-100; 0 when there is no whole (no swap configured, empty filesystem). */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 0;
}
