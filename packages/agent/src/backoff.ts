export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** a floor, so a run of tiny random draws never turns into a tight retry loop */
  minMs?: number;
  random?: () => number;
}

export interface Backoff {
  /** The wait before the next retry; each call after a failure doubles the ceiling up to the cap. */
  next(): number;
  reset(): void;
  readonly attempts: number;
}

/**
 * Exponential backoff with full jitter: the n-th wait is uniform in [0, min(cap, base·2ⁿ)], so many
 * agents that lost the same server do not come back in lockstep
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 1000;
  const capMs = options.capMs ?? 60_000;
  const minMs = options.minMs ?? 100;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      // 2 ** attempts stops growing once past the cap, so it cannot overflow in a long outage.
      const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
      attempts++;
      return Math.max(minMs, Math.round(random() * ceiling));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
