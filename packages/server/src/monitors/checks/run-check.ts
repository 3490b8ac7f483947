import type { CheckResult } from '@pulse/protocol';
import type { CheckableMonitor, CheckOptions, CheckOutcome } from './check-options.js';
import { runDnsCheck } from './dns-check.js';
import { runHttpCheck } from './http-check.js';
import { runPingCheck } from './ping-check.js';
import { runPushCheck } from './push-check.js';
import { runTcpCheck } from './tcp-check.js';

function outcomeOf(monitor: CheckableMonitor, scheduledAt: number, options: CheckOptions): Promise<CheckOutcome> | CheckOutcome {
  switch (monitor.type) {
    case 'http':
      return runHttpCheck(monitor, options);
    case 'tcp':
      return runTcpCheck(monitor, options);
    case 'dns':
      return runDnsCheck(monitor, options);
    case 'ping':
      return runPingCheck(monitor, options);
    case 'push':
      return runPushCheck(monitor, scheduledAt, options);
  }
}

/**
 * Runs one check of `monitor` and says what it found. Never rejects: every failure, including a bug
 * in a check, is a `down` result with a reason code (CONTRACT.md), so the scheduler only schedules.
 */
export async function runCheck(monitor: CheckableMonitor, scheduledAt: number, attempt: number, options: CheckOptions): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let outcome: CheckOutcome;
  try {
    outcome = await outcomeOf(monitor, scheduledAt, options);
  } catch (error) {
    outcome = {
      status: 'down',
      reason: { code: 'check.failed', message: `the check itself failed: ${error instanceof Error ? error.message : String(error)}` },
      timings: { totalUs: 0 },
    };
  }
  return {
    monitorId: monitor.id,
    scheduledAt,
    startedAt,
    attempt,
    ...(options.worker ? { worker: options.worker } : {}),
    ...outcome,
  };
}
