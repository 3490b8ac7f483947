import type { Timers } from './timers.js';

export interface SamplingLoopOptions {
  intervalMs: number;
  timers: Timers;
  /** One sampling; synchronous, so two can never overlap. Must not throw (the caller logs its own errors). */
  sample(at: number): void;
}

export interface SamplingLoop {
  start(): void;
  stop(): void;
  readonly intervalMs: number;
  /** The server asked for another interval: the next sample moves to last + ms. */
  setInterval(ms: number): void;
  /** Something changed (a container event): sample soon, but never twice within a second. */
  soon(): void;
}

const MIN_GAP_MS = 1000;

/** A NaN or zero interval would turn the loop into a busy spin: refuse it where it comes in. */
function checked(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`sampling interval must be a positive number of ms, got ${ms}`);
  return ms;
}

/**
 * Samples every interval, measured from the previous sample's start so the cadence does not drift by
 * the time a sample takes.
 */
export function createSamplingLoop(options: SamplingLoopOptions): SamplingLoop {
  const { timers } = options;
  let intervalMs = checked(options.intervalMs);
  let lastAt = -Infinity;
  let cancel: (() => void) | undefined;
  let running = false;

  function run(): void {
    cancel = undefined;
    lastAt = timers.now();
    options.sample(lastAt);
    if (running) scheduleAt(lastAt + intervalMs);
  }

  function scheduleAt(at: number): void {
    cancel?.();
    cancel = timers.after(Math.max(0, at - timers.now()), run);
  }

  return {
    start() {
      running = true;
      run();
    },
    stop() {
      running = false;
      cancel?.();
      cancel = undefined;
    },
    get intervalMs() {
      return intervalMs;
    },
    setInterval(ms) {
      if (checked(ms) === intervalMs) return;
      intervalMs = ms;
      if (running) scheduleAt(lastAt + ms);
    },
    soon() {
      if (running) scheduleAt(Math.max(timers.now(), lastAt + Math.min(MIN_GAP_MS, intervalMs)));
    },
  };
}
