import { readFileSync } from 'node:fs';
import { AgentEnrolmentAnswer } from '@pulse/protocol';
import type { AgentEnrolment } from '@pulse/protocol';
import { AgentError } from './agent-error.js';
import { readConfigFileIfAny, writeConfig } from './config.js';
import type { AgentConfigFile } from './config.js';
import { readHostIdentity } from './host-source.js';
import { describeFailure, jsonOf } from './server-answer.js';
import { createServerClient } from './server-client.js';
import { AGENT_VERSION } from './version.js';

export const ENROL_PATH = '/api/agents/enrol';

export interface EnrolOptions {
  server: string;
  installToken: string;
  configPath: string;
  /** PEM file to trust for the server's certificate; its path goes into the config */
  ca?: string;
  insecureTls?: boolean;
  stateDir?: string;
  /** an engine endpoint, or false to switch Docker off */
  docker?: string | false;
  procRoot?: string;
  sysRoot?: string;
}

/**
 * Trades an install token for this agent's own id and token and writes them to the config (0600).
 * Settings already in the file (Docker, buffer, …) are kept, so re-enrolling only swaps the identity.
 */
export async function enrol(options: EnrolOptions): Promise<{ agentId: string; intervalMs: number }> {
  const server = normaliseServer(options.server);
  const existing = readConfigFileIfAny(options.configPath);
  const client = createServerClient({
    server,
    ca: options.ca === undefined ? undefined : readPem(options.ca),
    insecureTls: options.insecureTls ?? false,
    timeoutMs: 15_000,
    userAgent: `pulse-agent/${AGENT_VERSION}`,
  });
  const body: AgentEnrolment = { ...readHostIdentity(options.procRoot ?? '/proc'), version: AGENT_VERSION };
  let res;
  try {
    res = await client.request({
      method: 'POST', path: ENROL_PATH, token: options.installToken,
      headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)),
    });
  } finally {
    client.close();
  }
  if (res.status === 401 || res.status === 403) {
    const { message } = describeFailure(res);
    throw new AgentError('agent.install_token_invalid', `${server} refused the install token (${message}); create a new one in Pulse and run the install command again`);
  }
  if (res.status < 200 || res.status >= 300) {
    const { code, message } = describeFailure(res);
    throw new AgentError('agent.server_error', `${server} answered the enrolment with HTTP ${res.status}${code ? ` ${code}` : ''}: ${message}`);
  }
  const answer = AgentEnrolmentAnswer.safeParse(jsonOf(res));
  if (!answer.success) throw new AgentError('agent.bad_answer', `${server} answered the enrolment with something that is not an enrolment answer; is this a Pulse server?`);

  const config: AgentConfigFile = {
    ...existing,
    server,
    agentId: answer.data.agentId,
    token: answer.data.token,
    intervalMs: Math.min(3_600_000, Math.max(250, answer.data.intervalMs)),
  };
  if (options.ca !== undefined || options.insecureTls) config.tls = { ...existing.tls, ...(options.ca === undefined ? {} : { ca: options.ca }), insecure: options.insecureTls ?? false };
  if (options.stateDir !== undefined) config.stateDir = options.stateDir;
  if (options.docker !== undefined) config.docker = options.docker === false ? false : { ...(existing.docker || {}), endpoint: options.docker };
  if (options.procRoot !== undefined) config.procRoot = options.procRoot;
  if (options.sysRoot !== undefined) config.sysRoot = options.sysRoot;
  writeConfig(options.configPath, config);
  return { agentId: answer.data.agentId, intervalMs: answer.data.intervalMs };
}

/** The base URL without a trailing slash; a bare host gets https://, since the token travels with it. */
function normaliseServer(server: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new AgentError('agent.usage', `--server "${server}" is not a URL; give it as https://pulse.example:7655`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AgentError('agent.usage', `--server must be an http:// or https:// URL, got ${url.protocol}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AgentError('agent.usage', `--ca ${path}: ${(err as Error).message}`, { cause: err });
  }
}
