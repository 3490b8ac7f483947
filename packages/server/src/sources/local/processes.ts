import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

const stateField: Record<string, Exclude<keyof ProcessCounts, 'total'>> = {
  R: 'running', S: 'sleeping', D: 'blocked', Z: 'zombie', T: 'stopped', t: 'stopped', I: 'idle',
};

/**
 * The state letter of a `/proc/<pid>/stat` line. The command name sits in parentheses and may itself
 * contain `)`, spaces or `) (`, so the state is found after the LAST `)`, never by splitting.
 */
export function parseProcessState(statLine: string): string | undefined {
  const close = statLine.lastIndexOf(')');
  if (close < 0) return undefined;
  return statLine.slice(close + 1).trimStart()[0];
}

export function emptyProcessCounts(): ProcessCounts {
  return { running: 0, sleeping: 0, blocked: 0, zombie: 0, stopped: 0, idle: 0, total: 0 };
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/**
 * Counts processes by state from every numeric directory under procRoot. Processes exit between
 * the directory listing and reading their stat file; those are simply not counted. Other read
 * errors are counted in `unreadable` so the caller can log them instead of losing them.
 */
export function countProcesses(procRoot: string): { counts: ProcessCounts; unreadable: number } {
  const counts = emptyProcessCounts();
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
    const field = stateField[parseProcessState(line) ?? ''];
    if (field) counts[field] += 1;
    // States with no bucket (X dead, W/P/K on old kernels) still count towards the total.
    counts.total += 1;
  }
  return { counts, unreadable };
}

export interface ProcessScannerOptions {
  procRoot: string;
  /** Minimum time between full scans; 0 scans on every call. */
  scanMs: number;
  now: () => number;
  onUnreadable: (count: number) => void;
}

/**
 * A full PID scan costs one file read per process, far more than everything else a collection
 * reads, so it runs at most every `scanMs` and the last counts are reused in between.
 */
export function createProcessScanner(options: ProcessScannerOptions): { read(): ProcessCounts } {
  let last: { at: number; counts: ProcessCounts } | undefined;
  return {
    read() {
      const at = options.now();
      // A clock that stepped backwards also forces a scan rather than freezing the counts.
      if (last && at >= last.at && at - last.at < options.scanMs) return last.counts;
      const { counts, unreadable } = countProcesses(options.procRoot);
      if (unreadable > 0) options.onUnreadable(unreadable);
      last = { at, counts };
      return counts;
    },
  };
}
