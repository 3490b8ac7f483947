import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrlForTests } from '../../../test-support/services.js';
import { bullPrefix, connectionOf, QUEUE_NAME } from './queue-jobs.js';
import { createQueueScheduler } from './scheduler-queue.js';
import { createFakeClock } from './testing/fake-clock.js';
import { httpMonitor } from './testing/fixtures.js';
import type { Timers } from './types.js';

/*
 * The "never queue a monitor behind itself" bound, with no worker at all (as after the only worker
 * died holding the job): a 1 s monitor with a 600 ms timeout is bounded for exactly one interval, so
 * its next run must be enqueued however late the timer fired for the previous one.
 */

const redis = await redisUrlForTests();
if (redis.reason) console.warn(`skipping the BullMQ bound test: ${redis.reason}`);

describe.skipIf(!redis.url)('BullMQ scheduler: a job nobody finishes', () => {
  const prefix = `pulse-test-${randomBytes(4).toString('hex')}:`;
  const queue = redis.url ? new Queue(QUEUE_NAME, { connection: connectionOf(redis.url), prefix: bullPrefix(prefix) }) : undefined;

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
  });

  it('enqueues the next run when the previous one is unanswered, even if the previous timer fired late', async () => {
    const clock = createFakeClock();
    // the first wake-up fires 40 ms late, the later ones on time
    const lateBy = [40];
    const timers: Timers = { after: (ms, fn) => clock.after(ms + (lateBy.shift() ?? 0), fn) };
    const scheduler = createQueueScheduler({
      redisUrl: redis.url!, prefix, now: clock.now, timers, onResult: () => undefined,
      logger: { warn: () => undefined, error: console.error },
    });
    scheduler.upsert(httpMonitor('lonely', { intervalS: 1, timeoutMs: 600, retries: 0 }));
    await scheduler.start();
    try {
      await clock.advance(3100);
      expect(scheduler.stats().missed).toBe(0);
      const deadline = Date.now() + 5000;
      let ids: string[] = [];
      while (ids.length < 3 && Date.now() < deadline) {
        ids = (await queue!.getJobs(['wait', 'prioritized'])).map((j) => j.id!);
        if (ids.length < 3) await new Promise((r) => setTimeout(r, 20));
      }
      const slots = ids.map((id) => Number(id.split(':')[1])).sort((a, b) => a - b);
      expect(slots).toHaveLength(3);
      expect(slots[1]! - slots[0]!).toBe(1000);
      expect(slots[2]! - slots[1]!).toBe(1000);
    } finally {
      await scheduler.stop();
    }
  });
});
