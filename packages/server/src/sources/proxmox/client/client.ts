import type { OutgoingHttpHeaders } from 'node:http';
import { TicketSession, redactAll, tokenHeader, type ProxmoxAuth } from './auth.js';
import { EndpointPool, parseEndpoint, parseRetryAfter, type Endpoint, type EndpointState, type Product } from './endpoints.js';
import { ProxmoxError, errorForStatus } from './errors.js';
import { createEndpointAgent, normalizeFingerprint, parsePins, tlsPolicy, type ProxmoxTls } from './tls.js';
import { exchange, type Answer } from './transport.js';

export interface ProxmoxClientOptions {
  product: Product;
  /** https://host:8006 ...; the first is preferred */
  endpoints: string[];
  auth: ProxmoxAuth;
  tls: ProxmoxTls;
  /** per attempt on one endpoint, connect to last body byte; default 10 s */
  timeoutMs?: number;
  /** default 32 MiB */
  maxBodyBytes?: number;
  now?: () => number;
  /** jitter source, for tests; default Math.random */
  random?: () => number;
  logger?: { warn(obj: object, msg?: string): void };
}

export interface ProxmoxClient {
  /** GET /api2/json<path>, returns `data`; rejects with ProxmoxError */
  get(path: string, query?: Record<string, string | number>): Promise<unknown>;
  /** endpoints with their state (ok / backing-off until / last error code) */
  endpoints(): EndpointState[];
  /**
   * Cluster discovery adds members. `pins` gives a member its own pinned fingerprint (its
   * `ssl_fingerprint` from /nodes, read through an already-verified connection).
   */
  setEndpoints(urls: string[], pins?: Record<string, string>): void;
  /** New TLS settings (e.g. a pin accepted on first use); every keep-alive socket is dropped. */
  setTls(tls: ProxmoxTls): void;
  close(): void;
}

const BACKOFF = { baseMs: 1_000, capMs: 60_000, maxRetryAfterMs: 10 * 60_000 };

/**
 * Statuses that say "this endpoint cannot serve now", so the request moves to the next member.
 * 595 is about the target node, not the endpoint; 500 is PVE's "the handler died" answer (guest
 * agent not running, storage unavailable), which every member would repeat for the same target,
 * except pveproxy's own "Can't connect to ..." when its local daemon is down.
 */
function isEndpointFailure(status: number, statusMessage: string): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  if (status === 500) return /^can't connect to/i.test(statusMessage);
  return status > 500 && status < 600 && status !== 501 && status !== 595;
}

function isNetworkFailure(err: ProxmoxError): boolean {
  return err.status === undefined && err.code !== 'proxmox.bad_response' && err.code !== 'proxmox.too_large';
}

