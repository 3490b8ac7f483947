import { MonitorInput, type CheckResult } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { createLocalScheduler } from './scheduler-local.js';
import { phaseOf } from './slots.js';
import { createFakeClock, type FakeClock } from './testing/fake-clock.js';
import { httpMonitor, simulatedTargets, type Behaviour } from './testing/fixtures.js';
import type { StoredMonitor } from './types.js';

function setup(behave: (m: StoredMonitor, attempt: number) => Behaviour, concurrency = 200, clock: FakeClock = createFakeClock()) {
  const targets = simulatedTargets(clock, behave);
  const results: CheckResult[] = [];
  const scheduler = createLocalScheduler({ run: targets.run, onResult: (r) => results.push(r), now: clock.now, timers: clock, concurrency });
  return { clock, scheduler, results, ...targets };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

/** Advances in 100 ms steps until `done` holds (at most `limitMs`). */
async function advanceUntil(clock: FakeClock, done: () => boolean, limitMs = 120_000): Promise<void> {
  for (let spent = 0; !done(); spent += 100) {
    if (spent > limitMs) throw new Error('condition not met on the simulated clock');
    await clock.advance(100);
  }
}

describe('in-process check scheduler (simulated clock)', () => {
  it('stays drift-free over 200 intervals although every check takes 7 of its 10 seconds', async () => {
    const { clock, scheduler, of } = setup(() => ({ ms: 7000 }));
    scheduler.upsert(httpMonitor('slow', { intervalS: 10, timeoutMs: 8000 }));
    await scheduler.start();
    await clock.advance(200 * 10_000);
    const runs = of('slow');
    expect(runs.length).toBeGreaterThanOrEqual(199);
    expect(new Set(gaps(runs.map((r) => r.scheduledAt)))).toEqual(new Set([10_000]));
    expect(runs.every((r) => r.startedAt === r.scheduledAt)).toBe(true);
    expect(scheduler.stats()).toMatchObject({ missed: 0, lateness: { max: 0 } });
  });

  it('spreads first runs over the interval by a hash of the id and keeps each phase across a restart', async () => {
    const clock = createFakeClock();
    const monitors = Array.from({ length: 300 }, (_, i) => httpMonitor(`m-${i}`, { intervalS: 60 }));
    const firstRuns = async () => {
      const { scheduler, executions } = setup(() => ({ ms: 10 }), 200, clock);
      for (const m of monitors) scheduler.upsert(m);
      await scheduler.start();
      await clock.advance(60_000);
      await scheduler.stop();
      return new Map(executions.map((e) => [e.id, e.scheduledAt]));
    };
    const before = await firstRuns();
    await clock.advance(123_457);
    const after = await firstRuns();
    expect(before.size).toBe(300);
    // 300 runs in 60 one-second buckets: no bucket holds a pile-up (uniform would be 5 each)
    const buckets = new Map<number, number>();
    for (const at of before.values()) buckets.set(Math.floor((at % 60_000) / 1000), (buckets.get(Math.floor((at % 60_000) / 1000)) ?? 0) + 1);
    expect(buckets.size).toBeGreaterThan(50);
    expect(Math.max(...buckets.values())).toBeLessThanOrEqual(15);
    for (const m of monitors) {
      expect(before.get(m.id)! % 60_000).toBe(phaseOf(m.id, 60_000));
      expect(after.get(m.id)! % 60_000).toBe(before.get(m.id)! % 60_000);
    }
  });

  it('runs 50 monitors every second, each exactly once per second, on time', async () => {
    const { clock, scheduler, of } = setup(() => ({ ms: 120 }));
    for (let i = 0; i < 50; i++) scheduler.upsert(httpMonitor(`fast-${i}`, { intervalS: 1, timeoutMs: 500 }));
    await scheduler.start();
    await clock.advance(60_000);
    for (let i = 0; i < 50; i++) {
      const runs = of(`fast-${i}`);
      expect(runs.length).toBe(60);
      expect(new Set(gaps(runs.map((r) => r.scheduledAt)))).toEqual(new Set([1000]));
    }
    expect(scheduler.stats()).toMatchObject({ missed: 0, lateness: { count: 3000, max: 0 } });
  });

  it('retries a down check after retryIntervalS up to `retries` times while the regular schedule goes on', async () => {
    const { clock, scheduler, of, results } = setup(() => ({ ms: 200, status: 'down' }));
    scheduler.upsert(httpMonitor('flaky', { intervalS: 60, retries: 2, retryIntervalS: 5, timeoutMs: 1000 }));
    await scheduler.start();
    await clock.advance(120_000);
    const runs = of('flaky');
    const first = runs[0]!;
    expect(runs.slice(0, 4).map((r) => [r.attempt, r.scheduledAt - first.scheduledAt])).toEqual([
      [0, 0], [1, 5200], [2, 10_400], [0, 60_000],
    ]);
    expect(results.slice(0, 3).map((r) => [r.attempt, r.status])).toEqual([[0, 'down'], [1, 'down'], [2, 'down']]);
  });

  it('drops a retry that would fall after the next regular run', async () => {
    const { clock, scheduler, of } = setup(() => ({ ms: 100, status: 'down' }));
    scheduler.upsert(httpMonitor('tight', { intervalS: 10, retries: 3, retryIntervalS: 15, timeoutMs: 1000 }));
    await scheduler.start();
    await clock.advance(100_000);
    const runs = of('tight');
    expect(runs.every((r) => r.attempt === 0)).toBe(true);
    expect(new Set(gaps(runs.map((r) => r.scheduledAt)))).toEqual(new Set([10_000]));
    expect(scheduler.stats().droppedRetries).toBe(runs.length);
  });

  it('keeps everyone on schedule past hung targets: they time out, their next runs are missed, not queued', async () => {
    const hung = (m: StoredMonitor) => m.id.startsWith('hung');
    const { clock, scheduler, of, results } = setup((m) => (hung(m) ? 'hang' : { ms: 80 }), 20);
    for (let i = 0; i < 10; i++) scheduler.upsert(httpMonitor(`hung-${i}`, { intervalS: 10, timeoutMs: 15_000 }));
    for (let i = 0; i < 100; i++) scheduler.upsert(httpMonitor(`ok-${i}`, { intervalS: 10, timeoutMs: 1000 }));
    await scheduler.start();
    await clock.advance(100_000);
    for (let i = 0; i < 100; i++) {
      const runs = of(`ok-${i}`);
      expect(runs.length).toBeGreaterThanOrEqual(9);
      expect(runs.every((r) => r.startedAt === r.scheduledAt)).toBe(true);
    }
    // each hung check holds its slot 16 s (15 s timeout + 1 s margin): every other regular run is skipped
    const hungRuns = of('hung-0');
    expect(new Set(gaps(hungRuns.map((r) => r.scheduledAt)))).toEqual(new Set([20_000]));
    const timeouts = results.filter((r) => r.reason?.code === 'timeout.total');
    expect(timeouts.length).toBeGreaterThanOrEqual(40);
    expect(timeouts.every((r) => hung({ id: r.monitorId } as StoredMonitor))).toBe(true);
    expect(scheduler.stats()).toMatchObject({ missed: expect.any(Number), lateness: { max: 0 } });
    expect(scheduler.stats().missed).toBeGreaterThanOrEqual(40);
    expect(scheduler.stats().timedOut).toBe(timeouts.length);
  });

  it('at the concurrency cap, makes due checks wait in due-time order and measures how late they start', async () => {
    const { clock, scheduler, executions } = setup(() => ({ ms: 300 }), 2);
    let peak = 0;
    for (let i = 0; i < 8; i++) scheduler.upsert(httpMonitor(`busy-${i}`, { intervalS: 1, timeoutMs: 500 }));
    await scheduler.start();
    for (let s = 0; s < 200; s++) {
      await clock.advance(50);
      peak = Math.max(peak, scheduler.stats().running);
    }
    expect(peak).toBe(2);
    const starts = executions.map((e) => e.scheduledAt);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const { lateness, missed } = scheduler.stats();
    expect(lateness.max).toBeGreaterThan(0);
    expect(lateness.max).toBeLessThan(1000);
    expect(missed).toBeGreaterThan(0);
  });

  it('removing a monitor mid-check drops its result and its later runs', async () => {
    const { clock, scheduler, of, results } = setup(() => ({ ms: 4000 }));
    scheduler.upsert(httpMonitor('gone', { intervalS: 10, timeoutMs: 5000 }));
    await scheduler.start();
    await advanceUntil(clock, () => of('gone').length === 1);
    expect(scheduler.stats().running).toBe(1);
    scheduler.remove('gone');
    await clock.advance(60_000);
    expect(of('gone')).toHaveLength(1);
    expect(results).toHaveLength(0);
  });

  it('an upsert mid-check keeps the phase when the interval is unchanged, and re-phases when it changes', async () => {
    const urls: string[] = [];
    const { clock, scheduler, of, results } = setup((m) => {
      if (m.type === 'http') urls.push(m.url);
      return { ms: 2000 };
    });
    scheduler.upsert(httpMonitor('edit', { intervalS: 10, timeoutMs: 5000 }));
    await scheduler.start();
    await advanceUntil(clock, () => of('edit').length === 1);
    const first = of('edit')[0]!;
    scheduler.upsert(httpMonitor('edit', { intervalS: 10, timeoutMs: 5000, url: 'http://127.0.0.1:9/v2' }));
    await clock.advance(5000);
    expect(results).toHaveLength(1);
    await clock.advance(5000);
    expect(of('edit').map((r) => r.scheduledAt - first.scheduledAt)).toEqual([0, 10_000]);
    expect(urls).toEqual(['http://127.0.0.1:9/edit', 'http://127.0.0.1:9/v2']);
    scheduler.upsert(httpMonitor('edit', { intervalS: 7, timeoutMs: 5000 }));
    await clock.advance(30_000);
    const after = of('edit').slice(2).map((r) => r.scheduledAt);
    expect(after.length).toBeGreaterThanOrEqual(4);
    expect(after.every((at) => at % 7000 === phaseOf('edit', 7000))).toBe(true);
    expect(new Set(gaps(after))).toEqual(new Set([7000]));
  });

  it('checkNow runs at once, reports through onResult and does not move the schedule', async () => {
    const { clock, scheduler, of, results } = setup(() => ({ ms: 50 }));
    scheduler.upsert(httpMonitor('now', { intervalS: 30 }));
    await scheduler.start();
    await advanceUntil(clock, () => of('now').length === 1);
    const regular = of('now')[0]!.scheduledAt;
    await clock.advance(3000);
    const asked = scheduler.checkNow('now');
    await clock.advance(50);
    const result = await asked;
    expect(result).toMatchObject({ monitorId: 'now', status: 'up', attempt: 0, startedAt: result.scheduledAt });
    expect(results).toContain(result);
    await clock.advance(60_000);
    expect(of('now').filter((r) => r.scheduledAt !== result.scheduledAt).map((r) => r.scheduledAt - regular)).toEqual([0, 30_000, 60_000]);
    await expect(scheduler.checkNow('nope')).rejects.toMatchObject({ code: 'monitor.not_found' });
  });

  it('schedules a push monitor like the others (its check reads the push ledger) and skips a paused one', async () => {
    const { clock, scheduler, of } = setup(() => ({ ms: 0 }));
    scheduler.upsert({ ...MonitorInput.parse({ type: 'push', name: 'cron', intervalS: 60, graceS: 30 }), id: 'cron', createdAt: 0, updatedAt: 0 });
    scheduler.upsert(httpMonitor('paused', { intervalS: 60, enabled: false }));
    await scheduler.start();
    await clock.advance(600_000);
    expect(of('cron')).toHaveLength(10);
    expect(new Set(gaps(of('cron').map((r) => r.scheduledAt)))).toEqual(new Set([60_000]));
    expect(of('paused')).toHaveLength(0);
    scheduler.upsert(httpMonitor('paused', { intervalS: 60, enabled: true }));
    await clock.advance(60_000);
    expect(of('paused')).toHaveLength(1);
  });

  it('keeps 2,000 monitors at 10 s exact behind a single timer', async () => {
    const { clock, scheduler, executions } = setup(() => ({ ms: 0 }));
    for (let i = 0; i < 2000; i++) scheduler.upsert(httpMonitor(`many-${i}`, { intervalS: 10, timeoutMs: 5000 }));
    await scheduler.start();
    expect(clock.pending()).toBe(1);
    await clock.advance(30_000);
    expect(executions.length).toBe(6000);
    expect(new Set(executions.map((e) => `${e.id}:${e.scheduledAt}`)).size).toBe(6000);
    expect(scheduler.stats().lateness).toMatchObject({ count: 6000, max: 0 });
    expect(clock.pending()).toBe(1);
  });

  it('stop waits for running checks, then no more run', async () => {
    const { clock, scheduler, of, results } = setup(() => ({ ms: 3000 }));
    scheduler.upsert(httpMonitor('bye', { intervalS: 10, timeoutMs: 5000 }));
    await scheduler.start();
    await advanceUntil(clock, () => of('bye').length === 1);
    expect(results).toHaveLength(0);
    const stopped = scheduler.stop();
    await clock.advance(3000);
    await stopped;
    expect(results).toHaveLength(1);
    await clock.advance(60_000);
    expect(of('bye')).toHaveLength(1);
  });
});
