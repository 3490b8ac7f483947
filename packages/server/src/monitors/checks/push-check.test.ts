import { describe, expect, it } from 'vitest';
import { createPushLedger, runCheck } from './index.js';
import { monitor } from './testing/monitors.js';

const job = monitor({ name: 'nightly', type: 'push', intervalS: 60, graceS: 30 }, 'job-1');
const T = 1_700_000_000_000;

describe('push checks read the last push from the ledger', () => {
  it('is down with push.missing before any push', async () => {
    const result = await runCheck(job, T, 0, { timeoutMs: 1_000, pushLedger: createPushLedger() });
    expect(result).toMatchObject({ monitorId: 'job-1', status: 'down', reason: { code: 'push.missing' } });
  });

  it('is up with the pushed ping as the response time within intervalS + graceS', async () => {
    const ledger = createPushLedger();
    ledger.record('job-1', { status: 'up', msg: 'done', ping: 12.5 }, T - 90_000);
    const result = await runCheck(job, T, 0, { timeoutMs: 1_000, pushLedger: ledger });
    expect(result).toMatchObject({ status: 'up', timings: { totalUs: 12_500 }, facts: { msg: 'done', ping: 12.5, lastPushAt: T - 90_000 } });
  });

  it('is down with push.missing once the last push is older than intervalS + graceS', async () => {
    const ledger = createPushLedger();
    ledger.record('job-1', { status: 'up' }, T - 90_001);
    expect(await runCheck(job, T, 0, { timeoutMs: 1_000, pushLedger: ledger })).toMatchObject({ status: 'down', reason: { code: 'push.missing' }, facts: { lastPushAt: T - 90_001 } });
  });

  it('is down with push.down when the job pushed status=down, carrying its message', async () => {
    const ledger = createPushLedger();
    ledger.record('job-1', { status: 'down', msg: 'backup failed' }, T - 1_000);
    const result = await runCheck(job, T, 0, { timeoutMs: 1_000, pushLedger: ledger });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'push.down', message: 'the job reported down: backup failed' } });
  });

  it('keeps the newest push when an older one arrives late, and forgets a deleted monitor', () => {
    const ledger = createPushLedger();
    ledger.record('job-1', { status: 'up' }, T);
    ledger.record('job-1', { status: 'down' }, T - 5_000);
    expect(ledger.last('job-1')).toMatchObject({ status: 'up', at: T });
    ledger.forget('job-1');
    expect(ledger.last('job-1')).toBeUndefined();
  });
});
