import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { AgentError } from './agent-error.js';

export interface ServerClientOptions {
  /** base URL of the Pulse server, e.g. https://pulse.lan:7655 */
  server: string;
  /** PEM of a CA (or a self-signed server certificate) to trust besides the system's */
  ca?: string | Buffer;
  /** skip certificate verification (opt-in, for a first test against a self-signed server) */
  insecureTls?: boolean;
  timeoutMs: number;
  userAgent: string;
}

export interface ServerRequest {
  method: 'GET' | 'POST';
  path: string;
  /** bearer token */
  token: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

export interface ServerResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ServerClient {
  /** Resolves with any HTTP status; rejects (AgentError) only when no answer came: network, TLS, timeout. */
  request(req: ServerRequest): Promise<ServerResponse>;
  close(): void;
}

/** Answers are small JSON; a longer one is cut off rather than read into memory. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * HTTP(S) to the Pulse server over one keep-alive connection, so a report every second costs no
 * handshake. A request that fails on a reused socket the server had just closed is retried once at
 * once (Node's documented keep-alive race), so an idle timeout never looks like an outage.
 */
export function createServerClient(options: ServerClientOptions): ServerClient {
  const base = new URL(options.server);
  const isHttps = base.protocol === 'https:';
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: options.ca, rejectUnauthorized: !options.insecureTls })
    : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const prefix = base.pathname.replace(/\/+$/, '');

  function once(req: ServerRequest): Promise<ServerResponse & { reused?: boolean }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {
        'user-agent': options.userAgent,
        authorization: `Bearer ${req.token}`,
        accept: 'application/json',
        ...req.headers,
      };
      if (req.body) headers['content-length'] = req.body.length;
      const request = (isHttps ? https : http).request({
        protocol: base.protocol, hostname: base.hostname, port: base.port || undefined,
        path: `${prefix}${req.path}`, method: req.method, headers, agent, timeout: options.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(unreachable(err, base.origin)));
      });
      request.on('timeout', () => request.destroy(new AgentError('agent.server_timeout', `${base.origin} did not answer within ${options.timeoutMs} ms`)));
      request.on('error', (err) => {
        const reused = request.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
        reject(Object.assign(unreachable(err, base.origin), { reused }));
      });
      request.end(req.body);
    });
  }

  return {
    async request(req) {
      try {
        return await once(req);
      } catch (err) {
        if ((err as { reused?: boolean }).reused) return once(req);
        throw err;
      }
    },
    close: () => agent.destroy(),
  };
}

function unreachable(err: unknown, origin: string): AgentError {
  if (err instanceof AgentError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const text = err instanceof Error ? err.message : String(err);
  const tls = typeof code === 'string' && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO/.test(code);
  const hint = tls ? '; pass the server\'s CA with --ca FILE (or --insecure-tls to test)' : '';
  return new AgentError('agent.server_unreachable', `cannot reach ${origin}: ${text}${hint}`, { cause: err });
}
