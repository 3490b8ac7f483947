import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AgentError } from './agent-error.js';

export const DEFAULT_CONFIG_PATH = '/etc/pulse-agent/agent.json';

const intervalMs = z.number().int().min(250).max(3_600_000);

const DockerConfig = z.object({
  /** unix:///var/run/docker.sock, /path/to.sock, tcp://host:2376 or https://host:2376; absent: the default socket, if it exists */
  endpoint: z.string().min(1).optional(),
  /** how often containers are listed and measured; container events trigger a collection at once */
  intervalMs: intervalMs.default(10_000),
  /** PEM files for a TLS engine, as `docker --tlsverify` takes them */
  tls: z.object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).optional(),
});

/**
 * `/etc/pulse-agent/agent.json`. Written by `pulse-agent enrol` (mode 0600: it holds the agent's
 * token) and read at start; environment variables (ENV_KEYS) override single keys.
 */
export const AgentConfig = z.object({
  server: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  /** the agent's own token from enrolment (bearer for reports) */
  token: z.string().min(1),
  agentId: z.string().min(1).optional(),
  /** the first sampling interval; the server's answers replace it */
  intervalMs: intervalMs.default(10_000),
  tls: z.object({
    /** PEM file of the CA that signed the server's certificate (a self-signed server's own certificate works too) */
    ca: z.string().min(1).optional(),
    /** skip certificate checks; only for a first test against a self-signed server */
    insecure: z.boolean().default(false),
  }).prefault({}),
  docker: z.union([z.literal(false), DockerConfig]).default({ intervalMs: 10_000 }),
  buffer: z.object({
    /** compressed bytes of reports kept while the server is unreachable (memory, and the spool on disk) */
    maxBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  }).prefault({}),
  /** where buffered reports are spooled so an agent restart during an outage keeps them; absent: memory only */
  stateDir: z.string().min(1).optional(),
  procRoot: z.string().min(1).default('/proc'),
  sysRoot: z.string().min(1).default('/sys'),
  requestTimeoutMs: z.number().int().min(1000).max(300_000).default(15_000),
  logLevel: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
/** What a config file holds before defaults: only the keys someone set. */
export type AgentConfigFile = z.input<typeof AgentConfig>;

/** Environment variables and the key each one sets, for containers and tests. */
export const ENV_KEYS: Record<string, { key: string; kind: 'string' | 'number' | 'boolean' | 'docker' }> = {
  PULSE_AGENT_SERVER: { key: 'server', kind: 'string' },
  PULSE_AGENT_TOKEN: { key: 'token', kind: 'string' },
  PULSE_AGENT_ID: { key: 'agentId', kind: 'string' },
  PULSE_AGENT_INTERVAL_MS: { key: 'intervalMs', kind: 'number' },
  PULSE_AGENT_CA: { key: 'tls.ca', kind: 'string' },
  PULSE_AGENT_INSECURE_TLS: { key: 'tls.insecure', kind: 'boolean' },
  PULSE_AGENT_DOCKER: { key: 'docker', kind: 'docker' },
  PULSE_AGENT_BUFFER_MAX_BYTES: { key: 'buffer.maxBytes', kind: 'number' },
  PULSE_AGENT_STATE_DIR: { key: 'stateDir', kind: 'string' },
  PULSE_AGENT_PROC_ROOT: { key: 'procRoot', kind: 'string' },
  PULSE_AGENT_SYS_ROOT: { key: 'sysRoot', kind: 'string' },
  PULSE_AGENT_LOG_LEVEL: { key: 'logLevel', kind: 'string' },
};

export interface LoadedConfig {
  config: AgentConfig;
  /** the file read, or undefined when the environment alone configured the agent */
  file: string | undefined;
  /** problems worth a warning that do not stop the agent */
  warnings: string[];
}

/** Reads the config file (if any), applies the environment, validates. Throws AgentError with the key at fault. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const warnings: string[] = [];
  let raw: Record<string, unknown> = {};
  const file = existsSync(path) ? path : undefined;
  if (file) {
    raw = readConfigFile(file);
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}) but holds the agent's token; chmod 600 it`);
  }
  for (const [name, { key, kind }] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, key, fromEnv(value, kind));
  }
  if (!file && raw.server === undefined && raw.token === undefined) {
    throw new AgentError('agent.config_missing', `No agent configuration at ${path}. Enrol first: pulse-agent enrol --server URL --token INSTALL_TOKEN`);
  }
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const envName = Object.entries(ENV_KEYS).find(([, spec]) => spec.key === key)?.[0];
    throw new AgentError('agent.config_invalid', `config key "${key}" in ${file ?? 'the environment'}${envName ? ` (or ${envName})` : ''}: ${issue.message}`);
  }
  return { config: parsed.data, file, warnings };
}

function readConfigFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AgentError('agent.config_invalid', `${file} is not readable JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentError('agent.config_invalid', `${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function fromEnv(value: string, kind: 'string' | 'number' | 'boolean' | 'docker'): unknown {
  switch (kind) {
    case 'number':
      return /^\d+$/.test(value) ? Number(value) : value;
    case 'boolean':
      return /^(1|true|yes|on)$/i.test(value) ? true : /^(0|false|no|off)$/i.test(value) ? false : value;
    case 'docker':
      return /^(0|false|no|off)$/i.test(value) ? false : { endpoint: value };
    default:
      return value;
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  // An env endpoint keeps the file's other docker settings (interval, TLS).
  if (last === 'docker' && typeof value === 'object' && typeof node.docker === 'object' && node.docker !== null) {
    node.docker = { ...(node.docker as object), ...value };
  } else {
    node[last] = value;
  }
}

/**
 * Writes the config atomically with mode 0600 (it holds the token): a temp file beside it, then a
 * rename, so a crash never leaves half a file or a moment where the token is world-readable.
 */
export function writeConfig(path: string, config: AgentConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** The raw file, for `enrol` to keep settings someone added by hand. Empty when there is none. */
export function readConfigFileIfAny(path: string): AgentConfigFile | Record<string, never> {
  return existsSync(path) ? (readConfigFile(path) as AgentConfigFile) : {};
}
