import { arch } from 'node:os';
import { AGENT_LIMITS, AGENT_REPORT_VERSION } from '@pulse/protocol';
import type { AgentReport, AgentResource, DockerState, Resource } from '@pulse/protocol';

/** What the shared host collector returns: a full resource but for lastSeen. */
export type HostReading = Omit<Resource, 'lastSeen'>;

export interface DockerReading {
  docker: DockerState;
  containers: AgentResource[];
}

export interface ReportBuilderOptions {
  version: string;
  /** random per agent start; with seq it lets the server spot resends */
  runId: string;
}

export interface ReportBuilder {
  build(at: number, intervalMs: number, host: HostReading, docker: DockerReading | undefined): AgentReport;
  /** the seq the next report gets */
  readonly nextSeq: number;
}

/** Turns collector readings into wire reports numbered 0, 1, 2… within one run. */
export function createReportBuilder(options: ReportBuilderOptions): ReportBuilder {
  let seq = 0;
  const agent = { version: options.version, arch: arch(), node: process.versions.node };
  // One cleaned container list per Docker reading, reused by every report until the next one
  // (which also lets the encoder reuse its JSON).
  let lastReading: DockerReading | undefined;
  let lastContainers: AgentResource[] = [];
  const containersOf = (docker: DockerReading | undefined): AgentResource[] => {
    if (!docker) return [];
    if (docker !== lastReading) {
      lastReading = docker;
      const list = docker.containers.length > AGENT_LIMITS.containersPerReport ? docker.containers.slice(0, AGENT_LIMITS.containersPerReport) : docker.containers;
      lastContainers = list.map(agentResource);
    }
    return lastContainers;
  };
  return {
    build(at, intervalMs, host, docker) {
      return {
        v: AGENT_REPORT_VERSION,
        runId: options.runId,
        seq: seq++,
        at: Math.trunc(at),
        intervalMs,
        agent,
        host: { ...agentResource(host), type: 'host' },
        containers: containersOf(docker),
        ...(docker ? { docker: docker.docker } : {}),
      };
    },
    get nextSeq() {
      return seq;
    },
  };
}

/**
 * The fields the agent reports (the server sets source, status and lastSeen). Metrics that are not
 * finite numbers are left out: JSON would turn NaN into null and the server would refuse the batch.
 */
function agentResource(resource: HostReading | AgentResource): AgentResource {
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const key in resource.metrics) {
    const value = resource.metrics[key]!;
    if (Number.isFinite(value) && count++ < AGENT_LIMITS.metricsPerResource) metrics[key] = value;
  }
  return {
    id: resource.id,
    type: resource.type,
    name: resource.name,
    ...(resource.parentId === undefined ? {} : { parentId: resource.parentId }),
    metrics,
    details: resource.details,
    identity: resource.identity,
    tags: resource.tags,
  };
}
