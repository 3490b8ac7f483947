import net from 'node:net';
import tls from 'node:tls';
import { Http1Connection } from '@pulse/collectors';
import type { Http1Failure } from '@pulse/collectors';
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
  /** lower-case names */
  headers: Record<string, string>;
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
 * handshake, and through the lean HTTP/1.1 connection the Docker collector uses too: a report POST
 * through node:http cost ~1.5 ms of CPU on a 2 vCPU VM, four times the exchange itself, at one a
 * second a third of the agent's budget. Requests go one at a time in the order made. A request that
 * fails on a reused socket before any answer (the server closed it while idle: Node's documented
 * keep-alive race) is sent once more on a fresh one, so an idle timeout never looks like an outage.
 */
export function createServerClient(options: ServerClientOptions): ServerClient {
  const base = new URL(options.server);
  const isHttps = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(base.port || (isHttps ? 443 : 80));
  const hostHeader = base.host;
  const timeoutMessage = `${base.origin} did not answer within ${options.timeoutMs} ms`;
  let connection: Http1Connection | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function connect(): Http1Connection {
    const socket = isHttps
      ? tls.connect({
        host: hostname, port, ca: options.ca, rejectUnauthorized: !options.insecureTls,
        ...(net.isIP(hostname) ? {} : { servername: hostname }),
      })
      : net.connect({ host: hostname, port });
    socket.setNoDelay(true);
    return new Http1Connection({ socket, host: hostHeader, maxBodyBytes: MAX_ANSWER_BYTES, overLimit: 'truncate' });
  }

  function once(req: ServerRequest, fresh: boolean): Promise<ServerResponse> {
    if (fresh || !connection?.isUsable) {
      connection?.destroy();
      connection = connect();
    }
    const conn = connection;
    const headers: Record<string, string | number> = {
      'user-agent': options.userAgent,
      authorization: `Bearer ${req.token}`,
      accept: 'application/json',
      ...req.headers,
    };
    return new Promise<ServerResponse>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        conn.destroy();
        reject(new AgentError('agent.server_timeout', timeoutMessage));
      }, options.timeoutMs);
      conn.request({ method: req.method, path: `${prefix}${req.path}`, headers, ...(req.body ? { body: req.body } : {}) }).then(
        (answer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(answer);
        },
        (err: Http1Failure) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const stale = !fresh && conn.answered > 0 && !conn.hasResponded && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
          if (stale) resolve(once(req, true));
          else reject(unreachable(err, base.origin));
        },
      );
    });
  }

  return {
    request(req) {
      const run = queue.then(() => once(req, false));
      queue = run.catch(() => undefined);
      return run;
    },
    close() {
      connection?.destroy();
      connection = undefined;
    },
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
