import type { CheckOptions, CheckOutcome, MonitorOf } from './check-options.js';

export interface Push {
  status: 'up' | 'down';
  msg?: string | undefined;
  /** the job's own response time, ms */
  ping?: number | undefined;
}

export interface RecordedPush extends Push {
  at: number;
}

/**
 * The last push per monitor, in memory: the push route records, the scheduler's push check reads.
 * One per process (built in main.ts). With several servers each holds the pushes it received, so a
 * push check must run where its pushes land (or the route must forward them).
 */
export interface PushLedger {
  record(monitorId: string, push: Push, at: number): void;
  last(monitorId: string): RecordedPush | undefined;
  forget(monitorId: string): void;
}

export function createPushLedger(): PushLedger {
  const pushes = new Map<string, RecordedPush>();
  return {
    record(monitorId, push, at) {
      const previous = pushes.get(monitorId);
      // a late duplicate must not replace a newer push
      if (!previous || previous.at <= at) pushes.set(monitorId, { ...push, at });
    },
    last: (monitorId) => pushes.get(monitorId),
    forget: (monitorId) => void pushes.delete(monitorId),
  };
}

/** Up when the job pushed `up` within intervalS + graceS before the scheduled time. */
export function runPushCheck(monitor: MonitorOf<'push'>, scheduledAt: number, options: CheckOptions): CheckOutcome {
  const windowMs = (monitor.intervalS + monitor.graceS) * 1000;
  const push = options.pushLedger?.last(monitor.id);
  if (!push || push.at < scheduledAt - windowMs) {
    const seen = push ? `the last one came at ${new Date(push.at).toISOString()}` : 'none has arrived since the server started';
    return {
      status: 'down',
      reason: { code: 'push.missing', message: `no push within ${windowMs / 1000} s (${seen}): is the job running and calling its push URL?` },
      timings: { totalUs: 0 },
      facts: push ? { lastPushAt: push.at } : {},
    };
  }
  const totalUs = push.ping !== undefined && Number.isFinite(push.ping) && push.ping >= 0 ? Math.round(push.ping * 1000) : 0;
  const facts: Record<string, unknown> = { lastPushAt: push.at, ...(push.msg ? { msg: push.msg } : {}), ...(push.ping !== undefined ? { ping: push.ping } : {}) };
  if (push.status === 'down') {
    return { status: 'down', reason: { code: 'push.down', message: push.msg ? `the job reported down: ${push.msg}` : 'the job reported down' }, timings: { totalUs }, facts };
  }
  return { status: 'up', timings: { totalUs }, facts };
}
