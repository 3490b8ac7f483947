import type net from 'node:net';

/*
 * One keep-alive HTTP/1.1 client connection that sends requests one at a time. pulse-agent talks
 * HTTP twice per second or so (a Docker reading is ~50 small GETs every 10 s; a report is one POST
 * per sample), and through node:http each exchange costs a ClientRequest, an IncomingMessage stream
 * and an agent's bookkeeping: measured on a 2 vCPU VM, three to four times the CPU of the exchange
 * itself (a Docker reading 35 ms against 11.5 ms, a report POST ~1.5 ms against ~0.4 ms). What the
 * peers answer is plain HTTP/1.1: a status line, headers, then a body framed by Content-Length or
 * chunked encoding (Go's net/http chunks answers over 2 KiB; proxies may chunk anything), or ended
 * by closing the connection. The caller owns the socket's creation (unix, TCP or TLS), timeouts and
 * retries; this class owns the wire.
 */

export interface Http1Request {
  method: 'GET' | 'POST';
  /** path and query, already escaped */
  path: string;
  /** header name → value; Host and Content-Length are added */
  headers?: Record<string, string | number>;
  body?: Buffer;
}

export interface Http1Answer {
  status: number;
  /** lower-case names; a repeated header keeps its last value */
  headers: Record<string, string>;
  body: Buffer;
}

/** What went wrong with a connection; `code` follows node's socket error codes where one applies. */
export interface Http1Failure extends Error {
  code?: string;
  /** the answer's body was larger than `maxBodyBytes` (with `overLimit: 'fail'`) */
  tooLarge?: boolean;
}

export interface Http1ConnectionOptions {
  /** the connected (or connecting) socket: net.connect or tls.connect */
  socket: net.Socket;
  /** the Host header */
  host: string;
  maxBodyBytes: number;
  /** past maxBodyBytes: fail the request (default), or keep the first bytes and drop the rest */
  overLimit?: 'fail' | 'truncate';
}

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close';

const NEWLINE = 0x0a;
const NOTHING = Buffer.alloc(0);

