import { CheckResult } from '@pulse/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { LatenessWindow } from './lateness.js';
import { bullPrefix, checkJobId, connectionOf, DEDUP_TTL_MS, KEEP_COMPLETED, KEEP_FAILED, QUEUE_NAME, type CheckJobData } from './queue-jobs.js';
import { hardTimeoutMargin, runWithDeadline } from './run-deadline.js';
import type { ScheduleLogger } from './scheduler-local.js';
import { Timetable } from './timetable.js';
import { realTimers, ScheduleError, type CheckRunner, type CheckScheduler, type DueCheck, type ResultHandler, type StoredMonitor, type Timers } from './types.js';

/** Past a job's hard deadline, how long its result may take to come back before the monitor may be enqueued again. */
const QUEUE_SLACK_MS = 250;

export interface QueueSchedulerOptions {
  redisUrl: string;
  /** the installation's redis_prefix ("pulse:") */
  prefix: string;
  onResult: ResultHandler;
  now: () => number;
  timers?: Timers;
  hardTimeoutMarginMs?: number;
  /** how long checkNow waits past the monitor's timeout for a worker to answer */
  checkNowSlackMs?: number;
  /**
   * Runs push monitors here instead of on a worker: their check reads the push ledger of the process
   * the pushes reached (checks/push-check.ts), which a `pulse worker` elsewhere does not have.
   */
  runLocal?: CheckRunner;
  logger?: ScheduleLogger;
}

/**
 * The same timetable as the in-process scheduler, but "running" a due check means adding a BullMQ
 * job for `pulse worker` processes (check-worker.ts); their results come back to EVERY server through
 * QueueEvents 'completed'. Exactly one execution per due check:
 *  - the job id is `<monitorId>:<scheduledAt>:<attempt>`, computed identically by every scheduler
 *    (phases and retry times derive from the id and the shared results, slots.ts), and BullMQ adds
 *    an id once — plus a deduplication key kept DEDUP_TTL_MS after the job itself is trimmed;
 *  - jobs are not retried (attempts 1) and a job whose worker died is failed, not re-run
 *    (maxStalledCount 0, check-worker.ts): the monitor's next run, on a live worker, is the retry;
 *  - a worker drops a job it picks up after the monitor's next run was due (`startBy`).
 */
