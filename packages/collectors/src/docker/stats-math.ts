import type { StatsSample } from './engine-answers.js';

/*
 * Container figures from one stats sample and the previous one we took ourselves. One-shot stats
 * leave precpu_stats empty, so every delta is between our own samples (as Beszel does).
 */

/** The counters kept from one sample, to diff the next one against. */
export interface StatsBaseline {
  /** when the sample was taken, ms (engine's `read` when usable, else our clock) */
  at: number;
  /** StartedAt of the run these counters belong to; a new run restarts every counter */
  startedAt: string | undefined;
  cpuTotal: number | undefined;
  systemCpu: number | undefined;
  rx: number | undefined;
  tx: number | undefined;
  read: number | undefined;
  write: number | undefined;
}

/**
 * Parses the engine's RFC 3339 timestamps to ms, keeping sub-millisecond digits (Date.parse drops
 * them). Go's zero time ("0001-01-01T00:00:00Z", sent for "never") and junk give undefined.
 */
export function parseEngineTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  // Anything before 2000 is Go's zero time or a clock that was never set.
  if (!Number.isFinite(ms) || ms < 946_684_800_000) return undefined;
  const fraction = /\.(\d+)/.exec(text)?.[1];
  return fraction && fraction.length > 3 ? ms + Number(`0.${fraction.slice(3)}`) : ms;
}

/**
 * Memory in use without reclaimable page cache, as `docker stats` shows it: usage minus
 * total_inactive_file on cgroup v1 (where inactive_file alone is this cgroup without children),
 * minus inactive_file on cgroup v2; raw usage when neither is smaller than it. Never below 0 (Beszel #1207: a racy read once went negative).
 */
export function memoryUsed(sample: Pick<StatsSample, 'memoryUsage' | 'memoryStats'>): number | undefined {
  const usage = sample.memoryUsage;
  if (usage === undefined) return undefined;
  const v1Inactive = sample.memoryStats.total_inactive_file;
  if (v1Inactive !== undefined && v1Inactive < usage) return usage - v1Inactive;
  const inactive = sample.memoryStats.inactive_file;
  if (inactive !== undefined && inactive < usage) return usage - inactive;
  return usage;
}

/** Bytes received and sent, summed over every interface. */
export function networkTotals(sample: Pick<StatsSample, 'networks'>): { rx: number; tx: number } | undefined {
  if (!sample.networks) return undefined;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(sample.networks)) {
    rx += n.rx;
    tx += n.tx;
  }
  return { rx, tx };
}

/** Bytes read and written, summed over devices; cgroup v1 spells ops "Read", cgroup v2 "read". */
export function blockTotals(sample: Pick<StatsSample, 'blkio'>): { read: number; write: number } | undefined {
  if (!sample.blkio) return undefined;
  let read = 0;
  let write = 0;
  for (const entry of sample.blkio) {
    const op = entry.op.toLowerCase();
    if (op === 'read') read += entry.value;
    else if (op === 'write') write += entry.value;
  }
  return { read, write };
}

/** Per-second rate of a growing counter; undefined when it cannot be known (first sample, reset, no time passed). */
export function counterRate(prev: number | undefined, cur: number | undefined, elapsedSec: number): number | undefined {
  if (prev === undefined || cur === undefined || !(elapsedSec > 0) || cur < prev) return undefined;
  return (cur - prev) / elapsedSec;
}

/**
 * CPU in percent of one core (0 … cores × 100), docker CLI's convention:
 * Δcpu_usage.total_usage / Δsystem_cpu_usage × online_cpus × 100.
 * Podman's system_cpu_usage counts only busy host time (podman#28761, Beszel #2049), so for Podman
 * the wall clock between samples stands in: Δtotal_usage (ns) / Δt (ns) × 100.
 */
export function cpuPercent(
  prev: StatsBaseline,
  cur: StatsBaseline,
  onlineCpus: number | undefined,
  useWallClock: boolean,
): number | undefined {
  if (prev.cpuTotal === undefined || cur.cpuTotal === undefined || cur.cpuTotal < prev.cpuTotal) return undefined;
  const cpuDelta = cur.cpuTotal - prev.cpuTotal;
  if (useWallClock) {
    const wallNs = (cur.at - prev.at) * 1e6;
    return wallNs > 0 ? (cpuDelta / wallNs) * 100 : undefined;
  }
  if (prev.systemCpu === undefined || cur.systemCpu === undefined || !onlineCpus) return undefined;
  const systemDelta = cur.systemCpu - prev.systemCpu;
  return systemDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : undefined;
}

/** Rounds to 0.01 so unchanged figures stay equal and diffs stay small. */
const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Turns one sample into the baseline for the next and the metrics for this one. Counters of a new
 * run (StartedAt changed) or that went backwards start a fresh baseline: that interval has no rate
 * rather than a negative or enormous one.
 */
export function statsMetrics(
  prev: StatsBaseline | undefined,
  sample: StatsSample,
  context: { at: number; startedAt: string | undefined; useWallClock: boolean },
): { metrics: Record<string, number>; baseline: StatsBaseline } {
  const read = parseEngineTime(sample.read);
  const net = networkTotals(sample);
  const block = blockTotals(sample);
  const baseline: StatsBaseline = {
    // The engine's own sample time, when it moves forward, is free of our request latency.
    at: read !== undefined && (prev === undefined || read > prev.at) ? read : context.at,
    startedAt: context.startedAt,
    cpuTotal: sample.cpuTotal,
    systemCpu: sample.systemCpu,
    rx: net?.rx,
    tx: net?.tx,
    read: block?.read,
    write: block?.write,
  };
  const metrics: Record<string, number> = {};
  const used = memoryUsed(sample);
  if (used !== undefined) metrics['mem.used'] = used;
  if (sample.memoryLimit !== undefined && sample.memoryLimit > 0) {
    metrics['mem.limit'] = sample.memoryLimit;
    if (used !== undefined) metrics['mem.percent'] = round2((used / sample.memoryLimit) * 100);
  }
  if (sample.pids !== undefined) metrics.pids = sample.pids;

  const sameRun = prev !== undefined && prev.startedAt === context.startedAt;
  if (!sameRun) return { metrics, baseline };
  const elapsedSec = (baseline.at - prev.at) / 1000;
  const cpu = cpuPercent(prev, baseline, sample.onlineCpus ?? sample.percpuCount, context.useWallClock);
  if (cpu !== undefined) metrics.cpu = round2(cpu);
  const rates: Array<[string, number | undefined]> = [
    ['net.rx_bps', counterRate(prev.rx, baseline.rx, elapsedSec)],
    ['net.tx_bps', counterRate(prev.tx, baseline.tx, elapsedSec)],
    ['disk.read_bps', counterRate(prev.read, baseline.read, elapsedSec)],
    ['disk.write_bps', counterRate(prev.write, baseline.write, elapsedSec)],
  ];
  for (const [key, value] of rates) if (value !== undefined) metrics[key] = round2(value);
  return { metrics, baseline };
}
