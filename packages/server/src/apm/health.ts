/**
 * An app's health, 0-100: 100 minus four penalties, each capped so no single signal can hide the
 * others entirely.
 *
 * - lost instances: up to 40, in proportion to the share of instances lost (all lost = 40);
 * - exceptions: up to 30; 3 points per percent of requests that raised one (10 % = 30), or, with
 *   no request counts, 3 points per exception a minute;
 * - slow requests: up to 20; 1 point per percent of requests that were slow (20 % = 20);
 * - event loop: up to 10; nothing up to a p99 of 50 ms (normal for a busy process), then linear to
 *   the full 10 at 500 ms (the process is visibly stalling), worst online instance.
 */
export interface HealthInputs {
  online: number;
  lost: number;
  requestsPerMin: number;
  slowPerMin: number;
  exceptionsPerMin: number;
  /** worst event-loop p99 among online instances, ms */
  eventLoopP99Ms: number;
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));

export function healthScore(h: HealthInputs): number {
  const instances = h.online + h.lost;
  const lost = instances > 0 ? (40 * h.lost) / instances : 0;
  const exceptions = h.requestsPerMin > 0
    ? clamp((h.exceptionsPerMin / h.requestsPerMin) * 300, 30)
    : clamp(h.exceptionsPerMin * 3, 30);
  const slow = h.requestsPerMin > 0 ? clamp((h.slowPerMin / h.requestsPerMin) * 100, 20) : 0;
  const eventLoop = clamp(((h.eventLoopP99Ms - 50) / 450) * 10, 10);
  return Math.round(clamp(100 - lost - exceptions - slow - eventLoop, 100));
}
