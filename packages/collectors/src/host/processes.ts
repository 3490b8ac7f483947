import { readdirSync, readFileSync } from 'node:fs';
import type { KernelFiles } from './kernel-files.js';
import { isBlank, numberAt } from './text-scan.js';
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
  // Walked field by field (the kernel separates them with single spaces): a split would make ~50
  // strings per process, and a scan reads every process. Field n starts after the (n - 2)-th space
  // counted from the `)`, since field 3 (state) follows `) ` directly.
  const end = statLine.length;
  let i = close + 2;
  const state = i < end && !isBlank(statLine.charCodeAt(i)) ? statLine[i]! : undefined;
  if (!state) return undefined;
  let field = 3;
  let utime = 0;
  let stime = 0;
  let startTicks = 0;
  let rssPages = 0;
  while (i < end && field <= 24) {
    const fieldEnd = nextSpace(statLine, i, end);
    if (field === 14) utime = numberAt(statLine, i, fieldEnd);
    else if (field === 15) stime = numberAt(statLine, i, fieldEnd);
    else if (field === 22) startTicks = numberAt(statLine, i, fieldEnd);
    else if (field === 24) rssPages = numberAt(statLine, i, fieldEnd);
    i = fieldEnd + 1;
    field++;
  }
  let pidEnd = open;
  while (pidEnd > 0 && isBlank(statLine.charCodeAt(pidEnd - 1))) pidEnd--;
  return {
    pid: numberAt(statLine, 0, pidEnd),
    name: statLine.slice(open + 1, close),
    state,
    cpuTicks: utime + stime,
    startTicks,
    rssPages: Math.max(0, rssPages),
  };
}

/** The index of the next space or line end at or after `i`. */
function nextSpace(text: string, i: number, end: number): number {
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 10) return i;
    i++;
  }
  return end;
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
 * so the caller can log them instead of losing them. With `files`, each process's stat file stays
 * open from one scan to the next (one pread per process instead of a path walk, open and close).
 */
export function readProcessStats(procRoot: string, files?: KernelFiles): { processes: ProcessStat[]; unreadable: number } {
  const processes: ProcessStat[] = [];
  let unreadable = 0;
  for (const entry of readdirSync(procRoot)) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57 || !/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      const path = `${procRoot}/${entry}/stat`;
      line = files ? files.text(path) : readFileSync(path, 'utf8');
    } catch (err) {
      if (!isGone(err)) unreadable += 1;
      continue;
    }
    const stat = parseProcessStat(line);
    if (stat) processes.push(stat);
  }
  // Descriptors of processes that have exited since the last scan.
  files?.sweep();
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
  /** Keeps each process's stat file open between scans (procfs only; see KernelFiles). */
  files?: KernelFiles;
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
      const { processes, unreadable } = readProcessStats(options.procRoot, options.files);
      if (unreadable > 0) options.onUnreadable(unreadable);
      const scan = { counts: countProcesses(processes), top: top.update(at, processes, options.units()) };
      last = { at, scan };
      return scan;
    },
  };
}