export function createQueueScheduler(opts: QueueSchedulerOptions): CheckScheduler {
  const { onResult, now } = opts;
  const timers = opts.timers ?? realTimers;
  const marginOf = (timeoutMs: number) => opts.hardTimeoutMarginMs ?? hardTimeoutMargin(timeoutMs);
  const logger = opts.logger ?? { warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };
  const base = { connection: connectionOf(opts.redisUrl), prefix: bullPrefix(opts.prefix) };
  const queue = new Queue<CheckJobData, CheckResult>(QUEUE_NAME, {
    ...base,
    defaultJobOptions: { attempts: 1, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
  });
  const events = new QueueEvents(QUEUE_NAME, { ...base, autorun: false });
  queue.on('error', (err) => logger.warn({ err }, 'check queue: Redis error; enqueueing resumes when it is back'));
  events.on('error', (err) => logger.warn({ err }, 'check results: Redis error; results resume when it is back'));
  const lateness = new LatenessWindow();
  /** the last job enqueued per monitor, until its result (or failure) arrives or it is surely over */
  const inflight = new Map<string, { jobId: string; until: number }>();
  let missed = 0;
  let failed = 0;
  let started = false;

  const timetable = new Timetable({ now, timers, onDue, onSkipped: (n) => (missed += n) });

  const runsHere = (monitor: StoredMonitor) => monitor.type === 'push' && opts.runLocal !== undefined;
  const deadline = { now, timers, marginMs: opts.hardTimeoutMarginMs, worker: 'local' };

  function deliver(result: CheckResult): void {
    if (!started || !timetable.monitor(result.monitorId)) return;
    try {
      onResult(result);
    } catch (err) {
      logger.error({ err, monitorId: result.monitorId }, 'handling a check result failed; the schedule goes on');
    }
    timetable.retryAfter(result);
  }

  async function runHere(due: DueCheck): Promise<CheckResult> {
    lateness.record(now() - due.scheduledAt);
    const result = await runWithDeadline(opts.runLocal!, due, deadline).result;
    deliver(result);
    return result;
  }

  function onDue(due: DueCheck): void {
    const { monitor, scheduledAt, attempt } = due;
    if (runsHere(monitor)) {
      void runHere(due);
      return;
    }
    const previous = inflight.get(monitor.id);
    // Never queue a monitor behind itself. The bound lets a run through when a worker died holding
    // the previous job: that job is failed only after its lock expires, much later than this. It is
    // counted from the slot, not from when the timer fired: where it ends exactly at the next slot
    // (1 s monitor, 600 ms timeout), timer jitter would otherwise decide whether that run happens.
    if (previous && previous.until > now()) {
      missed++;
      return;
    }
    const jobId = checkJobId(monitor.id, scheduledAt, attempt);
    inflight.set(monitor.id, { jobId, until: scheduledAt + monitor.timeoutMs + marginOf(monitor.timeoutMs) + QUEUE_SLACK_MS });
    const startBy = timetable.nextAt(monitor.id) ?? scheduledAt + monitor.intervalS * 1000;
    queue.add('check', { monitor, scheduledAt, attempt, startBy }, { jobId, deduplication: { id: jobId, ttl: DEDUP_TTL_MS } }).catch((err: unknown) => {
      if (inflight.get(monitor.id)?.jobId === jobId) inflight.delete(monitor.id);
      missed++;
      logger.warn({ err, monitorId: monitor.id, scheduledAt }, 'could not enqueue a due check; it is skipped');
    });
  }

  const monitorOfJob = (jobId: string) => decodeURIComponent(jobId.slice(0, jobId.indexOf(':')));
  const settle = (jobId: string) => {
    const id = monitorOfJob(jobId);
    if (inflight.get(id)?.jobId === jobId) inflight.delete(id);
  };

  events.on('completed', ({ jobId, returnvalue }) => {
    settle(jobId);
    // Redis is a trust boundary: whatever a worker returned is checked before the service sees it.
    const parsed = CheckResult.safeParse(returnvalue);
    if (!parsed.success) {
      logger.warn({ jobId, issues: parsed.error.issues.slice(0, 3) }, 'a worker returned something that is not a check result; ignored');
      return;
    }
    lateness.record(parsed.data.startedAt - parsed.data.scheduledAt);
    deliver(parsed.data);
  });
  events.on('failed', ({ jobId, failedReason }) => {
    settle(jobId);
    failed++;
    logger.warn({ jobId, failedReason }, 'a check job failed (its worker died or it was picked up too late); the next run goes ahead');
  });

  return {
    upsert(monitor: StoredMonitor) {
      timetable.upsert(monitor);
    },
    remove(id) {
      timetable.remove(id);
      inflight.delete(id);
    },
    async checkNow(id) {
      const monitor = timetable.monitor(id);
      if (!monitor) throw new ScheduleError('monitor.not_found', `no monitor ${id} is scheduled`);
      const scheduledAt = now();
      if (runsHere(monitor)) return runHere({ monitor, scheduledAt, attempt: 0 });
      const waitMs = monitor.timeoutMs + marginOf(monitor.timeoutMs) + (opts.checkNowSlackMs ?? 10_000);
      const jobId = checkJobId(id, scheduledAt, 0);
      const job = await queue.add('check', { monitor, scheduledAt, attempt: 0, startBy: scheduledAt + waitMs }, { jobId });
      try {
        return CheckResult.parse(await job.waitUntilFinished(events, waitMs));
      } catch (err) {
        throw new ScheduleError('monitor.check_unavailable',
          `no worker ran the check of "${monitor.name}" within ${Math.round(waitMs / 1000)} s (${(err as Error).message}); is a pulse worker running?`);
      }
    },
    async start() {
      void events.run().catch((err: unknown) => logger.error({ err }, 'check results stopped'));
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      started = true;
      timetable.start();
    },
    async stop() {
      timetable.stop();
      started = false;
      await Promise.all([events.close(), queue.close()]);
    },
    stats() {
      const t = now();
      let due = 0;
      for (const f of inflight.values()) if (f.until > t) due++;
      return {
        monitors: timetable.size, due, running: 0, missed, droppedRetries: timetable.droppedRetries,
        timedOut: 0, failedJobs: failed, lateness: lateness.stats(),
      };
    },
  };
}
