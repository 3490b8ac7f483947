import type { CheckResult } from '@pulse/protocol';
import { LatenessWindow } from './lateness.js';
import { runWithDeadline, type RunningCheck } from './run-deadline.js';
import { Timetable } from './timetable.js';
import { realTimers, ScheduleError, type CheckRunner, type CheckScheduler, type DueCheck, type ResultHandler, type StoredMonitor, type Timers } from './types.js';

export const DEFAULT_CONCURRENCY = 200;

/** What the scheduler logs with (pino's Logger fits). */
export interface ScheduleLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LocalSchedulerOptions {
  run: CheckRunner;
  onResult: ResultHandler;
  now: () => number;
  timers?: Timers;
  /** checks running at once; past it, due checks wait in due-time order */
  concurrency?: number;
  /** past timeoutMs before a check is abandoned; run-deadline.ts's hardTimeoutMargin by default */
  hardTimeoutMarginMs?: number;
  /** how long stop() waits for running checks before aborting them */
  stopTimeoutMs?: number;
  /** `worker` on synthesised results (the check sets its own) */
  worker?: string;
  logger?: ScheduleLogger;
}

/**
 * Runs every monitor's checks in this process. Hung targets cannot starve the rest: each check has a
 * hard deadline (run-deadline.ts) after which its slot is freed, and a monitor never has two checks
 * at once — a run due while the previous one still runs or waits is skipped and counted as missed,
 * never queued behind it, so a slow target costs at most one slot.
 */
export function createLocalScheduler(opts: LocalSchedulerOptions): CheckScheduler {
  const { run, onResult, now } = opts;
  const timers = opts.timers ?? realTimers;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const deadline = { now, timers, marginMs: opts.hardTimeoutMarginMs, worker: opts.worker ?? 'local' };
  const logger = opts.logger ?? consoleLogger;
  const lateness = new LatenessWindow();
  /** scheduled checks (regular or retry) running, by monitor id */
  const running = new Map<string, RunningCheck>();
  /** checks asked for with checkNow: outside the cap and the one-per-monitor rule */
  const adHoc = new Set<RunningCheck>();
  /** due checks waiting for a slot, in due order; `waitingById` says which entries are still wanted */
  let waiting: DueCheck[] = [];
  let waitHead = 0;
  const waitingById = new Map<string, DueCheck>();
  let missed = 0;
  let timedOut = 0;
  let active = false;

  const timetable = new Timetable({ now, timers, onDue, onSkipped: (n) => (missed += n) });

  function onDue(due: DueCheck): void {
    const id = due.monitor.id;
    if (running.has(id) || waitingById.has(id)) {
      missed++;
      return;
    }
    if (running.size < concurrency) begin(due);
    else {
      waiting.push(due);
      waitingById.set(id, due);
    }
  }

  function begin(due: DueCheck): void {
    const id = due.monitor.id;
    lateness.record(now() - due.scheduledAt);
    const check = runWithDeadline(run, due, deadline);
    running.set(id, check);
    void check.result.then((result) => {
      if (running.get(id) === check) running.delete(id);
      if (check.timedOut()) timedOut++;
      deliver(result);
      pump();
    });
  }

  function pump(): void {
    while (active && running.size < concurrency && waitHead < waiting.length) {
      const due = waiting[waitHead++]!;
      const id = due.monitor.id;
      if (waitingById.get(id) !== due) continue;
      waitingById.delete(id);
      const monitor = timetable.monitor(id);
      // It waited: start it with the definition as it is now.
      if (monitor) begin({ ...due, monitor });
    }
    if (waitHead === waiting.length) {
      waiting = [];
      waitHead = 0;
    } else if (waitHead > 1024) {
      waiting = waiting.slice(waitHead);
      waitHead = 0;
    }
  }

  function deliver(result: CheckResult): void {
    if (!active || !timetable.monitor(result.monitorId)) return;
    try {
      onResult(result);
    } catch (err) {
      logger.error({ err, monitorId: result.monitorId }, 'handling a check result failed; the schedule goes on');
    }
    timetable.retryAfter(result);
  }

  return {
    upsert(monitor: StoredMonitor) {
      timetable.upsert(monitor);
    },
    remove(id) {
      timetable.remove(id);
      waitingById.delete(id);
      running.get(id)?.abort('the monitor was removed');
    },
    async checkNow(id) {
      const monitor = timetable.monitor(id);
      if (!monitor) throw new ScheduleError('monitor.not_found', `no monitor ${id} is scheduled`);
      const check = runWithDeadline(run, { monitor, scheduledAt: now(), attempt: 0 }, deadline);
      adHoc.add(check);
      const result = await check.result;
      adHoc.delete(check);
      if (check.timedOut()) timedOut++;
      deliver(result);
      return result;
    },
    async start() {
      active = true;
      timetable.start();
    },
    async stop() {
      timetable.stop();
      waiting = [];
      waitHead = 0;
      waitingById.clear();
      const inFlight = [...running.values(), ...adHoc];
      if (inFlight.length > 0) {
        await new Promise<void>((resolve) => {
          const cancel = timers.after(opts.stopTimeoutMs ?? 5000, resolve);
          void Promise.all(inFlight.map((c) => c.result)).then(() => {
            cancel();
            resolve();
          });
        });
      }
      active = false;
      for (const check of [...running.values(), ...adHoc]) check.abort('the scheduler stopped');
    },
    stats() {
      return {
        monitors: timetable.size, due: waitingById.size, running: running.size + adHoc.size, missed,
        droppedRetries: timetable.droppedRetries, timedOut, failedJobs: 0, lateness: lateness.stats(),
      };
    },
  };
}

const consoleLogger: ScheduleLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};
