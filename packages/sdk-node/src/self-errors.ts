/** An error inside the SDK, handed to `onError`; never thrown into the application. */
export class PulseSdkError extends Error {
  constructor(
    /** where it happened: `pulse.transport`, `pulse.request`, `pulse.heartbeat`, ... */
    readonly code: string,
    cause: unknown,
    /** errors since the last one reported (they are counted, not each reported) */
    readonly suppressed = 0,
  ) {
    super(`${code}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PulseSdkError';
  }
}

export interface SelfErrors {
  report(code: string, err: unknown): void;
  readonly count: number;
}

const REPORT_EVERY_MS = 60_000;

/**
 * Counts the SDK's own failures and hands at most one a minute to `onError`, so a Pulse outage
 * does not flood the application's logs (a transport fails every flush while it lasts).
 */
export function createSelfErrors(onError: ((err: PulseSdkError) => void) | undefined, now: () => number): SelfErrors {
  let count = 0;
  let suppressed = 0;
  let lastReported = -Infinity;
  return {
    get count() { return count; },
    report(code, err) {
      count++;
      if (!onError) return;
      const t = now();
      if (t - lastReported < REPORT_EVERY_MS) { suppressed++; return; }
      lastReported = t;
      const error = new PulseSdkError(code, err, suppressed);
      suppressed = 0;
      try { onError(error); } catch { /* a throwing logger must not reach the application either */ }
    },
  };
}
