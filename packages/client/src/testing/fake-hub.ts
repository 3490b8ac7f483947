import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClientFrame, CloseCodes, codecForSubprotocol, ErrorCodes, PROTOCOL_VERSIONS, type Codec, type ServerFrame,
} from '@pulse/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A stand-in for the Pulse hub that speaks the protocol over real sockets but decides nothing on
 * its own past hello/ping: each test scripts the server side frame by frame, so it can stage
 * exactly the replay, gap or refusal it is about.
 */
export interface FakeHubOptions {
  /** protocol versions the server speaks; a hello naming another gets the error + close 4502 a real hub sends */
  versions?: number[];
  /** answer nothing at all, not even hello or ping: a link that looks open and is useless */
  silent?: boolean;
}

type ClientFrameType = ClientFrame['type'];
type FrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;

const TAKE_TIMEOUT_MS = 5_000;

export class FakeConnection {
  /** the connection id sent in welcome: `conn-<n>`, n counting from 0 */
  readonly id: string;
  /** the request URL of the upgrade, query included */
  readonly url: string;
  readonly codec: Codec;
  /** every frame the client sent, in order */
  readonly frames: ClientFrame[] = [];
  readonly #ws: WebSocket;
  readonly #taken = new Set<number>();
  readonly #waiters: { type: ClientFrameType; resolve: (frame: ClientFrame) => void }[] = [];
  #isClosed = false;
  readonly closed: Promise<void>;

  constructor(ws: WebSocket, id: string, url: string, codec: Codec, options: FakeHubOptions) {
    this.#ws = ws;
    this.id = id;
    this.url = url;
    this.codec = codec;
    this.closed = new Promise((resolve) => ws.on('close', () => {
      this.#isClosed = true;
      resolve();
    }));
    ws.on('message', (data: Buffer, isBinary) => {
      const frame = ClientFrame.parse(codec.decode(isBinary ? new Uint8Array(data) : data.toString('utf8')));
      this.frames.push(frame);
      if (!options.silent) this.#answerHousekeeping(frame, options.versions ?? [...PROTOCOL_VERSIONS]);
      this.#offer(this.frames.length - 1);
    });
  }

  /** The next frame of this type the test has not taken yet, waiting for it to arrive. */
  take<T extends ClientFrameType>(type: T): Promise<FrameOf<T>> {
    const index = this.frames.findIndex((frame, i) => frame.type === type && !this.#taken.has(i));
    if (index !== -1) {
      this.#taken.add(index);
      return Promise.resolve(this.frames[index] as FrameOf<T>);
    }
    return new Promise((resolve, reject) => {
      const waiter = { type, resolve: resolve as (frame: ClientFrame) => void };
      this.#waiters.push(waiter);
      // A guard, not a pause: a frame that never comes fails the test with a message instead of its timeout.
      setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at === -1) return;
        this.#waiters.splice(at, 1);
        reject(new Error(`no '${type}' frame within ${TAKE_TIMEOUT_MS} ms; got ${this.frames.map((f) => f.type).join(', ')}`));
      }, TAKE_TIMEOUT_MS).unref();
    });
  }

  send(frame: ServerFrame): void {
    this.#ws.send(this.codec.encode(frame));
  }

  close(code: number, reason = ''): void {
    this.#ws.close(code, reason);
  }

  /** Cuts the TCP connection without a close frame, as a crashed proxy would: the client sees 1006. */
  drop(): void {
    this.#ws.terminate();
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  #offer(index: number): void {
    const frame = this.frames[index];
    const at = this.#waiters.findIndex((w) => w.type === frame?.type);
    if (!frame || at === -1) return;
    const [waiter] = this.#waiters.splice(at, 1);
    this.#taken.add(index);
    waiter?.resolve(frame);
  }

  #answerHousekeeping(frame: ClientFrame, versions: number[]): void {
    if (frame.type === 'ping') this.send({ type: 'pong', id: frame.id });
    if (frame.type !== 'hello') return;
    if (!versions.includes(frame.version)) {
      this.send({ type: 'error', id: frame.id, code: ErrorCodes.badVersion, message: `This server speaks version ${versions.join(', ')}.` });
      this.close(CloseCodes.unsupportedVersion, 'unsupported protocol version');
      return;
    }
    this.send({ type: 'welcome', id: frame.id, version: frame.version, versions, connectionId: this.id, pingIntervalMs: 25_000 });
  }
}

export interface FakeHub {
  /** ws://127.0.0.1:<port>/api/ws */
  readonly url: string;
  /** every connection accepted, in order */
  readonly connections: FakeConnection[];
  /** The n-th connection (0-based), waiting for it to be accepted. */
  connection(n: number): Promise<FakeConnection>;
  close(): Promise<void>;
}

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const http = createServer();
  const connections: FakeConnection[] = [];
  const waiters: { n: number; resolve: (c: FakeConnection) => void }[] = [];
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (offered) => [...offered].find((name) => codecForSubprotocol(name)) ?? false,
  });
  wss.on('connection', (ws, req) => {
    const codec = codecForSubprotocol(ws.protocol);
    if (!codec) throw new Error(`client offered no known subprotocol (got '${ws.protocol}')`);
    const connection = new FakeConnection(ws, `conn-${connections.length}`, req.url ?? '', codec, options);
    connections.push(connection);
    for (const waiter of waiters.filter((w) => w.n === connections.length - 1)) waiter.resolve(connection);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`,
    connections,
    connection(n) {
      const existing = connections[n];
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        waiters.push({ n, resolve });
        setTimeout(() => reject(new Error(`no connection #${n} within ${TAKE_TIMEOUT_MS} ms; ${connections.length} so far`)), TAKE_TIMEOUT_MS).unref();
      });
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
