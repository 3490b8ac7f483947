export interface LoginLimiterOptions {
  now: () => number;
  maxAttempts: () => number;
  lockoutMs: () => number;
}

interface Window {
  failures: number[];
  lockedUntil: number;
}

/**
 * Counts failed logins per client address and per username. Past `maxAttempts` failures inside
 * the lockout window the key is locked for the lockout time. Kept in memory on purpose: a restart
 * forgives, and an attacker cannot fill the database with attempts.
 */
export function createLoginLimiter({ now, maxAttempts, lockoutMs }: LoginLimiterOptions) {
  const windows = new Map<string, Window>();

  const prune = (w: Window, at: number) => {
    w.failures = w.failures.filter((t) => at - t < lockoutMs());
  };

  return {
    /** Milliseconds until any of these keys may try again; 0 when none is locked. */
    retryAfterMs(keys: string[]): number {
      const at = now();
      let wait = 0;
      for (const key of keys) {
        const w = windows.get(key);
        if (w && w.lockedUntil > at) wait = Math.max(wait, w.lockedUntil - at);
      }
      return wait;
    },
    recordFailure(keys: string[]): void {
      const at = now();
      for (const key of keys) {
        const w = windows.get(key) ?? { failures: [], lockedUntil: 0 };
        prune(w, at);
        w.failures.push(at);
        if (w.failures.length >= maxAttempts()) w.lockedUntil = at + lockoutMs();
        windows.set(key, w);
      }
      if (windows.size > 10_000) for (const [key, w] of windows) if (w.lockedUntil <= at && w.failures.every((t) => at - t >= lockoutMs())) windows.delete(key);
    },
    recordSuccess(keys: string[]): void {
      for (const key of keys) windows.delete(key);
    },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
