import http from 'node:http';
import https from 'node:https';
import type { EngineEndpoint } from './engine-endpoint.js';
import net from 'node:net';
import tls from 'node:tls';
import { Http1Connection } from '../http/http1-connection.js';
import type { Http1Failure } from '../http/http1-connection.js';
import { DockerEngineError, connectionError } from './engine-error.js';

export interface EngineClientOptions {
  endpoint: EngineEndpoint;
  /** Deadline for a whole answer (connect, headers and body); for a stream, until its headers. */
  timeoutMs: number;
  /** Largest answer body read before giving up; a list of thousands of containers is well under 8 MiB. */
  maxBodyBytes: number;
  /** Longest single line accepted on a stream. */
  maxLineBytes?: number;
}

/** An open newline-delimited stream (the events endpoint). */
export interface EngineStream {
  /** Settles when the stream ends: resolves if the engine or `close()` ended it, rejects on errors. */
  readonly done: Promise<void>;
  close(): void;
}

/** Speaks HTTP to one engine and nothing more: no API versions, no Docker semantics. */
export interface EngineClient {
  readonly label: string;
  getJson(path: string): Promise<unknown>;
  /** Opens a stream and calls `onLine` for each non-empty line; `onOpen` once the engine accepted it. */
  openStream(path: string, onLine: (line: string) => void, onOpen?: () => void): EngineStream;
  /** Ends open streams and sockets; later calls reject with `docker.closed`. */
  close(): void;
}

const PREVIEW_CHARS = 80;

function preview(body: string): string {
  const flat = body.slice(0, PREVIEW_CHARS).replace(/[^\x20-\x7e]/g, '?');
  return body.length > PREVIEW_CHARS ? `${flat}…` : flat;
}

/** The engine's own explanation from an error body (`{"message": "..."}`), if it sent one. */
function engineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed?.message === 'string') return parsed.message.slice(0, 300);
  } catch {
    // Not JSON: fall through to a preview of the raw text.
  }
  return preview(body);
}

function statusError(status: number, path: string, body: string, label: string): DockerEngineError {
  const code = status === 404 ? 'docker.not_found' : 'docker.http_status';
  return new DockerEngineError(code, `the Docker engine at ${label} answered GET ${path} with HTTP ${status}: ${engineMessage(body)}`, { status });
}

