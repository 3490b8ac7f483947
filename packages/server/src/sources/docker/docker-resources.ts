import type { AgentResource, DockerState, ResourceStatus } from '@pulse/protocol';
import type { ObservedResource } from '../../resources/observation.js';

/*
 * How a polled Docker engine and its containers look in the registry. The collector says what the
 * engine answered; this file decides what that means for status.
 */

/** ok: online; nothing listening: offline; answered wrongly, hung or too old: degraded (look at it). */
export function engineStatus(docker: DockerState): ResourceStatus {
  if (docker.state === 'ok') return 'online';
  return docker.state === 'unavailable' ? 'offline' : 'degraded';
}

/**
 * A container's status from its engine state and health check. While the engine itself cannot be
 * read, every container is `unknown`: the last known figures are not a claim about now.
 */
export function containerStatus(details: Record<string, unknown>, docker: DockerState): ResourceStatus {
  if (docker.state !== 'ok') return 'unknown';
  switch (details.state) {
    case 'running':
      return details.health === 'unhealthy' ? 'degraded' : 'online';
    case 'restarting':
    case 'paused':
      return 'degraded';
    case 'created':
    case 'exited':
    case 'dead':
    case 'removing':
      return 'offline';
    default:
      return 'unknown';
  }
}

export function observedContainer(container: AgentResource, source: string, docker: DockerState): ObservedResource {
  return { ...container, source, status: containerStatus(container.details, docker) };
}

/** The engine as a `docker-host` resource, with container counts when it answered. */
export function dockerHostResource(
  engine: { id: string; name: string; source: string; endpoint: string },
  docker: DockerState,
  containers: AgentResource[],
): ObservedResource {
  // `error` is null rather than absent when all is well: a diff carries changed keys, not removed ones.
  const details: Record<string, unknown> = { endpoint: engine.endpoint, state: docker.state, error: docker.message ?? null };
  if (docker.engine) details.engine = docker.engine;
  if (docker.apiVersion) details.apiVersion = docker.apiVersion;
  const metrics: Record<string, number> = {};
  if (docker.state === 'ok') {
    const running = containers.filter((c) => c.details.state === 'running');
    metrics['containers.total'] = containers.length;
    metrics['containers.running'] = running.length;
    metrics['containers.stopped'] = containers.length - running.length;
    metrics['containers.unhealthy'] = running.filter((c) => c.details.health === 'unhealthy').length;
  }
  return {
    id: engine.id,
    type: 'docker-host',
    name: engine.name,
    source: engine.source,
    status: engineStatus(docker),
    metrics,
    details,
    identity: {},
    tags: [],
  };
}
