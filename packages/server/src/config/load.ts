import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { ConfigSchema, ENV_KEYS, LIST_KEYS, type Config } from './schema.js';

/** A setting that cannot be used; the message names the key, the value and what is expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** The TOML file read, if any. */
  file?: string;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(source: unknown, path: (string | number | symbol)[]): unknown {
  let node = source;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number | symbol, unknown>)[part];
  }
  return node;
}

function readToml(file: string, required: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid TOML: ${(err as Error).message}`);
  }
}

function originOf(path: string[], origin: Map<string, string>): string {
  for (let n = path.length; n > 0; n--) {
    const found = origin.get(path.slice(0, n).join('.'));
    if (found) return found;
  }
  return 'config';
}

function describeIssue(issue: z.core.$ZodIssue, merged: unknown, origin: Map<string, string>): string {
  const key = issue.path.join('.');
  const value = getPath(merged, issue.path);
  const from = originOf(issue.path.map(String), origin);
  const shown = value === undefined ? 'missing' : JSON.stringify(key.endsWith('_url') && typeof value === 'string' ? withoutPassword(value) : value);
  return `config key "${key}" (from ${from}) has value ${shown}: ${issue.message}`;
}

/**
 * Builds the configuration: defaults < TOML file (`pulse.toml`, or `PULSE_CONFIG`) < `PULSE_*`
 * environment. Throws ConfigError naming every bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const explicit = env.PULSE_CONFIG;
  const file = resolve(cwd, explicit ?? 'pulse.toml');
  const fromFile = readToml(file, explicit !== undefined) ?? {};
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = structuredClone(fromFile);
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = LIST_KEYS.has(key) ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    setPath(merged, key, value);
    origin.set(key, `env ${name}`);
  }
  const result = ConfigSchema.strict().safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (originOf(issue.path.map(String), origin) === 'config') origin.set(issue.path.join('.'), file);
    }
    const lines = result.error.issues.map((issue) => describeIssue(issue, merged, origin));
    throw new ConfigError(lines.join('\n'));
  }
  return { config: result.data, ...(Object.keys(fromFile).length ? { file } : {}) };
}

/** A URL as it may be shown in an error: any password replaced, so start-up messages never leak it. */
function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Lists the keys whose values differ, as `key: old -> new`. */
export function diffConfig(before: Config, after: Config, keys: readonly string[]): string[] {
  const changes: string[] = [];
  for (const key of keys) {
    const a = getPath(before, key.split('.'));
    const b = getPath(after, key.split('.'));
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    // URLs may carry credentials (postgres://user:pass@, redis://:pass@): name the change, not the values.
    changes.push(key.endsWith('_url') ? `${key}: changed` : `${key}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  }
  return changes;
}