export function createEngineClient(options: EngineClientOptions): EngineClient {
  const { endpoint, timeoutMs, maxBodyBytes } = options;
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  const label = endpoint.label;
  // GETs go over this client's own keep-alive connections (engine-connection.ts), never shared
  // with another endpoint, so a TLS session never meets a different CA (reference §5.3); the
  // long-lived event stream uses node:http on a socket of its own.
  const transport = endpoint.kind === 'tcp' && endpoint.tls ? https : http;
  const base: http.RequestOptions = endpoint.kind === 'unix'
    ? { socketPath: endpoint.socketPath }
    : { host: endpoint.host, port: endpoint.port };
  const streams = new Set<EngineStream>();
  let closed = false;

  const closedError = (): DockerEngineError => new DockerEngineError('docker.closed', `the Docker client for ${label} was closed`);

  /** A request on a socket of its own, closed after the answer (event streams). */
  function request(path: string): http.ClientRequest {
    const where = { ...base, ...(endpoint.kind === 'tcp' ? endpoint.tls : {}), agent: false };
    // Docker answers with Go's HTTP server, which wants a Host header even on a unix socket.
    return transport.request({ ...where, path, method: 'GET', headers: { Accept: 'application/json', Host: endpoint.kind === 'unix' ? 'docker' : `${endpoint.host}:${endpoint.port}` } });
  }

  /** Idle keep-alive connections for GETs; the caller bounds how many run at once. */
  const idle: Http1Connection[] = [];
  const connections = new Set<Http1Connection>();
  // Docker answers with Go's HTTP server, which wants a Host header even on a unix socket.
  const hostHeader = endpoint.kind === 'unix' ? 'docker' : `${endpoint.host}:${endpoint.port}`;

  function connectSocket(): net.Socket {
    if (endpoint.kind === 'unix') return net.connect({ path: endpoint.socketPath });
    if (!endpoint.tls) return net.connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    const servername = endpoint.tls.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host);
    const socket = tls.connect({ host: endpoint.host, port: endpoint.port, ...endpoint.tls, ...(servername ? { servername } : {}) });
    socket.setNoDelay(true);
    return socket;
  }

  function connection(fresh: boolean): Http1Connection {
    if (!fresh) {
      while (idle.length > 0) {
        const kept = idle.pop()!;
        if (kept.isUsable) return kept;
        connections.delete(kept);
      }
    }
    const created = new Http1Connection({ socket: connectSocket(), host: hostHeader, maxBodyBytes });
    connections.add(created);
    return created;
  }

  function release(conn: Http1Connection): void {
    if (!closed && conn.isUsable) idle.push(conn);
    else {
      connections.delete(conn);
      conn.destroy();
    }
  }

  function getJson(path: string): Promise<unknown> {
    if (closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      let settled = false;
      let conn: Http1Connection | undefined;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (conn) {
          connections.delete(conn);
          conn.destroy();
        }
        reject(closed ? closedError() : connectionError(err, label));
      };
      const timer = setTimeout(() => {
        fail(new DockerEngineError('docker.timeout', `the Docker engine at ${label} did not answer GET ${path} within ${timeoutMs} ms`));
      }, timeoutMs);

      const send = (fresh: boolean): void => {
        const current = connection(fresh);
        conn = current;
        current.request({ method: 'GET', path, headers: { Accept: 'application/json' } }).then((answer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          release(current);
          const status = answer.status;
          const body = answer.body.toString('utf8');
          if (status < 200 || status >= 300) return reject(statusError(status, path, body, label));
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new DockerEngineError('docker.bad_json', `the Docker engine at ${label} answered GET ${path} with something that is not JSON: "${preview(body)}"`));
          }
        }, (err: Http1Failure) => {
          if (settled) return;
          if (err.tooLarge) {
            return fail(new DockerEngineError('docker.too_large', `the Docker engine at ${label} answered GET ${path} with more than ${maxBodyBytes} bytes`));
          }
          // A kept-alive socket the engine closed while idle fails before any answer; that says
          // nothing about the engine, so a GET goes once more on a socket of its own.
          if (!fresh && current.answered > 0 && !current.hasResponded && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
            connections.delete(current);
            return send(true);
          }
          fail(err);
        });
      };

      send(false);
    });
  }

  function openStream(path: string, onLine: (line: string) => void, onOpen?: () => void): EngineStream {
    if (closed) {
      const done = Promise.reject(closedError());
      done.catch(() => {});
      return { done, close() {} };
    }
    let settled = false;
    let userClosed = false;
    let resolveDone: () => void = () => {};
    let rejectDone: (err: unknown) => void = () => {};
    const settledDone = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    // A socket of its own: a stream holds it for hours, and must not inherit a stale pooled one.
    const req = request(path);
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(headerTimer);
      req.destroy();
      if (err === undefined || userClosed) resolveDone();
      else rejectDone(closed ? closedError() : connectionError(err, label));
    };
    const stream: EngineStream = {
      done: settledDone.finally(() => streams.delete(stream)),
      close() {
        userClosed = true;
        finish();
      },
    };
    // Attached so a stream that fails before anyone awaits it is not an unhandled rejection;
    // the caller still sees the rejection through `done`.
    stream.done.catch(() => {});
    streams.add(stream);

    const headerTimer = setTimeout(() => {
      finish(new DockerEngineError('docker.timeout', `the Docker engine at ${label} did not accept GET ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => finish(err));
    req.on('response', (res) => {
      clearTimeout(headerTimer);
      const status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      if (status < 200 || status >= 300) {
        let body = '';
        res.on('data', (text: string) => {
          if (body.length < 4096) body += text;
        });
        res.on('end', () => finish(statusError(status, path, body, label)));
        res.on('error', (err) => finish(err));
        return;
      }
      onOpen?.();
      let pending = '';
      res.on('data', (text: string) => {
        pending += text;
        let newline: number;
        while (!settled && (newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (!line) continue;
          try {
            onLine(line);
          } catch (err) {
            finish(err);
          }
        }
        if (pending.length > maxLineBytes) {
          finish(new DockerEngineError('docker.too_large', `the Docker engine at ${label} sent a line over ${maxLineBytes} bytes on GET ${path}`));
        }
      });
      res.on('error', (err) => finish(err));
      res.on('end', () => finish());
      res.on('close', () => finish(res.complete ? undefined : Object.assign(new Error('stream closed mid-line'), { code: 'ECONNRESET' })));
    });
    req.end();
    return stream;
  }

  return {
    label,
    getJson,
    openStream,
    close() {
      if (closed) return;
      closed = true;
      for (const stream of streams) stream.close();
      for (const conn of connections) conn.destroy();
      connections.clear();
      idle.length = 0;
    },
  };
}
