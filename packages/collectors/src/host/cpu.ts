import type { CpuTimes, ProcStat } from './proc-readers.js';

/** Share of the interval spent in each mode, 0-100. */
export type CpuModes = Record<keyof CpuTimes, number>;

export interface CpuUsage {
  /** Whole-machine split across modes. */
  modes: CpuModes;
  /** Busy % per online core, ordered by core index. */
  cores: number[];
}

const zeroTimes: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
const modeNames = Object.keys(zeroTimes) as (keyof CpuTimes)[];

/**
 * Mode percentages between two samples, or undefined when no time passed. Each mode's delta is
 * clamped at 0 because some kernels let `iowait` (and, on a few, `idle`) step backwards under
 * NO_HZ; one backwards field must not yield a negative share.
 */
export function cpuModesBetween(prev: CpuTimes, cur: CpuTimes): CpuModes | undefined {
  const deltas = modeNames.map((mode) => Math.max(0, cur[mode] - prev[mode]));
  const total = deltas.reduce((sum, d) => sum + d, 0);
  if (!(total > 0)) return undefined;
  const modes = {} as CpuModes;
  modeNames.forEach((mode, i) => { modes[mode] = (deltas[i]! / total) * 100; });
  return modes;
}

/** Busy % the way the issue defines it: everything except idle and iowait. */
export function busyPercent(modes: CpuModes): number {
  return Math.min(100, Math.max(0, 100 - modes.idle - modes.iowait));
}

/**
 * Turns successive `/proc/stat` samples into percentages. The first sample is measured against
 * zero, i.e. it reports the since-boot average (as `top` does on its first frame) rather than a
 * made-up 0. When a core reports no elapsed jiffies its previous value is repeated. Cores that
 * appear (hot-plug) start from zero like the first sample; cores that vanish are forgotten.
 */
export class CpuMeter {
  #prevTotal: CpuTimes = zeroTimes;
  #prevModes: CpuModes = { ...zeroTimes };
  #prevCores = new Map<number, { times: CpuTimes; busy: number }>();

  update(stat: ProcStat): CpuUsage {
    const modes = cpuModesBetween(this.#prevTotal, stat.total) ?? this.#prevModes;
    this.#prevTotal = stat.total;
    this.#prevModes = modes;

    const nextCores = new Map<number, { times: CpuTimes; busy: number }>();
    const indexes = [...stat.cores.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const times = stat.cores.get(index)!;
      const prev = this.#prevCores.get(index);
      const coreModes = cpuModesBetween(prev?.times ?? zeroTimes, times);
      nextCores.set(index, { times, busy: coreModes ? busyPercent(coreModes) : prev?.busy ?? 0 });
    }
    this.#prevCores = nextCores;
    return { modes, cores: indexes.map((index) => nextCores.get(index)!.busy) };
  }
}
