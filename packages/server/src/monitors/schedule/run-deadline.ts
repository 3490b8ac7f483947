import type { CheckResult } from '@pulse/protocol';
import type { CheckRunner, DueCheck, Timers } from './types.js';

/**
 * Past the monitor's own timeout, how long a check may still take before the scheduler gives up on
 * it. The check enforces timeoutMs itself; this margin only catches a check that ignores it, so one
 * hung target cannot hold a concurrency slot (or a worker) for ever. A quarter of the timeout, 100 ms
 * to 1 s: a 1 s monitor with a 500 ms timeout must still be given up before its next run.
 */
export const HARD_TIMEOUT_MARGIN_MS = 1000;
export const hardTimeoutMargin = (timeoutMs: number): number => Math.min(HARD_TIMEOUT_MARGIN_MS, Math.max(100, Math.round(timeoutMs / 4)));

export interface DeadlineOptions {
  now: () => number;
  timers: Timers;
  /** fixed margin; hardTimeoutMargin(timeoutMs) when absent */
  marginMs?: number | undefined;
  worker: string;
}

export interface RunningCheck {
  /** Settles with the check's result, or a down result at the hard deadline; never rejects. */
  result: Promise<CheckResult>;
  /** Aborts the check now (stop past its bound, monitor removed). */
  abort(reason: string): void;
  /** Whether the result came from the hard deadline rather than the check. */
  timedOut(): boolean;
}

/** Runs `run` with an AbortSignal fired at timeoutMs + margin, resolving there whatever `run` does. */
export function runWithDeadline(run: CheckRunner, due: DueCheck, opts: DeadlineOptions): RunningCheck {
  const { monitor, scheduledAt, attempt } = due;
  const controller = new AbortController();
  const startedAt = opts.now();
  const hardMs = monitor.timeoutMs + (opts.marginMs ?? hardTimeoutMargin(monitor.timeoutMs));
  let timedOut = false;
  let settle!: (r: CheckResult) => void;
  const result = new Promise<CheckResult>((resolve) => (settle = resolve));
  let settled = false;
  const finish = (r: CheckResult) => {
    if (settled) return;
    settled = true;
    cancelTimer();
    settle(r);
  };
  const down = (code: string, message: string): CheckResult => ({
    monitorId: monitor.id, scheduledAt, startedAt, attempt, worker: opts.worker, status: 'down',
    reason: { code, message }, timings: { totalUs: Math.max(0, Math.round((opts.now() - startedAt) * 1000)) },
  });
  const cancelTimer = opts.timers.after(hardMs, () => {
    timedOut = true;
    controller.abort(new Error(`no result within ${hardMs} ms`));
    finish(down('timeout.total', `the check gave no result within ${hardMs} ms (timeout ${monitor.timeoutMs} ms); it was abandoned`));
  });
  Promise.resolve()
    .then(() => run(monitor, scheduledAt, attempt, { timeoutMs: monitor.timeoutMs, signal: controller.signal }))
    .then(finish, (err: unknown) => finish(down('check.error', `the check failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`)));
  return {
    result,
    abort(reason) {
      controller.abort(new Error(reason));
      finish(down('check.aborted', reason));
    },
    timedOut: () => timedOut,
  };
}
