import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../../config/index.js';
import { createDockerSource, type DockerSource } from './docker-source.js';

type Remote = Config['docker']['remotes'][number];

function readPem(remote: Remote, index: number, key: 'ca' | 'cert' | 'key'): string | undefined {
  const path = remote[key];
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`docker.remotes.${index}.${key}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** One source per `[[docker.remotes]]` table; an unreadable PEM file stops start-up naming its key. */
export function dockerSourcesFromConfig(remotes: readonly Remote[], logger: Logger): DockerSource[] {
  return remotes.map((remote, index) => {
    const tls = { ca: readPem(remote, index, 'ca'), cert: readPem(remote, index, 'cert'), key: readPem(remote, index, 'key') };
    const hasTls = tls.ca !== undefined || tls.cert !== undefined;
    return createDockerSource({
      name: remote.name,
      endpoint: remote.url,
      ...(hasTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) } : {}),
      intervalMs: remote.interval_ms,
      timeoutMs: remote.timeout_ms,
      statsConcurrency: remote.stats_concurrency,
      logger: logger.child({ component: 'source.docker', engine: remote.name }),
    });
  });
}
