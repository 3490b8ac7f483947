import { describe, expect, it } from 'vitest';
import { CheckResult } from '@pulse/protocol';
import { type PushLedger, runCheck } from './index.js';
import { monitor } from './testing/monitors.js';

describe('runCheck', () => {
  it('never rejects: a check that throws becomes a down result with check.failed', async () => {
    const broken: PushLedger = { record: () => undefined, forget: () => undefined, last: () => { throw new Error('ledger offline'); } };
    const result = await runCheck(monitor({ name: 'job', type: 'push' }, 'job-9'), 10, 2, { timeoutMs: 1_000, pushLedger: broken, now: () => 42, worker: 'w1' });
    expect(result).toEqual({
      monitorId: 'job-9', scheduledAt: 10, startedAt: 42, attempt: 2, worker: 'w1', status: 'down',
      reason: { code: 'check.failed', message: 'the check itself failed: ledger offline' }, timings: { totalUs: 0 },
    });
  });

  it('returns results the wire schema accepts', async () => {
    const result = await runCheck(monitor({ name: 'job', type: 'push' }), 10, 0, { timeoutMs: 1_000 });
    expect(CheckResult.parse(result)).toEqual(result);
  });
});
