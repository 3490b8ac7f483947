import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { startAgent } from './agent.js';
import type { RunningAgent } from './agent.js';
import { AgentError } from './agent-error.js';
import { createBackoff } from './backoff.js';
import type { AgentConfig } from './config.js';
import { createDockerSource } from './docker-source.js';
import { createHostSource } from './host-source.js';
import type { AgentLogger } from './logger.js';
import { ReportBuffer } from './report-buffer.js';
import { ReportSpool } from './report-spool.js';
import { createServerClient } from './server-client.js';
import { realTimers } from './timers.js';
import { AGENT_VERSION } from './version.js';

/** The composition root of `pulse-agent run`: picks the concrete collectors, client, buffer and spool. */
export async function startFromConfig(config: AgentConfig, logger: AgentLogger): Promise<RunningAgent> {
  const client = createServerClient({
    server: config.server,
    ca: readCa(config.tls.ca),
    insecureTls: config.tls.insecure,
    timeoutMs: config.requestTimeoutMs,
    userAgent: `pulse-agent/${AGENT_VERSION}`,
  });
  if (config.tls.insecure) logger.warn({}, 'TLS certificate checks are off (tls.insecure): anyone in the path can read this agent\'s token; pass the server\'s CA with tls.ca instead');

  const buffer = new ReportBuffer({ maxBytes: config.buffer.maxBytes, logger, spool: createSpool(config.stateDir, logger) });
  try {
    const restored = buffer.restore();
    if (restored > 0) logger.info({ reports: restored, dir: config.stateDir }, 'spool: found reports an earlier run could not send; sending them first');
  } catch (err) {
    logger.warn({ err, dir: config.stateDir }, 'spool: cannot read the state directory; buffering in memory only');
  }

  const host = createHostSource({ procRoot: config.procRoot, sysRoot: config.sysRoot, logger });
  const docker = createDockerSource(config.docker, hostIdOf(host), logger);
  const runId = randomUUID();
  logger.info({ version: AGENT_VERSION, server: config.server, agentId: config.agentId, runId, intervalMs: config.intervalMs }, 'pulse-agent started');
  return startAgent({
    intervalMs: config.intervalMs,
    version: AGENT_VERSION,
    runId,
    token: config.token,
    host,
    ...(docker && config.docker ? { docker: { source: docker, intervalMs: config.docker.intervalMs } } : {}),
    buffer,
    client,
    backoff: createBackoff({ baseMs: 1000, capMs: 60_000 }),
    timers: realTimers,
    logger,
  });
}

function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AgentError('agent.config_invalid', `config key "tls.ca": cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function createSpool(stateDir: string | undefined, logger: AgentLogger): ReportSpool | undefined {
  return stateDir === undefined ? undefined : new ReportSpool({ dir: stateDir, logger });
}

/** The host's resource id, which containers hang under; one collection also warms up the rate counters. */
function hostIdOf(host: { collect(at: number): { id: string } }): string {
  try {
    return host.collect(Date.now()).id;
  } catch {
    return `host:${hostname()}`;
  }
}
