import type { CheckResult, MonitorInput } from '@pulse/protocol';
import type { HostLookup } from './connection-phases.js';
import type { HttpAgentPool } from './http-agent-pool.js';
import type { PushLedger } from './push-check.js';

/** What a check needs of a monitor; `StoredMonitor` (MonitorInput + id + dates + pushToken) fits. */
export type CheckableMonitor = MonitorInput & { id: string };

export type MonitorOf<T extends MonitorInput['type']> = Extract<MonitorInput, { type: T }> & { id: string };

export interface CheckOptions {
  /** one deadline for the whole check, every phase and redirect included */
  timeoutMs: number;
  /** wall clock (ms) for `startedAt`, certificate days and push age; phases use hrtime regardless */
  now?: () => number;
  /** cancels the check (shutdown); the result is down with `check.cancelled` */
  signal?: AbortSignal;
  /** which worker ran it (`local` in one process) */
  worker?: string;
  /** keep-alive pool for monitors with keepAlive; one per process */
  agentPool?: HttpAgentPool;
  /** where push monitors' pushes are recorded; one per process (the push route writes it) */
  pushLedger?: PushLedger;
  /** host name resolution for HTTP and TCP checks; `dns.lookup` by default */
  lookup?: HostLookup;
  /** extra trusted CAs for HTTPS (a private CA); the system store otherwise */
  ca?: string | string[];
  /** the ping binary; `ping` from PATH by default */
  pingCommand?: string;
}

/** What one check type decides; `runCheck` adds the monitor, schedule and worker fields. */
export type CheckOutcome = Pick<CheckResult, 'status' | 'reason' | 'warning' | 'timings' | 'reused' | 'ip' | 'httpStatus' | 'tls' | 'facts'>;