function failure(message: string, code?: string): Http1Failure {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

export class Http1Connection {
  readonly #socket: net.Socket;
  readonly #host: string;
  readonly #maxBodyBytes: number;
  readonly #truncate: boolean;
  #pending: { resolve(answer: Http1Answer): void; reject(err: Http1Failure): void } | undefined;
  #dead = false;
  /** answers completed on this connection; a failure before any byte of a later one may be a stale socket */
  answered = 0;
  /** bytes of the current answer received so far */
  #received = 0;

  // Parser state for the current answer.
  #phase: Phase = 'head';
  #head: Buffer | undefined;
  #status = 0;
  #headers: Record<string, string> = {};
  #keepAlive = true;
  #remaining = 0;
  #body: Buffer[] = [];
  #bodyBytes = 0;
  #line: Buffer | undefined;

  constructor(options: Http1ConnectionOptions) {
    this.#socket = options.socket;
    this.#host = options.host;
    this.#maxBodyBytes = options.maxBodyBytes;
    this.#truncate = options.overLimit === 'truncate';
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('error', (err: Http1Failure) => this.#fail(err));
    this.#socket.on('close', () => this.#fail(failure('connection closed before the answer was complete', 'ECONNRESET')));
  }

  /** Whether the connection can take another request now. */
  get isUsable(): boolean {
    return !this.#dead && this.#pending === undefined;
  }

  /** Whether any byte of the current answer has arrived. */
  get hasResponded(): boolean {
    return this.#received > 0;
  }

  /** Sends one request and resolves with the whole answer; rejects on any connection trouble. */
  request(req: Http1Request): Promise<Http1Answer> {
    if (!this.isUsable) return Promise.reject(failure('connection not usable', 'ECONNRESET'));
    // Refuse what would break the request line or a header rather than send it.
    if (/[^\x21-\x7e]/.test(req.path)) return Promise.reject(new TypeError(`request path contains characters that need escaping: ${JSON.stringify(req.path)}`));
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${this.#host}\r\n`;
    for (const name in req.headers) {
      const value = String(req.headers[name]);
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return Promise.reject(new TypeError(`header ${JSON.stringify(name)} contains a line break`));
      head += `${name}: ${value}\r\n`;
    }
    if (req.body) head += `Content-Length: ${req.body.length}\r\n`;
    head += '\r\n';
    this.#reset();
    this.#socket.ref();
    return new Promise<Http1Answer>((resolve, reject) => {
      this.#pending = { resolve, reject };
      // One write for head and body: one syscall, one wake-up of the peer.
      this.#socket.write(req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1'));
    });
  }

  destroy(): void {
    this.#dead = true;
    this.#socket.destroy();
  }

  #reset(): void {
    this.#received = 0;
    this.#phase = 'head';
    this.#head = undefined;
    this.#status = 0;
    this.#headers = {};
    this.#keepAlive = true;
    this.#remaining = 0;
    this.#body = [];
    this.#bodyBytes = 0;
    this.#line = undefined;
  }

  #fail(err: Http1Failure): void {
    this.#dead = true;
    this.#socket.destroy();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(err);
  }

  #finish(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    const body = this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body);
    this.answered++;
    // An idle kept-alive socket must not keep the process alive (as node's http agent does).
    if (this.#keepAlive) this.#socket.unref();
    else this.destroy();
    pending?.resolve({ status: this.#status, headers: this.#headers, body });
  }

  #onEnd(): void {
    // An answer without Content-Length or chunking ends with the connection.
    if (this.#pending && this.#phase === 'until-close') {
      this.#keepAlive = false;
      this.#finish();
      return;
    }
    this.#fail(failure('connection closed before the answer was complete', 'ECONNRESET'));
  }

  #onData(chunk: Buffer): void {
    if (!this.#pending) {
      // Bytes nobody asked for: the connection is out of step with the peer.
      this.#fail(failure('the peer sent data without a request', 'ECONNRESET'));
      return;
    }
    this.#received += chunk.length;
    let data: Buffer = chunk;
    while (data.length > 0 && this.#pending) data = this.#step(data);
  }

  /** Consumes what it can of `data` for the current phase; returns the rest. */
  #step(data: Buffer): Buffer {
    switch (this.#phase) {
      case 'head': {
        const joined = this.#head ? Buffer.concat([this.#head, data]) : data;
        const end = joined.indexOf('\r\n\r\n');
        if (end < 0) {
          if (joined.length > 64 * 1024) this.#fail(failure('the peer sent over 64 KiB of headers', 'ECONNRESET'));
          this.#head = joined;
          return NOTHING;
        }
        this.#head = undefined;
        this.#readHead(joined.toString('latin1', 0, end));
        // #readHead moved the phase on: to a body, or to 'head' again after a 1xx answer.
        const next = this.#phase as Phase;
        if (this.#pending && next === 'length' && this.#remaining === 0) this.#finish();
        return joined.subarray(end + 4);
      }
      case 'length': {
        const take = Math.min(this.#remaining, data.length);
        if (!this.#addBody(data.subarray(0, take))) return NOTHING;
        this.#remaining -= take;
        if (this.#remaining === 0) {
          // Bytes after a complete answer to a lone request mean the framing was wrong.
          if (take < data.length) this.#keepAlive = false;
          this.#finish();
        }
        return NOTHING;
      }
      case 'until-close':
        this.#addBody(data);
        return NOTHING;
      case 'chunk-data': {
        const take = Math.min(this.#remaining, data.length);
        if (!this.#addBody(data.subarray(0, take))) return NOTHING;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#phase = 'chunk-end';
        return data.subarray(take);
      }
      default: {
        // chunk-size, chunk-end and trailer are lines.
        const newline = data.indexOf(NEWLINE);
        if (newline < 0) {
          this.#line = this.#line ? Buffer.concat([this.#line, data]) : data;
          if (this.#line.length > 4096) this.#fail(failure('the peer sent a chunk header over 4 KiB', 'ECONNRESET'));
          return NOTHING;
        }
        const piece = data.subarray(0, newline);
        const line = (this.#line ? Buffer.concat([this.#line, piece]) : piece).toString('latin1').replace(/\r$/, '');
        this.#line = undefined;
        this.#onLine(line);
        return data.subarray(newline + 1);
      }
    }
  }

  #onLine(line: string): void {
    if (this.#phase === 'chunk-end') {
      // The CRLF after a chunk's data.
      if (line !== '') return this.#fail(failure('malformed chunked answer', 'ECONNRESET'));
      this.#phase = 'chunk-size';
      return;
    }
    if (this.#phase === 'trailer') {
      if (line === '') this.#finish();
      return;
    }
    const semicolon = line.indexOf(';');
    const sizeText = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    const size = /^[0-9a-fA-F]{1,8}$/.test(sizeText) ? Number.parseInt(sizeText, 16) : Number.NaN;
    if (!Number.isFinite(size)) return this.#fail(failure('malformed chunked answer', 'ECONNRESET'));
    if (size === 0) {
      this.#phase = 'trailer';
      return;
    }
    this.#remaining = size;
    this.#phase = 'chunk-data';
  }

  /** Adds body bytes; false (and the request failed) past the size limit unless truncating. */
  #addBody(piece: Buffer): boolean {
    const room = this.#maxBodyBytes - this.#bodyBytes;
    if (piece.length > room) {
      if (!this.#truncate) {
        this.#fail(Object.assign(failure('the answer is too large'), { tooLarge: true }));
        return false;
      }
      piece = piece.subarray(0, Math.max(0, room));
    }
    this.#bodyBytes += piece.length;
    if (piece.length > 0) this.#body.push(piece);
    return true;
  }

  #readHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) return this.#fail(failure(`the peer answered something that is not HTTP/1.x: "${(lines[0] ?? '').slice(0, 80)}"`, 'ECONNRESET'));
    this.#status = Number(statusLine[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.#headers = headers;
    const connection = (headers.connection ?? '').toLowerCase();
    this.#keepAlive = statusLine[1] === '1' ? connection !== 'close' : connection === 'keep-alive';
    if (this.#status >= 100 && this.#status < 200) {
      // Informational (100 Continue): the real answer comes next.
      this.#phase = 'head';
      return;
    }
    const length = headers['content-length'];
    if (this.#status === 204 || this.#status === 304) {
      this.#phase = 'length';
      this.#remaining = 0;
    } else if ((headers['transfer-encoding'] ?? '').toLowerCase().split(',').some((coding) => coding.trim() === 'chunked')) {
      this.#phase = 'chunk-size';
    } else if (length !== undefined) {
      const bytes = /^\d{1,15}$/.test(length) ? Number(length) : Number.NaN;
      if (!Number.isSafeInteger(bytes)) return this.#fail(failure('the peer sent a bad Content-Length', 'ECONNRESET'));
      if (bytes > this.#maxBodyBytes && !this.#truncate) return this.#fail(Object.assign(failure('the answer is too large'), { tooLarge: true }));
      this.#phase = 'length';
      this.#remaining = bytes;
    } else {
      this.#phase = 'until-close';
    }
  }
}
