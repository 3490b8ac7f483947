import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNumber } from './proc-readers.js';
import { createTopProcessTracker, emptyTopProcesses } from './top-processes.js';
import type { TopProcesses } from './top-processes.js';
import type { KernelUnits } from './kernel-units.js';

export interface ProcessCounts {
  running: number;
  sleeping: number;
  /** Uninterruptible sleep (D), usually waiting on I/O. */
  blocked: number;
  zombie: number;
  /** Stopped by a signal (T) or a tracer (t). */
  stopped: number;
  /** Idle kernel threads (I), which would otherwise look like a huge blocked count. */
  idle: number;
  total: number;
}

/** The fields of one `/proc/<pid>/stat` line the collector uses. */
export interface ProcessStat {
  pid: number;
  /** The command name (`comm`, at most 15 characters). */
  name: string;
  state: string;
  /** utime + stime of the whole process (all its threads), in clock ticks. */
  cpuTicks: number;
  /** When the process started, clock ticks after boot; with pid it tells a reused pid apart. */
  startTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

const stateField: Record<string, Exclude<keyof ProcessCounts, 'total'>> = {
  R: 'running', S: 'sleeping', D: 'blocked', Z: 'zombie', T: 'stopped', t: 'stopped', I: 'idle',
};

/**
 * Parses a `/proc/<pid>/stat` line. The command name sits in parentheses and may itself contain
 * `)`, spaces or `) (`, so the fields are counted from after the LAST `)`, never by splitting the
 * whole line. Field numbers are proc(5)'s: state 3, utime 14, stime 15, starttime 22, rss 24; they
 * have not moved since 2.6, newer kernels only append fields.
 */
export function parseProcessStat(statLine: string): ProcessStat | undefined {
  const open = statLine.indexOf('(');
  const close = statLine.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // The kernel separates fields with single spaces; a plain split is measurably faster per PID.
  const rest = statLine.slice(close + 2).trimEnd().split(' ');
  const state = rest[0];
  if (!state) return undefined;
  // rest[0] is field 3, so field n is rest[n - 3].
  return {
    pid: toNumber(statLine.slice(0, open)),
    name: statLine.slice(open + 1, close),
    state: state[0]!,
    cpuTicks: toNumber(rest[11]) + toNumber(rest[12]),
    startTicks: toNumber(rest[19]),
    rssPages: Math.max(0, toNumber(rest[21])),
  };
}

export function emptyProcessCounts(): ProcessCounts {
  return { running: 0, sleeping: 0, blocked: 0, zombie: 0, stopped: 0, idle: 0, total: 0 };
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/**
 * Reads every numeric directory under procRoot. Processes exit between the directory listing and
 * reading their stat file; those are simply left out. Other read errors are counted in `unreadable`
 * so the caller can log them instead of losing them.
 */
export function readProcessStats(procRoot: string): { processes: ProcessStat[]; unreadable: number } {
  const processes: ProcessStat[] = [];
  let unreadable = 0;
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = readFileSync(join(procRoot, entry, 'stat'), 'utf8');
    } catch (err) {
      if (!isGone(err)) unreadable += 1;
      continue;
    }
    const stat = parseProcessStat(line);
    if (stat) processes.push(stat);
  }
  return { processes, unreadable };
}

export function countProcesses(processes: ProcessStat[]): ProcessCounts {
  const counts = emptyProcessCounts();
  for (const proc of processes) {
    const field = stateField[proc.state];
    if (field) counts[field] += 1;
    // States with no bucket (X dead, W/P/K on old kernels) still count towards the total.
    counts.total += 1;
  }
  return counts;
}

export interface ProcessScan {
  counts: ProcessCounts;
  top: TopProcesses;
}

export interface ProcessScannerOptions {
  procRoot: string;
  /** Minimum time between full scans; 0 scans on every call. */
  scanMs: number;
  now: () => number;
  units: () => KernelUnits;
  /** How many processes each top list holds. */
  topCount: number;
  onUnreadable: (count: number) => void;
}

export function emptyProcessScan(): ProcessScan {
  return { counts: emptyProcessCounts(), top: emptyTopProcesses() };
}

/**
 * A full PID scan costs one file read per process, far more than everything else a collection
 * reads, so it runs at most every `scanMs` and the last result is reused in between. Top processes'
 * CPU shares are measured between scans (see top-processes.ts), so they cover the whole scan period.
 */
export function createProcessScanner(options: ProcessScannerOptions): { read(): ProcessScan } {
  const top = createTopProcessTracker({ procRoot: options.procRoot, count: options.topCount });
  let last: { at: number; scan: ProcessScan } | undefined;
  return {
    read() {
      const at = options.now();
      // A clock that stepped backwards also forces a scan rather than freezing the result.
      if (last && at >= last.at && at - last.at < options.scanMs) return last.scan;
      const { processes, unreadable } = readProcessStats(options.procRoot);
      if (unreadable > 0) options.onUnreadable(unreadable);
      const scan = { counts: countProcesses(processes), top: top.update(at, processes, options.units()) };
      last = { at, scan };
      return scan;
    },
  };
}
