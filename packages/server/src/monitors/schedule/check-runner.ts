import { runCheck, type HttpAgentPool, type PushLedger } from '../checks/index.js';
import type { CheckRunner } from './types.js';

export interface CheckRunnerOptions {
  /** `worker` on every result: `local` in the server, the worker's name in `pulse worker` */
  workerName: string;
  now?: () => number;
  /** one per process: keep-alive connections for monitors with keepAlive */
  agentPool?: HttpAgentPool;
  /** one per process: the pushes the push route recorded (only the server has them) */
  pushLedger?: PushLedger;
}

/** The real checks (checks/run-check.ts) as the schedulers and the worker call them. */
export function createCheckRunner(options: CheckRunnerOptions): CheckRunner {
  const { workerName, now, agentPool, pushLedger } = options;
  return (monitor, scheduledAt, attempt, { timeoutMs, signal }) =>
    runCheck(monitor, scheduledAt, attempt, { timeoutMs, signal, worker: workerName, ...(now ? { now } : {}), ...(agentPool ? { agentPool } : {}), ...(pushLedger ? { pushLedger } : {}) });
}
