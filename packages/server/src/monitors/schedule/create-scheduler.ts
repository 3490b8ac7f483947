import { hostname } from 'node:os';
import type { CheckWorker } from './check-worker.js';
import { createLocalScheduler, DEFAULT_CONCURRENCY, type ScheduleLogger } from './scheduler-local.js';
import type { CheckRunner, CheckScheduler, ResultHandler, Timers } from './types.js';

/** The configuration keys the choice depends on (config/schema.ts). */
export interface SchedulerConfig {
  redis_url?: string | undefined;
  redis_prefix: string;
  monitors: { concurrency?: number; local_worker?: boolean };
}

export interface SchedulerDeps {
  /** the real checks: createCheckRunner({ workerName: 'local', agentPool, pushLedger }) */
  run: CheckRunner;
  onResult: ResultHandler;
  logger: ScheduleLogger;
  now?: () => number;
  timers?: Timers;
}

export type MonitorScheduler = CheckScheduler & { readonly mode: 'local' | 'queue' };

/**
 * In process without `redis_url`; with it, a BullMQ queue worked by `pulse worker` processes and,
 * unless monitors.local_worker is false, by this server too (started and stopped with the scheduler).
 * The queue's modules are imported only then: BullMQ brings ~250 modules (with ioredis, its own semver
 * and cron-parser) that would otherwise stay loaded in every server.
 */
export async function createMonitorScheduler(config: SchedulerConfig, deps: SchedulerDeps): Promise<MonitorScheduler> {
  const now = deps.now ?? Date.now;
  const concurrency = config.monitors.concurrency ?? DEFAULT_CONCURRENCY;
  if (!config.redis_url) {
    return { mode: 'local', ...createLocalScheduler({ run: deps.run, onResult: deps.onResult, now, timers: deps.timers, concurrency, logger: deps.logger }) };
  }
  const redisUrl = config.redis_url;
  const [{ createQueueScheduler }, { startCheckWorker }] = await Promise.all([import('./scheduler-queue.js'), import('./check-worker.js')]);
  const queued = createQueueScheduler({
    redisUrl, prefix: config.redis_prefix, onResult: deps.onResult, now, timers: deps.timers, logger: deps.logger, runLocal: deps.run,
  });
  let worker: CheckWorker | undefined;
  return {
    ...queued,
    mode: 'queue',
    async start() {
      if (config.monitors.local_worker !== false) {
        worker = startCheckWorker({
          redisUrl, prefix: config.redis_prefix, concurrency, run: deps.run, workerName: `server@${hostname()}:${process.pid}`, now, logger: deps.logger,
        });
        await worker.ready();
      }
      await queued.start();
    },
    async stop() {
      await queued.stop();
      await worker?.close();
      worker = undefined;
    },
  };
}
