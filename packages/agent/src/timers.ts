/** Time as the agent's loops see it; tests pass a simulated clock so backoff and cadence run in microseconds. */
export interface Timers {
  now(): number;
  /** Calls fn once after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
