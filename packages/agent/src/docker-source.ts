import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_DOCKER_SOCKET, createDockerCollector } from '@pulse/collectors';
import type { AgentConfig } from './config.js';
import type { DockerSource } from './docker-watch.js';
import type { AgentLogger } from './logger.js';

type DockerConfig = Exclude<AgentConfig['docker'], false>;

/**
 * The shared Docker Engine collector, or undefined when there is nothing to watch: Docker switched
 * off, or no endpoint configured and no socket at the default path (most machines without Docker).
 * Containers are named `docker:<host key>/<container name>` under the host, so a container
 * recreated by compose keeps its history.
 */
export function createDockerSource(config: DockerConfig | false, hostId: string, logger: AgentLogger): DockerSource | undefined {
  if (config === false) return undefined;
  if (config.endpoint === undefined && !existsSync(DEFAULT_DOCKER_SOCKET)) {
    logger.info({ socket: DEFAULT_DOCKER_SOCKET }, 'docker: no engine socket here; not reporting containers (set docker.endpoint to watch one elsewhere)');
    return undefined;
  }
  const hostKey = hostId.replace(/^host:/, '');
  const pem = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  const tls = config.tls && { ca: pem(config.tls.ca), cert: pem(config.tls.cert), key: pem(config.tls.key) };
  const collector = createDockerCollector({
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(tls ? { tls } : {}),
    logger,
    containerId: (container) => `docker:${hostKey}/${container.name}`,
    parentId: hostId,
    // The agent follows the engine's events, which mark a container for inspection, and a change
    // in the list's state or health does too; re-inspecting every container every minute besides
    // (the collector's default) cost 50 extra requests each sixth reading. Five minutes stays as
    // the safety net for an event the stream missed.
    inspectMaxAgeMs: 300_000,
  });
  logger.info({ endpoint: collector.endpoint, intervalMs: config.intervalMs }, 'docker: watching containers');
  return {
    collect: () => collector.collect(),
    watch: (onChange) => collector.watchEvents(() => onChange()),
    close: () => collector.close(),
  };
}
