import type { CheckResult } from '@pulse/protocol';

/*
 * Where a monitor's runs fall in time. Every value here is derived from the monitor id, its interval
 * and (for retries) the result everyone received, never from when a process started or looked: so a
 * restarted server keeps each monitor's phase, and several schedulers sharing a BullMQ queue compute
 * the same scheduledAt, hence the same job id, for the same run.
 */

/** FNV-1a, 32 bits: stable across processes and versions (unlike a seeded or built-in hash). */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The monitor's offset within its interval: spreads first runs so monitors don't fire together. */
export function phaseOf(id: string, intervalMs: number): number {
  return stableHash(id) % intervalMs;
}

/** The first slot (phase + k × interval on the epoch grid) at or after `t`. */
export function slotAtOrAfter(t: number, intervalMs: number, phase: number): number {
  const offset = (((phase - t) % intervalMs) + intervalMs) % intervalMs;
  return t + offset;
}

/**
 * When a down result's retry is due: retryInterval after the failed check ended. Computed from the
 * result itself (its start and duration), which every server receives identically.
 */
export function retryDueAt(result: CheckResult, retryIntervalMs: number): number {
  return Math.round(result.startedAt + result.timings.totalUs / 1000) + retryIntervalMs;
}
