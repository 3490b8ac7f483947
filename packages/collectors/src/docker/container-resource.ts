import type { AgentResource } from '@pulse/protocol';
import type { ContainerInspect, ContainerSummary } from './engine-answers.js';
import { parseEngineTime } from './stats-math.js';

/** How the caller names what the collector reports; only the caller knows its id scheme. */
export interface ContainerNaming {
  /** the resource id of a container, e.g. `docker:web01/nginx` */
  containerId: (container: { engineId: string; name: string }) => string;
  /** the resource the containers hang under (the host or docker-host), if any */
  parentId?: string;
}

export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

/**
 * Health from inspect, or else from the list's status text ("Up 5 minutes (unhealthy)"), which is
 * all an engine offers until the container has been inspected.
 */
export function containerHealth(summary: ContainerSummary, inspect: ContainerInspect | undefined): ContainerHealth {
  const status = inspect?.health ?? /\((healthy|unhealthy|health: starting)\)/.exec(summary.status)?.[1];
  if (status === 'healthy' || status === 'unhealthy') return status;
  if (status === 'starting' || status === 'health: starting') return 'starting';
  return 'none';
}

export interface ContainerReading {
  summary: ContainerSummary;
  /** undefined when inspect failed and nothing was cached */
  inspect: ContainerInspect | undefined;
  metrics: Record<string, number>;
  /** why this container's figures are missing or stale (a failed or skipped inspect or stats call) */
  collectError?: string;
  /** where the figures came from; undefined when none were read (stopped, or the read failed) */
  statsSource?: 'cgroup' | 'api' | undefined;
}

/** One container as an agent resource: what it is, how it runs, and its figures. */
export function containerResource(reading: ContainerReading, naming: ContainerNaming): AgentResource {
  const { summary, inspect, metrics: stats, collectError, statsSource } = reading;
  const project = summary.labels[COMPOSE_PROJECT];
  const service = summary.labels[COMPOSE_SERVICE];
  const details: Record<string, unknown> = {
    engineId: summary.engineId,
    image: summary.image || inspect?.image || '',
    state: summary.state,
    status: summary.status,
    health: containerHealth(summary, inspect),
    ports: summary.ports,
  };
  if (summary.created !== undefined) details.createdAt = summary.created * 1000;
  if (project) details.composeProject = project;
  if (service) details.composeService = service;
  if (inspect) {
    details.oomKilled = inspect.oomKilled;
    if (inspect.exitCode !== undefined) details.exitCode = inspect.exitCode;
    const startedAt = parseEngineTime(inspect.startedAt);
    if (startedAt !== undefined) details.startedAt = Math.floor(startedAt);
    const finishedAt = parseEngineTime(inspect.finishedAt);
    if (finishedAt !== undefined) details.finishedAt = Math.floor(finishedAt);
    if (inspect.error) details.error = inspect.error;
  }
  // null rather than absent once fixed: a resource diff carries changed keys, never removed ones.
  details.collectError = collectError ?? null;
  details.statsSource = statsSource ?? null;

  const metrics: Record<string, number> = { ...stats };
  if (inspect) metrics.restarts = inspect.restartCount;
  const resource: AgentResource = {
    id: naming.containerId({ engineId: summary.engineId, name: summary.name }),
    type: 'app-container',
    name: summary.name,
    metrics,
    details,
    identity: {},
    tags: project ? [`compose:${project}`] : [],
  };
  if (naming.parentId !== undefined) resource.parentId = naming.parentId;
  return resource;
}
