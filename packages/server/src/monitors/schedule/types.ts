import type { CheckResult } from '@pulse/protocol';
import type { StoredMonitor } from '../monitor-types.js';

export type { StoredMonitor };

/** What `run` gets besides the monitor: the timeout to apply and a signal aborted at the hard deadline. */
export interface RunContext {
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Runs one check (the real one is checks' `runCheck`). Expected never to reject; a rejection or a
 * result later than the hard deadline is turned into a down result by the scheduler.
 */
export type CheckRunner = (monitor: StoredMonitor, scheduledAt: number, attempt: number, context: RunContext) => Promise<CheckResult>;

/** Time as the scheduler sees it; tests pass a simulated clock. */
export interface Timers {
  /** Calls fn once after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** One check that is due: the regular run (attempt 0) or a retry. */
export interface DueCheck {
  monitor: StoredMonitor;
  scheduledAt: number;
  attempt: number;
}

export interface LatenessStats {
  /** starts measured (the last 10,000 are kept for the percentiles) */
  count: number;
  /** start time − scheduledAt, ms */
  p50: number;
  p99: number;
  max: number;
}

export interface SchedulerStats {
  /** monitors known (enabled or not) */
  monitors: number;
  /** due checks waiting for a free slot (local) or enqueued and not finished (queue) */
  due: number;
  /** checks running now (local) */
  running: number;
  /** due runs skipped because the monitor's previous check was still running or waiting */
  missed: number;
  /** retries not run because they would have fallen after the next regular run */
  droppedRetries: number;
  /** checks given up at their hard deadline (timeoutMs + margin) by this process */
  timedOut: number;
  /** queue jobs that failed (worker died, picked up too late); always 0 in process */
  failedJobs: number;
  lateness: LatenessStats;
}

/**
 * When checks run. The in-process scheduler and the BullMQ one implement it; the monitors service
 * never asks which one it has.
 */
export interface CheckScheduler {
  /** Adds or replaces a monitor; its phase stays unless its interval (or enabled) changed. */
  upsert(monitor: StoredMonitor): void;
  remove(id: string): void;
  /** Runs the monitor's check at once (the schedule does not move); the result also goes to onResult. */
  checkNow(id: string): Promise<CheckResult>;
  start(): Promise<void>;
  /** Stops timing new checks and waits (bounded) for the running ones. */
  stop(): Promise<void>;
  stats(): SchedulerStats;
}

/** A result for every finished check, scheduled, retried or asked for. */
export type ResultHandler = (result: CheckResult) => void;

/** Errors carry a code (STYLE.md); the API maps `monitor.not_found` to 404. */
export class ScheduleError extends Error {
  constructor(readonly code: 'monitor.not_found' | 'monitor.check_unavailable', message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}
