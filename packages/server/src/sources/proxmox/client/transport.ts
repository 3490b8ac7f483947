import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { ProxmoxError, errorForNetwork } from './errors.js';

export interface Target {
  /** origin without credentials, e.g. https://10.0.0.1:8006; what errors and logs show */
  url: string;
  hostname: string;
  port: number;
  agent: https.Agent;
}

export interface Answer {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** the `data` member of a 2xx answer; undefined otherwise */
  data: unknown;
}

export interface ExchangeLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/**
 * One HTTP exchange with one endpoint. Resolves with any HTTP answer (the caller decides what a
 * status means) and rejects only when there is no usable answer: network, TLS, timeout, size, JSON.
 * The deadline covers the whole exchange, so a server that sends headers and then stalls mid-body
 * times out too.
 */
export function exchange(
  target: Target,
  method: 'GET' | 'POST',
  path: string,
  headers: OutgoingHttpHeaders,
  body: string | undefined,
  limits: ExchangeLimits,
): Promise<Answer> {
  return attempt(target, method, path, headers, body, limits, true);
}

const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

function attempt(
  target: Target,
  method: 'GET' | 'POST',
  path: string,
  headers: OutgoingHttpHeaders,
  body: string | undefined,
  limits: ExchangeLimits,
  mayRetry: boolean,
): Promise<Answer> {
  const endpoint = target.url;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const settle = (err: ProxmoxError | undefined, answer?: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        // Destroying the request destroys its socket: a half-read body must not be reused.
        req.destroy();
        reject(err);
      } else resolve(answer!);
    };

    const req = https.request({
      agent: target.agent,
      host: target.hostname,
      port: target.port,
      method,
      path,
      headers,
    });
    // The deadline starts when a socket is assigned: waiting in the agent's queue for one of the
    // endpoint's few sockets says nothing about the endpoint, and must not mark it failing.
    let timer: NodeJS.Timeout | undefined;
    req.once('socket', () => {
      if (settled) return;
      timer = setTimeout(() => {
        settle(new ProxmoxError('proxmox.timeout', `${endpoint} did not answer ${method} ${pathOnly(path)} within ${limits.timeoutMs} ms.`, { endpoint }));
      }, limits.timeoutMs);
    });

    req.once('error', (err: NodeJS.ErrnoException) => {
      // pveproxy closes idle keep-alive connections; a request that lands on one just closed
      // gets a reset before any answer. That is not the endpoint failing: try once on a new socket.
      if (!settled && mayRetry && req.reusedSocket && !answered && STALE_SOCKET.has(err.code ?? '')) {
        settled = true;
        clearTimeout(timer);
        attempt(target, method, path, headers, body, limits, false).then(resolve, reject);
        return;
      }
      settle(errorForNetwork(err, endpoint));
    });
    req.once('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      const statusMessage = res.statusMessage ?? '';
      const declared = Number(res.headers['content-length']);
      if (declared > limits.maxBodyBytes) {
        settle(tooLarge(endpoint, method, path, limits.maxBodyBytes));
        return;
      }
      const ok = status >= 200 && status < 300;
      if (!ok) {
        // Error bodies carry nothing we use (PVE puts the reason in the status line); drain so the
        // socket can be reused.
        res.resume();
        res.once('end', () => settle(undefined, { status, statusMessage, headers: res.headers, data: undefined }));
        res.once('error', (err) => settle(errorForNetwork(err, endpoint)));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBodyBytes) settle(tooLarge(endpoint, method, path, limits.maxBodyBytes));
        else chunks.push(chunk);
      });
      res.once('error', (err) => settle(errorForNetwork(err, endpoint)));
      res.once('aborted', () => settle(errorForNetwork(new Error('connection closed mid-answer'), endpoint)));
      res.once('end', () => {
        if (settled) return;
        const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
        const data = parseData(text);
        if (data === NO_DATA) {
          // The parser's message quotes the body, which may be anything: say only what went wrong.
          settle(new ProxmoxError('proxmox.bad_response', `${endpoint} answered ${method} ${pathOnly(path)} with something that is not a Proxmox API answer (not JSON with a "data" member). Is this the Proxmox API port?`, { endpoint, status }));
        } else settle(undefined, { status, statusMessage, headers: res.headers, data });
      });
    });
    req.end(body);
  });
}

const NO_DATA = Symbol('no data');

function parseData(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NO_DATA;
  }
  if (parsed === null || typeof parsed !== 'object' || !('data' in parsed)) return NO_DATA;
  return (parsed as { data: unknown }).data;
}

function tooLarge(endpoint: string, method: string, path: string, limit: number): ProxmoxError {
  return new ProxmoxError(
    'proxmox.too_large',
    `${endpoint} answered ${method} ${pathOnly(path)} with more than ${limit} bytes; the answer was dropped. Narrow the query or raise maxBodyBytes.`,
    { endpoint },
  );
}

/** Query strings stay out of messages: they are caller data of unknown sensitivity. */
function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
