/** One metric's recent points, oldest first, in two growing arrays with a moving start. */
class Series {
  t: number[] = [];
  v: number[] = [];
  start = 0;

  push(t: number, v: number, cutoff: number): void {
    let at = this.t.length;
    // Two sources reporting one machine (identity matching) interleave their samples a little out of
    // order; keep the arrays sorted. The right place is almost always within a step or two of the end.
    while (at > this.start && this.t[at - 1]! > t) at--;
    if (at === this.t.length) {
      this.t.push(t);
      this.v.push(v);
    } else if (this.t[at - 1] === t && at - 1 >= this.start) {
      this.v[at - 1] = v;
    } else {
      this.t.splice(at, 0, t);
      this.v.splice(at, 0, v);
    }
    this.trim(cutoff);
  }

  trim(cutoff: number): void {
    while (this.start < this.t.length && this.t[this.start]! < cutoff) this.start++;
    // Compact when the dead prefix is half the arrays: amortised O(1) per point.
    if (this.start > 64 && this.start * 2 > this.t.length) {
      this.t = this.t.slice(this.start);
      this.v = this.v.slice(this.start);
      this.start = 0;
    }
  }
}

export interface SeriesPoints {
  t: number[];
  v: number[];
}

/**
 * The last `windowMs` of every metric of every resource, in memory, so sparklines and the detail
 * charts open instantly without touching the database.
 */
export function createRecentSeries({ windowMs, now }: { windowMs: number; now: () => number }) {
  const byResource = new Map<string, Map<string, Series>>();
  return {
    record(id: string, t: number, metrics: Record<string, number>): void {
      let series = byResource.get(id);
      if (!series) byResource.set(id, (series = new Map()));
      const cutoff = t - windowMs;
      for (const [name, value] of Object.entries(metrics)) {
        if (!Number.isFinite(value)) continue;
        let s = series.get(name);
        if (!s) series.set(name, (s = new Series()));
        s.push(t, value, cutoff);
      }
    },
    read(id: string, names: string[], sinceMs: number): Record<string, SeriesPoints> {
      const out: Record<string, SeriesPoints> = {};
      const series = byResource.get(id);
      const cutoff = Math.max(now() - windowMs, sinceMs);
      for (const name of names) {
        const s = series?.get(name);
        if (!s) {
          out[name] = { t: [], v: [] };
          continue;
        }
        let i = s.start;
        while (i < s.t.length && s.t[i]! < cutoff) i++;
        out[name] = { t: s.t.slice(i), v: s.v.slice(i) };
      }
      return out;
    },
    forget(id: string): void {
      byResource.delete(id);
    },
    get pointCount(): number {
      let n = 0;
      for (const series of byResource.values()) for (const s of series.values()) n += s.t.length - s.start;
      return n;
    },
  };
}
export type RecentSeries = ReturnType<typeof createRecentSeries>;
