import http from 'node:http';
import https from 'node:https';
import type { EngineEndpoint } from './engine-endpoint.js';
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
  // One agent per engine: keep-alive sockets are reused across a sweep, and a TLS session is never
  // shared with another endpoint that has a different CA (reference §5.3).
  const agent = endpoint.kind === 'tcp' && endpoint.tls
    ? new https.Agent({ keepAlive: true, ...endpoint.tls })
    : new http.Agent({ keepAlive: true });
  const transport = endpoint.kind === 'tcp' && endpoint.tls ? https : http;
  const base: http.RequestOptions = endpoint.kind === 'unix'
    ? { socketPath: endpoint.socketPath, agent }
    : { host: endpoint.host, port: endpoint.port, agent };
  const streams = new Set<EngineStream>();
  let closed = false;

  const closedError = (): DockerEngineError => new DockerEngineError('docker.closed', `the Docker client for ${label} was closed`);

  /** `fresh` skips the keep-alive pool: a socket of its own, closed after the answer. */
  function request(path: string, fresh = false): http.ClientRequest {
    const where = fresh ? { ...base, ...(endpoint.kind === 'tcp' ? endpoint.tls : {}), agent: false } : base;
    // Docker answers with Go's HTTP server, which wants a Host header even on a unix socket.
    return transport.request({ ...where, path, method: 'GET', headers: { Accept: 'application/json', Host: endpoint.kind === 'unix' ? 'docker' : `${endpoint.host}:${endpoint.port}` } });
  }

  function getJson(path: string): Promise<unknown> {
    if (closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      let settled = false;
      let retried = false;
      let req: http.ClientRequest;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(closed ? closedError() : connectionError(err, label));
      };
      const timer = setTimeout(() => {
        fail(new DockerEngineError('docker.timeout', `the Docker engine at ${label} did not answer GET ${path} within ${timeoutMs} ms`));
      }, timeoutMs);

      const send = (): void => {
        req = request(path, retried);
        let responded = false;
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (settled) return;
          // A kept-alive socket the engine closed while idle fails on first write; that says nothing
          // about the engine, so a GET goes once more on a socket of its own (as Node's http docs advise).
          if (!responded && !retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
            retried = true;
            return send();
          }
          fail(err);
        });
        req.on('response', (res) => {
          responded = true;
          read(res);
        });
        req.end();
      };

      const read = (res: http.IncomingMessage): void => {
        const declared = Number(res.headers['content-length']);
        const tooLarge = (): DockerEngineError => new DockerEngineError('docker.too_large', `the Docker engine at ${label} answered GET ${path} with more than ${maxBodyBytes} bytes`);
        if (declared > maxBodyBytes) return fail(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) return fail(tooLarge());
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('connection closed before the answer was complete'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => {
          if (settled) return;
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return fail(statusError(status, path, body, label));
          let value: unknown;
          try {
            value = JSON.parse(body);
          } catch {
            return fail(new DockerEngineError('docker.bad_json', `the Docker engine at ${label} answered GET ${path} with something that is not JSON: "${preview(body)}"`));
          }
          settled = true;
          clearTimeout(timer);
          resolve(value);
        });
      };

      send();
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
    const req = request(path, true);
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
      agent.destroy();
    },
  };
}
