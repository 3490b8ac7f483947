export { runCheck } from './run-check.js';
export type { CheckableMonitor, CheckOptions, CheckOutcome } from './check-options.js';
export { HttpAgentPool } from './http-agent-pool.js';
export { createPushLedger, type Push, type PushLedger, type RecordedPush } from './push-check.js';
export { systemLookup, type HostLookup } from './connection-phases.js';
export { CheckFailure, type CheckPhase } from './check-failure.js';
export { isStatusAccepted, readJsonPath } from './http-assertions.js';
export { parsePingOutput, type PingReport } from './ping-check.js';
