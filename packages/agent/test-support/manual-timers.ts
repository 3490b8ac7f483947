import type { Timers } from '../src/timers.js';

export interface ManualTimers extends Timers {
  /** Moves the clock forward, running every callback that falls due, in time order. */
  advance(ms: number): void;
  /** ms until the next callback, or undefined when none waits */
  nextDelay(): number | undefined;
  readonly pending: number;
}

/** A simulated clock for loops that take `Timers`: nothing runs until the test advances it. */
export function createManualTimers(start = 1_700_000_000_000): ManualTimers {
  let now = start;
  let nextId = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    after(ms, fn) {
      const id = nextId++;
      due.set(id, { at: now + Math.max(0, ms), fn });
      return () => void due.delete(id);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let nextKey: number | undefined;
        for (const [id, timer] of due) {
          if (timer.at <= until && (nextKey === undefined || timer.at < due.get(nextKey)!.at)) nextKey = id;
        }
        if (nextKey === undefined) break;
        const timer = due.get(nextKey)!;
        due.delete(nextKey);
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = until;
    },
    nextDelay() {
      let min: number | undefined;
      for (const timer of due.values()) min = min === undefined ? timer.at - now : Math.min(min, timer.at - now);
      return min;
    },
    get pending() {
      return due.size;
    },
  };
}
