export { createMonitorScheduler, type MonitorScheduler, type SchedulerConfig, type SchedulerDeps } from './create-scheduler.js';
export { createCheckRunner, type CheckRunnerOptions } from './check-runner.js';
export { createLocalScheduler, DEFAULT_CONCURRENCY, type LocalSchedulerOptions, type ScheduleLogger } from './scheduler-local.js';
// Types only: the BullMQ parts (scheduler-queue.ts, check-worker.ts) are imported where Redis is configured.
export type { QueueSchedulerOptions } from './scheduler-queue.js';
export type { CheckWorker, CheckWorkerOptions } from './check-worker.js';
export { HARD_TIMEOUT_MARGIN_MS } from './run-deadline.js';
export { phaseOf } from './slots.js';
export {
  realTimers, ScheduleError, type CheckRunner, type CheckScheduler, type DueCheck, type LatenessStats, type ResultHandler,
  type RunContext, type SchedulerStats, type StoredMonitor, type Timers,
} from './types.js';
