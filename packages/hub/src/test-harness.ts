// Used by this package's tests only (not exported from index.ts): a real HTTP server with a hub
// behind it, and a `ws` client that records the frames it receives.
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonCodec, msgpackCodec, SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK, type CodecName, type ServerFrame } from '@pulse/protocol';
import { WebSocket, type ClientOptions } from 'ws';
import { createHub } from './hub.js';
import type { Hub, HubLimits, HubOptions, Principal } from './types.js';

export const testPrincipal: Principal = { id: 'user-1', name: 'tester', scopes: ['monitoring:read'] };

/** Limits loose enough that only tests about limits ever meet one. */
export const looseLimits: Partial<HubLimits> = { connectionsPerSecondPerIp: 10_000, maxConnectionsPerIp: 10_000 };

export interface HubServer {
  hub: Hub;
  server: Server;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  close(): Promise<void>;
}

/**
 * SSE is served on GET /sse?channels=a,b; every other path upgrades to WebSocket. `?as=<id>` picks
 * a principal from `principals` (default: `principal`).
 */
export async function startHubServer(
  options: Partial<HubOptions> = {},
  principal: Principal = testPrincipal,
  principals: Record<string, Principal> = {},
): Promise<HubServer> {
  const hub = createHub({
    namespaces: [{ pattern: 'resources', snapshot: () => ({ resources: [] }) }],
    ...options,
    limits: { ...looseLimits, ...options.limits },
  });
  const principalOf = (req: IncomingMessage): Principal => {
    const as = new URL(req.url ?? '/', 'http://localhost').searchParams.get('as');
    return (as && principals[as]) || principal;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const channels = (url.searchParams.get('channels') ?? '').split(',').filter(Boolean);
    hub.handleSse(req, res, principalOf(req), channels);
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, principalOf(req)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    server,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedFrame {
  frame: ServerFrame;
  isBinary: boolean;
  raw: Buffer;
}

/** A real `ws` client that queues every decoded frame so a test can await them in order. */
export class TestClient {
  readonly ws: WebSocket;
  readonly codec: CodecName;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #queue: ReceivedFrame[] = [];
  readonly #waiters: ((received: ReceivedFrame) => void)[] = [];

  constructor(url: string, codec: CodecName, options: ClientOptions = {}) {
    this.codec = codec;
    this.ws = new WebSocket(url, codec === 'json' ? SUBPROTOCOL_JSON : SUBPROTOCOL_MSGPACK, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer, isBinary) => {
      const frame = (isBinary ? msgpackCodec.decode(data) : jsonCodec.decode(data)) as ServerFrame;
      const received = { frame, isBinary, raw: data };
      const waiter = this.#waiters.shift();
      if (waiter) waiter(received);
      else this.#queue.push(received);
    });
  }

  static async connect(url: string, codec: CodecName, options?: ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, codec, options);
    await client.opened;
    return client;
  }

  /** Encodes with this client's codec, as a well-behaved client would. */
  send(frame: object): void {
    const encoded = this.codec === 'json' ? jsonCodec.encode(frame) : msgpackCodec.encode(frame);
    this.ws.send(encoded, { binary: this.codec === 'msgpack' });
  }

  sendRaw(data: string | Buffer, binary: boolean): void {
    this.ws.send(data, { binary });
  }

  nextReceived(): Promise<ReceivedFrame> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async next(): Promise<ServerFrame> {
    return (await this.nextReceived()).frame;
  }

  /** Subscribes and returns the ack and the snapshot (for channels that have one). */
  async subscribe(channel: string, id = 1, withSnapshot = true): Promise<{ ack: ServerFrame; snapshot?: ServerFrame }> {
    this.send({ type: 'subscribe', id, channel });
    const ack = await this.next();
    if (ack.type !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(ack)}`);
    if (!withSnapshot) return { ack };
    return { ack, snapshot: await this.next() };
  }

  /** Sends a request and returns the next frame (the answer, when nothing else is in flight). */
  async request(frame: object): Promise<ServerFrame> {
    this.send(frame);
    return this.next();
  }

  /** Skips frames until one matches. */
  async nextMatching(predicate: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    for (;;) {
      const frame = await this.next();
      if (predicate(frame)) return frame;
    }
  }

  close(): void {
    this.ws.close();
  }
}

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Reads a text/event-stream response over a real HTTP request. */
export class SseReader {
  readonly response: Promise<IncomingMessage>;
  readonly ended: Promise<void>;
  readonly #events: SseEvent[] = [];
  readonly #waiters: ((event: SseEvent) => void)[] = [];
  readonly #request;
  #buffer = '';

  constructor(url: string, headers: Record<string, string> = {}) {
    let onEnd: () => void = () => {};
    this.ended = new Promise((resolve) => (onEnd = resolve));
    this.#request = get(url, { headers });
    this.#request.on('error', () => {});
    this.response = new Promise((resolve) => {
      this.#request.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.#onChunk(chunk));
        res.on('end', onEnd);
        res.on('error', () => {});
        resolve(res);
      });
    });
  }

  next(): Promise<SseEvent> {
    const queued = this.#events.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.#request.destroy();
  }

  #onChunk(chunk: string): void {
    this.#buffer += chunk;
    let boundary = this.#buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = this.#buffer.slice(0, boundary);
      this.#buffer = this.#buffer.slice(boundary + 2);
      boundary = this.#buffer.indexOf('\n\n');
      const event: SseEvent = { event: 'message', data: '' };
      let isComment = true;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        isComment = false;
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') event.data = event.data ? `${event.data}\n${value}` : value;
      }
      if (isComment) continue;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(event);
      else this.#events.push(event);
    }
  }
}
