import type { CheckResult } from '@pulse/protocol';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { bullPrefix, connectionOf, KEEP_COMPLETED, KEEP_FAILED, QUEUE_NAME, type CheckJobData } from './queue-jobs.js';
import { runWithDeadline } from './run-deadline.js';
import type { ScheduleLogger } from './scheduler-local.js';
import { realTimers, type CheckRunner, type Timers } from './types.js';

export interface CheckWorkerOptions {
  redisUrl: string;
  /** the installation's redis_prefix ("pulse:") */
  prefix: string;
  /** checks this worker runs at once */
  concurrency: number;
  run: CheckRunner;
  /** `worker` on every result: which process ran the check */
  workerName: string;
  now?: () => number;
  timers?: Timers;
  hardTimeoutMarginMs?: number;
  /**
   * How long a job's lock lives without renewal. A live worker renews it every half of this, so it
   * does not bound how long a check may take; it bounds how long after a worker DIES its in-flight
   * jobs are declared stalled (then failed, see below). 30 s covers the default 10 s timeout + margin
   * even if renewals were late, so a busy but live worker never loses a job it is running.
   */
  lockDurationMs?: number;
  /** how often this worker looks for stalled jobs */
  stalledIntervalMs?: number;
  logger?: ScheduleLogger;
}

export interface CheckWorker {
  readonly name: string;
  /** Resolves once connected to Redis and taking jobs. */
  ready(): Promise<void>;
  /** Takes no new jobs, waits for the running ones (each ends by its hard deadline), disconnects. */
  close(): Promise<void>;
}

/**
 * Works the `checks` queue (`pulse worker`, or inside the server with monitors.local_worker): runs each
 * job's check with its hard deadline and returns the CheckResult, which BullMQ publishes to every
 * server's QueueEvents.
 *
 * maxStalledCount 0: a job whose worker died (lock expired) is moved to failed, NOT back to wait.
 * Re-running it would check the target late — after its scheduled time, maybe after the next run had
 * already been enqueued — and break "one execution per due check". The monitor's next scheduled run
 * is the retry; another worker takes it on time, so the gap is at most one interval.
 */
export function startCheckWorker(opts: CheckWorkerOptions): CheckWorker {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const logger = opts.logger ?? { warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };
  const deadline = { now, timers, marginMs: opts.hardTimeoutMarginMs, worker: opts.workerName };

  const processJob = async (job: Job<CheckJobData, CheckResult>): Promise<CheckResult> => {
    const { monitor, scheduledAt, attempt, startBy } = job.data;
    const late = now() - startBy;
    // Waited in the queue past the monitor's next run (no worker free, or none running): a check
    // this late says nothing the next one won't, and running it would make two at once.
    if (late > 0) throw new UnrecoverableError(`check.expired: picked up ${late} ms after the monitor's next run was due; skipped`);
    const result = await runWithDeadline(opts.run, { monitor, scheduledAt, attempt }, deadline).result;
    return { ...result, worker: opts.workerName };
  };

  const worker = new Worker<CheckJobData, CheckResult>(QUEUE_NAME, processJob, {
    connection: connectionOf(opts.redisUrl),
    prefix: bullPrefix(opts.prefix),
    name: opts.workerName,
    concurrency: opts.concurrency,
    maxStalledCount: 0,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 15_000,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  });
  worker.on('error', (err) => logger.warn({ err, worker: opts.workerName }, 'check worker: Redis error; it resumes when Redis is back'));
  worker.on('failed', (job, err) => {
    if (job) logger.warn({ jobId: job.id, reason: err.message, worker: opts.workerName }, 'check job failed');
  });

  return {
    name: opts.workerName,
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
