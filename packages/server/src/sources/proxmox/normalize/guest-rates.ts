/*
 * Byte rates of guests from the counters PVE reports (netin/netout/diskread/diskwrite: totals
 * since the guest started), between our own polls. The state lives in the tracker the poller
 * owns, one per connection, never in the module.
 */

export interface GuestCounters {
  /** s; a smaller value than last time means the guest restarted and its counters began again */
  uptime?: number | undefined;
  netin?: number | undefined;
  netout?: number | undefined;
  diskread?: number | undefined;
  diskwrite?: number | undefined;
}

export interface RateTracker {
  /**
   * Rates (bytes/s) as `net.rx`, `net.tx`, `disk.read`, `disk.write` between the previous sample
   * of `key` and this one taken at `at` (ms). Empty on the first sample, after a restart and for
   * a stopped guest; a counter that went backwards gives no rate for that counter, never a
   * negative one.
   */
  rates(key: string, at: number, counters: GuestCounters): Record<string, number>;
  /** Forgets every key not in `keep` (guests deleted, or gone with their connection). */
  retain(keep: Iterable<string>): void;
  readonly size: number;
}

const COUNTERS = [
  ['netin', 'net.rx'],
  ['netout', 'net.tx'],
  ['diskread', 'disk.read'],
  ['diskwrite', 'disk.write'],
] as const;

interface Baseline {
  at: number;
  counters: GuestCounters;
  last: Record<string, number>;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function sameSample(a: GuestCounters, b: GuestCounters): boolean {
  return a.uptime === b.uptime && COUNTERS.every(([k]) => a[k] === b[k]);
}

export function createRateTracker(): RateTracker {
  const baselines = new Map<string, Baseline>();
  return {
    rates(key, at, counters) {
      const prev = baselines.get(key);
      const running = counters.uptime !== undefined && counters.uptime > 0;
      if (!running) {
        baselines.set(key, { at, counters, last: {} });
        return {};
      }
      // pvestatd refreshes /cluster/resources about every 10 s; a poll that sees the same sample
      // again repeats the last rates instead of reporting a burst of zero then double.
      if (prev && sameSample(prev.counters, counters)) return { ...prev.last };
      const restarted = prev?.counters.uptime !== undefined && counters.uptime! < prev.counters.uptime;
      if (!prev || restarted || !(at > prev.at)) {
        baselines.set(key, { at, counters, last: {} });
        return {};
      }
      // The uptime delta is the time between PVE's own two samples, free of our polling jitter
      // and of the sample's age; the wall clock stands in when uptime did not move.
      const uptimeDelta = counters.uptime! - (prev.counters.uptime ?? 0);
      const elapsed = prev.counters.uptime !== undefined && uptimeDelta > 0 ? uptimeDelta : (at - prev.at) / 1000;
      const out: Record<string, number> = {};
      for (const [counter, metric] of COUNTERS) {
        const before = prev.counters[counter];
        const now = counters[counter];
        if (before === undefined || now === undefined || now < before) continue;
        out[metric] = round2((now - before) / elapsed);
      }
      baselines.set(key, { at, counters, last: out });
      return { ...out };
    },
    retain(keep) {
      const wanted = new Set(keep);
      for (const key of baselines.keys()) if (!wanted.has(key)) baselines.delete(key);
    },
    get size() {
      return baselines.size;
    },
  };
}
