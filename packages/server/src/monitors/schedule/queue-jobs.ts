import type { ConnectionOptions, KeepJobs } from 'bullmq';
import type { StoredMonitor } from './types.js';

/*
 * What the BullMQ scheduler and `pulse worker` agree on: the queue, the job id and the job data.
 */

/** BullMQ forbids ":" in queue names; the key prefix carries the installation's redis_prefix. */
export const QUEUE_NAME = 'checks';

/** redis_prefix "pulse:" gives keys "pulse:checks:…" (BullMQ adds its own ":" after the prefix). */
export function bullPrefix(redisPrefix: string): string {
  return redisPrefix.replace(/:+$/, '') || 'pulse';
}

export function connectionOf(redisUrl: string): ConnectionOptions {
  // null: BullMQ's blocking commands must wait out a Redis restart, not fail after 20 retries.
  return { url: redisUrl, maxRetriesPerRequest: null };
}

/**
 * `<monitorId>:<scheduledAt>:<attempt>`: every scheduler computes the same id for the same due run
 * (slots.ts), so the queue holds it once however many servers enqueue it. BullMQ accepts ":" in a
 * custom id only as exactly three parts, hence ":" in the monitor id is escaped.
 */
export function checkJobId(monitorId: string, scheduledAt: number, attempt: number): string {
  return `${monitorId.replaceAll('%', '%25').replaceAll(':', '%3A')}:${scheduledAt}:${attempt}`;
}

export interface CheckJobData {
  monitor: StoredMonitor;
  scheduledAt: number;
  attempt: number;
  /** a worker picking the job up later than this (its monitor's next run) drops it instead of checking late */
  startBy: number;
}

/**
 * How long the queue remembers a job id after the job is gone (BullMQ deduplication TTL). Completed
 * jobs are trimmed by count, so without this a scheduler whose clock runs behind could enqueue an id
 * whose job was already run and removed: the TTL bounds the clock skew tolerated between servers.
 */
export const DEDUP_TTL_MS = 120_000;

/** Finished jobs kept for inspection; bounded so Redis does not grow with every check ever run. */
export const KEEP_COMPLETED: KeepJobs = { age: 3600, count: 1000 };
export const KEEP_FAILED: KeepJobs = { age: 24 * 3600, count: 1000 };
