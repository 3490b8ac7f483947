import { hostname } from 'node:os';
import { MONITOR_LIMITS } from '@pulse/protocol';
import { HttpAgentPool } from '../checks/index.js';
import { createCheckRunner } from './check-runner.js';
import { HARD_TIMEOUT_MARGIN_MS } from './run-deadline.js';
import type { ScheduleLogger } from './scheduler-local.js';

/** The longest a running check can take to end after SIGTERM: the largest timeout plus the margin. */
export const WORKER_DRAIN_MS = MONITOR_LIMITS.timeoutMs.max + HARD_TIMEOUT_MARGIN_MS;

export interface WorkerProcessOptions {
  redisUrl: string;
  redisPrefix: string;
  concurrency: number;
  name?: string | undefined;
  logger: ScheduleLogger & { info(obj: object, msg: string): void };
}

/** `pulse worker`: the real checks on the shared queue, until close() (which lets running ones finish). */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<{ name: string; close(): Promise<void> }> {
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  // cli.ts imports this module for every command, `pulse serve` too: BullMQ is imported only here.
  const { startCheckWorker } = await import('./check-worker.js');
  const agentPool = new HttpAgentPool();
  const worker = startCheckWorker({
    redisUrl: opts.redisUrl, prefix: opts.redisPrefix, concurrency: opts.concurrency, workerName: name,
    run: createCheckRunner({ workerName: name, agentPool }), logger: opts.logger,
  });
  await worker.ready();
  opts.logger.info({ worker: name, concurrency: opts.concurrency }, 'taking checks from the queue');
  return {
    name,
    async close() {
      await worker.close();
      agentPool.close();
    },
  };
}
