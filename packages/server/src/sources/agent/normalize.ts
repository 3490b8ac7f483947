import { createHash } from 'node:crypto';
import type { AgentReport, AgentResource, DockerState, ResourceStatus } from '@pulse/protocol';
import type { Observation, ObservedResource } from '../../resources/observation.js';
import { containerStatus as engineContainerStatus } from '../docker/docker-resources.js';

/** Metric names that can honestly go below zero; anything else negative is a broken rate or counter. */
const MAY_BE_NEGATIVE = /temp|offset|delta|skew/i;
const LOCAL_ID = /^[A-Za-z0-9_.-]{1,80}$/;
const CONTAINER_TYPES = new Set<string>(['app-container', 'system-container']);
const MAX_PROBLEMS = 10;

export const agentSource = (agentId: string): string => `agent:${agentId}`;
export const agentHostId = (agentId: string): string => `host:agent:${agentId}`;

/**
 * A container's id under its agent's namespace, from the last part of the id the agent sent
 * (`docker:<host>/<container name>` gives the name, stable across re-creation by compose): an agent
 * can never name, and so overwrite, another's resources. Anything unusual is hashed.
 */
export function agentContainerId(agentId: string, agentSideId: string): string {
  const local = agentSideId.split(/[/:]/).pop() ?? '';
  const safe = LOCAL_ID.test(local) ? local : createHash('sha256').update(agentSideId).digest('hex').slice(0, 16);
  return `container:agent:${agentId}/${safe}`;
}

/**
 * Docker's state and health, by the same rule as an engine Pulse polls itself: running and healthy
 * (or without a health check) is online, unhealthy, restarting or paused degraded, stopped offline;
 * nothing is known while the agent cannot read its engine.
 */
export function containerStatus(details: Record<string, unknown>, docker: DockerState = { state: 'ok' }): ResourceStatus {
  return engineContainerStatus(details, docker);
}

export interface ReportContext {
  agentId: string;
  /** the name it enrolled with, for a host that reports none */
  hostname: string;
  /** the sampling time on the server's clock */
  at: number;
  /** server clock minus agent clock, when large enough to correct; else 0 */
  clockSkewMs: number;
}

/**
 * One agent report as an observation: the agent's host and containers under ids the server chose,
 * statuses from the server's rules, impossible metrics dropped and named in `details.reportProblems`.
 * Complete, so containers that are gone disappear.
 */
export function reportToObservation(report: AgentReport, ctx: ReportContext): Observation {
  const source = agentSource(ctx.agentId);
  const hostId = agentHostId(ctx.agentId);
  const problems: string[] = [];
  const containers: ObservedResource[] = [];
  const ids = new Set<string>();
  for (const c of report.containers) {
    if (!CONTAINER_TYPES.has(c.type)) {
      problems.push(`"${c.id}" has type "${c.type}"; an agent reports only containers besides its host, so it was ignored`);
      continue;
    }
    const id = agentContainerId(ctx.agentId, c.id);
    if (ids.has(id)) {
      problems.push(`container id "${c.id}" appears twice; the second was ignored`);
      continue;
    }
    ids.add(id);
    containers.push({
      id, type: c.type, name: c.name, parentId: hostId, source, status: containerStatus(c.details, report.docker),
      metrics: cleanMetrics(c, problems), details: c.details, identity: c.identity, tags: c.tags,
    });
  }
  const h = report.host;
  const host: ObservedResource = {
    id: hostId, type: 'host', name: h.name || (h.identity.hostnames?.[0] ?? ctx.hostname), source,
    // The engine answering wrongly is worth a look; no Docker at all is a fact of the machine.
    status: report.docker?.state === 'error' ? 'degraded' : 'online',
    metrics: cleanMetrics(h, problems),
    details: {
      ...h.details,
      agent: { id: ctx.agentId, version: report.agent.version, arch: report.agent.arch ?? null, node: report.agent.node ?? null, intervalMs: report.intervalMs },
      clockSkewMs: ctx.clockSkewMs,
      ...(report.docker ? { docker: report.docker } : {}),
      // Always present, so a diff clears the list once the agent reports cleanly again.
      reportProblems: problems.slice(0, MAX_PROBLEMS),
    },
    identity: h.identity, tags: h.tags,
  };
  return { source, at: ctx.at, resources: [host, ...containers], complete: true };
}

function cleanMetrics(resource: AgentResource, problems: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(resource.metrics)) {
    if (Number.isFinite(value) && (value >= 0 || MAY_BE_NEGATIVE.test(name))) out[name] = value;
    else dropped.push(name);
  }
  if (dropped.length) {
    const names = dropped.slice(0, 5).join(', ') + (dropped.length > 5 ? ', ...' : '');
    problems.push(`${resource.type === 'host' ? 'host' : `"${resource.id}"`}: dropped ${dropped.length} metric(s) that were negative or not finite (${names})`);
  }
  return out;
}
