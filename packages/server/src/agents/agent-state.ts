import { DockerState } from '@pulse/protocol';
import { z } from 'zod';
import type { AgentRow } from '../store/index.js';

/** How many agent runs' sequence numbers are remembered: a buffer resent after restarts spans a few runs. */
const MAX_RUNS = 8;

/** What the server keeps of one enrolled agent, in memory, and in `agents.state` across restarts. */
export interface AgentState {
  id: string;
  hostname: string;
  machineId: string | null;
  version: string;
  tokenHash: string;
  enrolledAt: number;
  /** server time of the last batch with an applied report */
  lastReportAt: number | null;
  /** the interval the agent last reported using */
  intervalMs: number | null;
  docker: DockerState | null;
  clockSkewMs: number;
  /** highest applied `seq` per recent `runId`, oldest run first */
  runs: Array<[string, number]>;
  /** marked offline in the registry and not back yet (not stored: a restart re-derives it) */
  offline: boolean;
}

const Stored = z.object({
  intervalMs: z.number().nullable().catch(null),
  docker: DockerState.nullable().catch(null),
  clockSkewMs: z.number().catch(0),
  runs: z.array(z.tuple([z.string(), z.number()])).catch([]),
});

export function agentFromRow(row: AgentRow): AgentState {
  let stored: z.infer<typeof Stored> = { intervalMs: null, docker: null, clockSkewMs: 0, runs: [] };
  if (row.state) {
    try {
      stored = Stored.parse(JSON.parse(row.state));
    } catch {
      // A damaged state only costs duplicate detection for reports already applied; the agent carries on.
    }
  }
  return {
    id: row.id, hostname: row.hostname, machineId: row.machine_id, version: row.version, tokenHash: row.token_hash,
    enrolledAt: row.enrolled_at, lastReportAt: row.last_report_at, ...stored, offline: false,
  };
}

export function agentStateJson(agent: AgentState): string {
  const { intervalMs, docker, clockSkewMs, runs } = agent;
  return JSON.stringify({ intervalMs, docker, clockSkewMs, runs });
}

/** Sequence numbers grow within a run and reports come oldest first, so anything at or below the highest applied was seen. */
export function isDuplicate(agent: AgentState, runId: string, seq: number): boolean {
  const run = agent.runs.find(([id]) => id === runId);
  return run !== undefined && seq <= run[1];
}

export function recordSeen(agent: AgentState, runId: string, seq: number): void {
  const i = agent.runs.findIndex(([id]) => id === runId);
  if (i >= 0) agent.runs.splice(i, 1);
  agent.runs.push([runId, seq]);
  if (agent.runs.length > MAX_RUNS) agent.runs.splice(0, agent.runs.length - MAX_RUNS);
}
