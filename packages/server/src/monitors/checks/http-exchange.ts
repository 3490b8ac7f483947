import http from 'node:http';
import type net from 'node:net';
import { elapsedUs, networkFailure } from './check-failure.js';
import type { PhaseTrace } from './connection-phases.js';
import { abortable } from './deadline.js';
import { OPEN_OPTION, type OpenConnection, type OpenedConnection, type PooledAgent } from './http-agent-pool.js';

export interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

/** How the hop gets its socket: one opened for it (closed after), or a keep-alive agent. */
export type HopConnection = { kind: 'fresh'; open: OpenConnection } | { kind: 'pooled'; open: OpenConnection; agent: PooledAgent };

export interface HopHead {
  req: http.ClientRequest;
  res: http.IncomingMessage;
  reused: boolean;
  connection?: OpenedConnection | undefined;
  firstByteNs: bigint;
}

export interface HopBody {
  /** raw (still encoded) bytes, at most `maxBytes`; only when `keep` was asked */
  raw?: Buffer;
  bytes: number;
  truncated: boolean;
}

/**
 * Sends one request and resolves at the response head. Node parses HTTP (chunking, framing); we own
 * the socket, so the phases are ours: `request` until Node has written the request, `ttfb` from
 * there to the first byte the socket reads (not to the parsed head), `download` after.
 */
export async function sendRequest(hop: HopRequest, via: HopConnection, trace: PhaseTrace, signal: AbortSignal): Promise<HopHead> {
  const target = `${hop.url.host}`;
  let opened: OpenedConnection | undefined;
  const base: http.RequestOptions = {
    host: hop.url.hostname.replace(/^\[|\]$/g, ''),
    port: hop.url.port || (hop.url.protocol === 'https:' ? 443 : 80),
    // the Host header leaves out the scheme's own port, as browsers do
    defaultPort: hop.url.protocol === 'https:' ? 443 : 80,
    path: `${hop.url.pathname}${hop.url.search}`,
    method: hop.method,
    headers: hop.headers,
  };
  if (via.kind === 'fresh') {
    opened = await via.open();
    const socket = opened.socket;
    base.createConnection = () => socket;
  } else {
    base.agent = via.agent;
    (base as Record<string, unknown>)[OPEN_OPTION] = via.open;
  }
  const req = http.request(base);
  let writtenNs: bigint | undefined;
  let firstByteNs: bigint | undefined;
  let reused = false;
  const head = new Promise<HopHead>((resolve, reject) => {
    req.once('socket', (socket: net.Socket) => {
      reused = req.reusedSocket;
      if (via.kind === 'pooled') opened = via.agent.openedWith(socket);
      if (opened) trace.ip = opened.ip;
      trace.phase = 'request';
      socket.prependOnceListener('data', () => {
        firstByteNs = process.hrtime.bigint();
        trace.ttfbUs = writtenNs === undefined ? 0 : elapsedUs(writtenNs, firstByteNs);
        trace.phase = 'download';
      });
    });
    req.once('finish', () => {
      writtenNs = process.hrtime.bigint();
      if (trace.phase === 'request') trace.phase = 'ttfb';
    });
    req.once('response', (res) => {
      const at = firstByteNs ?? process.hrtime.bigint();
      trace.ttfbUs ??= writtenNs === undefined ? 0 : elapsedUs(writtenNs, at);
      trace.phase = 'download';
      resolve({ req, res, reused, connection: opened, firstByteNs: at });
    });
    req.once('error', reject);
  });
  // after settling, a destroyed request may still report errors: keep them from being unhandled
  req.on('error', () => undefined);
  req.end(hop.body);
  try {
    return await abortable(head, signal, () => req.destroy());
  } catch (error) {
    req.destroy();
    if (signal.aborted) throw error;
    throw networkFailure(error, trace.phase, target);
  }
}

/**
 * Reads the body to its end or to `maxBytes`, whichever comes first; an endless body stops at the
 * bound (the connection is dropped, never handed back to a pool half-read). `download` ends at the
 * last byte read.
 */
export async function readBody(head: HopHead, options: { keep: boolean; maxBytes: number }, trace: PhaseTrace, signal: AbortSignal): Promise<HopBody> {
  const { req, res } = head;
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  const done = new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = options.maxBytes - bytes;
      if (chunk.length > room) {
        if (options.keep && room > 0) chunks.push(chunk.subarray(0, room));
        bytes = options.maxBytes;
        truncated = true;
        resolve();
        req.destroy();
        return;
      }
      bytes += chunk.length;
      if (options.keep) chunks.push(chunk);
    });
    res.once('end', resolve);
    res.once('error', reject);
    res.once('aborted', () => reject(Object.assign(new Error('the server closed the connection mid-body'), { code: 'ECONNRESET' })));
  });
  res.on('error', () => undefined);
  try {
    await abortable(done, signal, () => req.destroy());
  } catch (error) {
    req.destroy();
    if (signal.aborted) throw error;
    throw networkFailure(error, 'download', head.req.host);
  } finally {
    trace.downloadUs = elapsedUs(head.firstByteNs);
  }
  return options.keep ? { raw: Buffer.concat(chunks), bytes, truncated } : { bytes, truncated };
}