export function createProxmoxClient(options: ProxmoxClientOptions): ProxmoxClient {
  const { product, auth } = options;
  const now = options.now ?? Date.now;
  const limits = { timeoutMs: options.timeoutMs ?? 10_000, maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024 };
  const connectTimeoutMs = Math.min(limits.timeoutMs, 5_000);
  let tls = checkedTls(options.tls);
  let closed = false;

  const pool = new EndpointPool({ now, random: options.random ?? Math.random, ...BACKOFF }, (endpoint, pin) =>
    createEndpointAgent({ policy: tlsPolicy(tls, pin), endpoint, connectTimeoutMs, maxSockets: 4 }),
  );
  const setEndpoints = (urls: string[], pins: Record<string, string> = {}): void => {
    const normalizedPins = new Map(Object.entries(pins).map(([u, p]) => [parseEndpoint(u, product).url, normalizeFingerprint(p)]));
    pool.set(urls.map((raw) => {
      const spec = parseEndpoint(raw, product);
      const pin = normalizedPins.get(spec.url);
      return pin ? { ...spec, pin } : spec;
    }));
  };
  setEndpoints(options.endpoints);

  /** Tries the healthy endpoints in order; resolves with the first answer that is not an endpoint failure. */
  async function send(method: 'GET' | 'POST', path: string, headers: OutgoingHttpHeaders, body?: string): Promise<{ answer: Answer; endpoint: Endpoint }> {
    if (closed) throw new ProxmoxError('proxmox.unreachable', 'The Proxmox client was closed.');
    const candidates = pool.candidates();
    if (candidates.length === 0) throw pool.allBackingOff();
    let reported: ProxmoxError | undefined;
    for (const endpoint of candidates) {
      let failure: ProxmoxError;
      let retryAfterMs: number | undefined;
      try {
        const answer = await exchange(endpoint, method, path, headers, body, limits);
        // Status lines end up in messages; a broken or hostile server may echo what we sent.
        if (answer.statusMessage) answer.statusMessage = redact(answer.statusMessage);
        if (!isEndpointFailure(answer.status, answer.statusMessage)) {
          pool.markOk(endpoint);
          return { answer, endpoint };
        }
        retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now());
        failure = errorForStatus(answer.status, answer.statusMessage, endpoint.url, retryAfterMs);
      } catch (err) {
        failure = err instanceof ProxmoxError ? err : new ProxmoxError('proxmox.unreachable', `Request to ${endpoint.url} failed.`, { endpoint: endpoint.url });
        if (!isNetworkFailure(failure)) {
          // The endpoint answered; the answer itself was unusable and another member would say the same.
          pool.markOk(endpoint);
          throw failure;
        }
      }
      const delay = pool.markFailed(endpoint, failure, retryAfterMs);
      options.logger?.warn({ endpoint: endpoint.url, code: failure.code, status: failure.status, backoffMs: Math.round(delay) }, 'proxmox endpoint failed; trying the next one');
      // The first endpoint's error explains most, unless a later one is a TLS problem the user must act on.
      if (!reported || (!reported.code.startsWith('proxmox.tls_') && failure.code.startsWith('proxmox.tls_'))) reported = failure;
    }
    throw reported!;
  }

  const session = auth.kind === 'password'
    ? new TicketSession(product, auth.username, auth.password, now, async (form) => {
        const { answer, endpoint } = await send('POST', '/api2/json/access/ticket', LOGIN_HEADERS, form);
        if (answer.status !== 200) throw loginError(answer, endpoint.url);
        return { data: answer.data, endpoint: endpoint.url };
      })
    : undefined;
  const tokenHeaders: OutgoingHttpHeaders | undefined = auth.kind === 'token'
    ? { Authorization: tokenHeader(product, auth.tokenId, auth.secret), Accept: 'application/json' }
    : undefined;

  function redact(text: string): string {
    return session ? session.redact(text) : redactAll(text, [auth.kind === 'token' ? auth.secret : undefined]);
  }

  async function get(path: string, query?: Record<string, string | number>): Promise<unknown> {
    const target = apiPath(path, query);
    if (!session) return unwrap(await send('GET', target, tokenHeaders!));
    let headers = await session.headers('GET');
    let result = await send('GET', target, headers);
    if (result.answer.status === 401) {
      // Tickets die early when the cluster key rotates or a node restarts: log in again, once.
      session.invalidate(headers);
      headers = await session.headers('GET');
      result = await send('GET', target, headers);
    }
    return unwrap(result);
  }

  return {
    get,
    endpoints: () => pool.states(),
    setEndpoints,
    setTls(next) {
      tls = checkedTls(next);
      pool.rebuildAgents();
    },
    close() {
      closed = true;
      pool.close();
    },
  };
}

const LOGIN_HEADERS: OutgoingHttpHeaders = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };

function unwrap({ answer, endpoint }: { answer: Answer; endpoint: Endpoint }): unknown {
  if (answer.status >= 200 && answer.status < 300) return answer.data;
  throw errorForStatus(answer.status, answer.statusMessage, endpoint.url);
}

function loginError(answer: Answer, endpoint: string): ProxmoxError {
  if (answer.status === 401) {
    return new ProxmoxError(
      'proxmox.unauthorized',
      `Login at ${endpoint} failed: the username or password is wrong, or the realm (user@pam, user@pve) is missing.`,
      { endpoint, status: 401 },
    );
  }
  return errorForStatus(answer.status, answer.statusMessage, endpoint);
}

function apiPath(path: string, query: Record<string, string | number> | undefined): string {
  if (!path.startsWith('/')) throw new TypeError(`A Proxmox API path starts with /: ${path}`);
  let target = `/api2/json${path}`;
  if (query) {
    let sep = '?';
    for (const key in query) {
      target += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(query[key]!)}`;
      sep = '&';
    }
  }
  return target;
}

/** Bad pins fail at construction, not on the first poll. */
function checkedTls(settings: ProxmoxTls): ProxmoxTls {
  parsePins(settings.fingerprint);
  return { ...settings };
}
