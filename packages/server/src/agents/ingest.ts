import type { AgentReportBatch } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { Registry } from '../resources/index.js';
import { reportToObservation } from '../sources/agent/index.js';
import { type AgentState, isDuplicate, recordSeen } from './agent-state.js';

/** Below this, the gap between the agent's send time and our receive time is network and scheduling, not a wrong clock. */
export const SKEW_TOLERANCE_MS = 2000;
/** After skew correction, a report sampled longer ago than this (or this far ahead) is refused. */
export const MAX_REPORT_AGE_MS = 86_400_000;
export const MAX_REPORT_AHEAD_MS = 5 * 60_000;

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejected: number;
  problems: string[];
}

const iso = (t: number) => (Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : String(t));

/**
 * Applies a batch's reports in order. The skew between the agent's clock and ours is measured on
 * the batch (receive time minus `sentAt`) and, past the tolerance, added to every report's `at`, so
 * buffered reports land at the time they were sampled. A report already applied (same run, seq not
 * higher) is counted, not applied again. Nothing here can fail another agent's resources: each
 * report touches only this agent's source in the registry.
 */
export function ingestBatch(
  agent: AgentState,
  batch: AgentReportBatch,
  receivedAt: number,
  deps: { registry: Pick<Registry, 'apply'>; logger: Logger },
): BatchOutcome {
  const skew = receivedAt - batch.sentAt;
  const correction = Math.abs(skew) > SKEW_TOLERANCE_MS ? skew : 0;
  const outcome: BatchOutcome = { accepted: 0, duplicates: 0, rejected: 0, problems: [] };
  const reject = (problem: string) => {
    outcome.rejected++;
    if (outcome.problems.length < 10) outcome.problems.push(problem);
  };
  for (const report of batch.reports) {
    const name = `report ${report.runId}/${report.seq}`;
    if (isDuplicate(agent, report.runId, report.seq)) {
      outcome.duplicates++;
      continue;
    }
    // Refused reports count as seen too: sending them again would not change the answer.
    recordSeen(agent, report.runId, report.seq);
    const at = report.at + correction;
    if (at < receivedAt - MAX_REPORT_AGE_MS || at > receivedAt + MAX_REPORT_AHEAD_MS) {
      reject(`${name} was sampled at ${iso(at)} (after correcting the clock by ${correction} ms), too far from the server's ${iso(receivedAt)}; dropped`);
      continue;
    }
    try {
      deps.registry.apply(reportToObservation(report, { agentId: agent.id, hostname: agent.hostname, at, clockSkewMs: correction }));
    } catch (err) {
      deps.logger.error({ err, agent: agent.id, runId: report.runId, seq: report.seq }, 'could not apply an agent report');
      reject(`${name} could not be applied: the server's log has the details`);
      continue;
    }
    outcome.accepted++;
    agent.version = report.agent.version;
    agent.intervalMs = report.intervalMs;
    agent.docker = report.docker ?? null;
    agent.clockSkewMs = correction;
    agent.lastReportAt = receivedAt;
    agent.offline = false;
  }
  return outcome;
}
