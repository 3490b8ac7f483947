export interface SeriesPoints {
  t: number[];
  v: number[];
}

/**
 * Where recent points are read from: the metric store's raw tier, which holds the open chunks in
 * memory and includes samples still waiting for a flush (history/'s MetricStore satisfies this).
 */
export interface RawPointSource {
  read(resource: string, metric: string, tier: 'raw', from: number, to: number): Promise<SeriesPoints>;
}

/**
 * The last `windowMs` of a resource's metrics, for sparklines and the detail charts. A view of the
 * metric history's raw tier, not a copy: a second copy of every metric's last hour held 432 MB at
 * 50,000 series (bench/proxmox), while the raw tier already holds it encoded (its open chunks in
 * memory, the rest a chunk or two per series in the database). Values come as stored: to six
 * significant digits, timestamps a few ms off their rhythm put on it (history/precision.ts).
 */
export function createRecentSeries({ source, windowMs, now }: { source: RawPointSource; windowMs: number; now: () => number }) {
  return {
    async read(id: string, names: readonly string[], sinceMs: number): Promise<Record<string, SeriesPoints>> {
      const from = Math.max(now() - windowMs, sinceMs);
      const out: Record<string, SeriesPoints> = {};
      for (const name of names) {
        const { t, v } = await source.read(id, name, 'raw', from, Number.MAX_SAFE_INTEGER);
        out[name] = { t, v };
      }
      return out;
    },
  };
}
export type RecentSeries = ReturnType<typeof createRecentSeries>;
