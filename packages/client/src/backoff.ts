export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** fraction of the delay added or removed at random: 0.3 → ±30% */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 15_000, jitter: 0.3 };

/**
 * Delay before reconnect attempt `attempt` (1 for the first retry): doubling from initialMs up to
 * maxMs, then spread by ±jitter. The spread matters most after a server restart, when every
 * browser lost its socket at the same instant and would otherwise come back in lockstep.
 */
export function reconnectDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const spread = policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
