import type https from 'node:https';
import { ProxmoxError, type ProxmoxErrorCode } from './errors.js';
import type { Target } from './transport.js';

export type Product = 'pve' | 'pbs' | 'pmg';

/** What the UI and the poller see of one endpoint; never holds a credential. */
export interface EndpointState {
  url: string;
  /**
   * untested: no request yet; ok: the last request got an answer; backing-off: skipped until
   * `backoffUntil`; failing: the backoff ran out, the next request tries it again
   */
  status: 'untested' | 'ok' | 'backing-off' | 'failing';
  /** consecutive failures */
  failures: number;
  backoffUntil?: number;
  lastOkAt?: number;
  lastError?: { code: ProxmoxErrorCode; message: string; at: number };
}

export interface Endpoint extends Target {
  /** a pin for this endpoint alone, e.g. a member's ssl_fingerprint from /nodes */
  pin?: string;
  failures: number;
  backoffUntil: number;
  lastOkAt?: number;
  lastError?: ProxmoxError;
  lastErrorAt?: number;
}

export interface BackoffOptions {
  now: () => number;
  random: () => number;
  baseMs: number;
  capMs: number;
  /** a Retry-After longer than this is not believed */
  maxRetryAfterMs: number;
}

const DEFAULT_PORT: Record<Product, number> = { pve: 8006, pbs: 8007, pmg: 8006 };

/**
 * Parses `https://host:port/...` into an origin without credentials or path: what every error,
 * log line and endpoint state shows.
 */
export function parseEndpoint(raw: string, product: Product): { url: string; hostname: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new TypeError('A Proxmox endpoint must be a URL like https://pve1:8006');
  }
  if (parsed.protocol !== 'https:') throw new TypeError('A Proxmox endpoint must use https');
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT[product];
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return { url: `https://${host}:${port}`, hostname, port };
}

/** Keeps the endpoints in their configured order with their health; the first healthy one is used first. */
export class EndpointPool {
  #endpoints: Endpoint[] = [];
  readonly #backoff: BackoffOptions;
  readonly #makeAgent: (endpoint: string, pin: string | undefined) => https.Agent;

  constructor(backoff: BackoffOptions, makeAgent: (endpoint: string, pin: string | undefined) => https.Agent) {
    this.#backoff = backoff;
    this.#makeAgent = makeAgent;
  }

  /** Keeps the state (and sockets) of endpoints that stay; a changed pin gets a fresh agent. */
  set(endpoints: Array<{ url: string; hostname: string; port: number; pin?: string }>): void {
    const previous = new Map(this.#endpoints.map((e) => [e.url, e]));
    const next: Endpoint[] = [];
    for (const spec of endpoints) {
      if (next.some((e) => e.url === spec.url)) continue;
      const kept = previous.get(spec.url);
      if (kept && kept.pin === spec.pin) {
        previous.delete(spec.url);
        next.push(kept);
        continue;
      }
      const endpoint: Endpoint = { ...spec, agent: this.#makeAgent(spec.url, spec.pin), failures: 0, backoffUntil: 0 };
      if (spec.pin === undefined) delete endpoint.pin;
      next.push(endpoint);
    }
    for (const gone of previous.values()) gone.agent.destroy();
    this.#endpoints = next;
  }

  /** New TLS settings: no socket verified under the old ones may carry another request. */
  rebuildAgents(): void {
    for (const endpoint of this.#endpoints) {
      endpoint.agent.destroy();
      endpoint.agent = this.#makeAgent(endpoint.url, endpoint.pin);
      if (endpoint.lastError?.code.startsWith('proxmox.tls_')) endpoint.backoffUntil = 0;
    }
  }

  /** Endpoints to try, in order: those not backing off. */
  candidates(): Endpoint[] {
    const now = this.#backoff.now();
    return this.#endpoints.filter((e) => e.backoffUntil <= now);
  }

  /** The error to give when every endpoint is backing off: the one that comes back soonest. */
  allBackingOff(): ProxmoxError {
    const now = this.#backoff.now();
    const soonest = [...this.#endpoints].sort((a, b) => a.backoffUntil - b.backoffUntil)[0];
    if (!soonest?.lastError) {
      return new ProxmoxError('proxmox.unreachable', 'No Proxmox endpoint is configured.');
    }
    const last = soonest.lastError;
    return new ProxmoxError(
      last.code,
      `Every endpoint is backing off after failures; ${soonest.url} is retried in ${Math.ceil((soonest.backoffUntil - now) / 1000)} s. Last error: ${last.message}`,
      { endpoint: soonest.url, retryAfterMs: soonest.backoffUntil - now, ...(last.status ? { status: last.status } : {}), ...(last.fingerprint ? { fingerprint: last.fingerprint } : {}) },
    );
  }

  markOk(endpoint: Endpoint): void {
    endpoint.failures = 0;
    endpoint.backoffUntil = 0;
    endpoint.lastOkAt = this.#backoff.now();
  }

  /** Exponential backoff with jitter (half fixed, half random), capped; Retry-After wins when longer. */
  markFailed(endpoint: Endpoint, error: ProxmoxError, retryAfterMs?: number): number {
    const { now, random, baseMs, capMs, maxRetryAfterMs } = this.#backoff;
    endpoint.failures += 1;
    const step = Math.min(capMs, baseMs * 2 ** Math.min(endpoint.failures - 1, 30));
    let delay = step / 2 + random() * (step / 2);
    if (retryAfterMs !== undefined) delay = Math.max(delay, Math.min(retryAfterMs, maxRetryAfterMs));
    const at = now();
    endpoint.backoffUntil = at + delay;
    endpoint.lastError = error;
    endpoint.lastErrorAt = at;
    return delay;
  }

  states(): EndpointState[] {
    const now = this.#backoff.now();
    return this.#endpoints.map((e) => {
      const state: EndpointState = {
        url: e.url,
        status: e.backoffUntil > now ? 'backing-off' : e.failures > 0 ? 'failing' : e.lastOkAt !== undefined ? 'ok' : 'untested',
        failures: e.failures,
      };
      if (e.backoffUntil > now) state.backoffUntil = e.backoffUntil;
      if (e.lastOkAt !== undefined) state.lastOkAt = e.lastOkAt;
      if (e.lastError) state.lastError = { code: e.lastError.code, message: e.lastError.message, at: e.lastErrorAt ?? 0 };
      return state;
    });
  }

  close(): void {
    for (const endpoint of this.#endpoints) endpoint.agent.destroy();
    this.#endpoints = [];
  }
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
