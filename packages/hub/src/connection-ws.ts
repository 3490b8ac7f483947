import type { Socket } from 'node:net';
import { CloseCodes, ErrorCodes, type ClientInfo, type Codec, type ServerFrame } from '@pulse/protocol';
import { WebSocket, type RawData } from 'ws';
import { ClientCommands } from './client-commands.js';
import type { HubCounters } from './counters.js';
import { readClientFrame, type InboundError } from './frames-in.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { OutboundFrame } from './outbound-frame.js';
import type { Router, Subscriber } from './router.js';
import { SendQueue, type FlushScheduler } from './send-queue.js';
import { TokenBucket } from './token-bucket.js';
import type { DisconnectReason, HubLimits, HubLogger, Principal } from './types.js';

export interface WsConnectionDeps {
  router: Router;
  counters: HubCounters;
  logger: HubLogger;
  now: () => number;
  limits: HubLimits;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  onFlushed: (frames: number, oldestPublishedAt: number | undefined) => void;
  scheduler: FlushScheduler;
  /** gives back the connection's admission slot */
  release: () => void;
}

const BINARY = { binary: true } as const;
const TEXT = { binary: false } as const;

/** One WebSocket client: reads its frames, answers them and writes its queue to the socket. */
export class WsConnection implements Subscriber {
  readonly id: string;
  readonly principal: Principal;
  readonly info: ClientInfo;
  /** settles once the socket is closed and everything it held is released */
  readonly closed: Promise<void>;
  readonly queue: SendQueue;
  readonly #ws: WebSocket;
  readonly #codec: Codec;
  readonly #deps: WsConnectionDeps;
  readonly #heartbeat: Heartbeat;
  readonly #commands: ClientCommands;
  readonly #frames: TokenBucket;
  readonly #openedAt: number;
  /**
   * Frames dropped by the rate limit drain this bucket; a client that keeps flooding empties it
   * (about two seconds of dropping at the allowed rate) and is closed, even if a frame gets
   * through whenever a token refills.
   */
  readonly #strikes: TokenBucket;
  #closeReason: DisconnectReason | undefined;
  #terminateTimer: NodeJS.Timeout | undefined;

  constructor(id: string, ws: WebSocket, socket: Socket, codec: Codec, principal: Principal, deps: WsConnectionDeps) {
    this.id = id;
    this.principal = principal;
    this.info = { client: id, user: principal.id, name: principal.name, transport: 'websocket' };
    this.#ws = ws;
    this.#codec = codec;
    this.#deps = deps;
    this.#openedAt = deps.now();
    this.#frames = new TokenBucket(deps.limits.framesPerSecond, deps.limits.framesPerSecond * 2, deps.now);
    this.#strikes = new TokenBucket(deps.limits.framesPerSecond, deps.limits.framesPerSecond * 2, deps.now);
    this.#commands = new ClientCommands(this, {
      router: deps.router, limits: deps.limits, now: deps.now, pingIntervalMs: deps.pingIntervalMs,
      reply: (frame) => this.#reply(frame),
      sendError: (error) => this.sendError(error),
      closeWith: (code, reason, why) => this.#closeWith(code, reason, why),
      setAgent: (agent) => { this.info.agent = agent; },
    });
    deps.counters.opened();

    this.queue = new SendQueue({
      backlogBytes: () => ws.bufferedAmount,
      isBackedUp: () => socket.writableNeedDrain,
      onceDrained: (callback) => socket.once('drain', callback),
      sizeOf: (frame) => frame.bytesFor(codec).length,
      write: (frames) => this.#write(socket, frames),
    }, {
      maxBytes: deps.limits.maxQueueBytes,
      onOverflow: () => {
        deps.logger.info({ connectionId: id, principal: principal.id, bufferedBytes: ws.bufferedAmount }, 'closing slow consumer');
        this.#closeWith(CloseCodes.slowConsumer, 'slow consumer', 'slow_consumer', true);
      },
      onDropped: () => { deps.counters.dropped += 1; },
      onFlushed: deps.onFlushed,
    }, deps.scheduler);

    this.#heartbeat = startHeartbeat({
      intervalMs: deps.pingIntervalMs,
      timeoutMs: deps.pongTimeoutMs,
      ping: () => {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      },
      onTimeout: () => this.#terminate('timeout'),
    });
    ws.on('pong', () => this.#heartbeat.onPong());
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error; we only name the reason.
      this.#closeReason ??= err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too_large' : 'error';
      deps.logger.debug({ connectionId: id, err: err.message, code: err.code }, 'websocket error');
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        this.#release();
        clearTimeout(this.#terminateTimer);
        const reason = this.#closeReason ?? 'client_closed';
        deps.counters.closed(reason, code);
        deps.release();
        deps.logger.debug({ connectionId: id, principal: principal.id, code, reason, durationMs: deps.now() - this.#openedAt }, 'websocket closed');
        resolve();
      });
    });
  }

  get isClosed(): boolean {
    return this.#closeReason !== undefined;
  }

  send(frame: OutboundFrame, latestValueChannel?: string): void {
    if (this.#closeReason) return;
    this.queue.push(frame, latestValueChannel);
  }

  sendError(error: InboundError & { channel?: string }): void {
    this.#deps.counters.error(error.code);
    this.send(new OutboundFrame({ type: 'error', id: error.id, code: error.code, message: error.message, channel: error.channel }));
  }

  /** Sends the error, then closes; used when a connection is refused after the upgrade. */
  refuse(code: string, message: string, closeCode: number, why: DisconnectReason): void {
    this.sendError({ code, message });
    this.#closeWith(closeCode, message.slice(0, 120), why);
  }

  /** The principal lost its right to be here: a terminal close the client must not retry. */
  revoke(): void {
    this.#closeWith(CloseCodes.unauthorized, 'signed out', 'revoked');
  }

  /** Closes with 1001 going-away; resolves when the socket is gone. */
  shutdown(): Promise<void> {
    this.#closeWith(CloseCodes.goingAway, 'server shutting down', 'going_away');
    return this.closed;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.#deps.counters.received(bytes.length);
    if (this.#closeReason) return;
    const { limits } = this.#deps;
    if (!this.#frames.take()) {
      if (!this.#strikes.take()) {
        this.#closeWith(CloseCodes.rateLimited, 'too many frames', 'rate_limited');
        return;
      }
      this.sendError({ code: ErrorCodes.rateLimited, message: `More than ${limits.framesPerSecond} frames per second; this one was dropped. Slow down.` });
      return;
    }
    if (bytes.length > limits.maxFrameBytes) {
      this.sendError({ code: ErrorCodes.tooLarge, message: `Frames are limited to ${limits.maxFrameBytes} bytes; this one had ${bytes.length}.` });
      this.#closeWith(CloseCodes.tooLarge, 'frame too large', 'too_large');
      return;
    }
    const result = readClientFrame(bytes, isBinary, this.#codec);
    if (result.ok) this.#commands.handle(result.frame);
    else this.sendError(result.error);
  }

  #reply(frame: ServerFrame): void {
    this.send(new OutboundFrame(frame));
  }

  #write(socket: Socket, frames: readonly OutboundFrame[]): void {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    let bytes = 0;
    const options = this.#codec.binary ? BINARY : TEXT;
    // ws writes header and payload per message; corking turns a batch into one writev. A lone
    // frame needs no outer cork: ws corks its own header and payload.
    const isBatch = frames.length > 1;
    if (isBatch) socket.cork();
    for (const frame of frames) {
      const data = frame.bytesFor(this.#codec);
      ws.send(data, options);
      bytes += data.length;
    }
    if (isBatch) socket.uncork();
    this.#deps.counters.sent(frames.length, bytes);
  }

  /**
   * Stops reading and delivering, then closes. Frames already queued (the answers and errors that
   * explain the close) go out first, except for a slow consumer: there the queue is the problem, so
   * it is discarded and the close frame follows only what the socket already holds.
   */
  #closeWith(code: number, reason: string, why: DisconnectReason, discardQueue = false): void {
    if (this.#closeReason) return;
    this.#closeReason = why;
    this.#release();
    // A peer that never answers the close frame (or never drains its buffer) is cut off after the
    // same grace we give a ping, instead of ws's default 30 s.
    this.#terminateTimer = setTimeout(() => this.#ws.terminate(), this.#deps.pongTimeoutMs);
    this.#terminateTimer.unref();
    if (discardQueue) this.#sendClose(code, reason);
    else this.queue.drainThen(() => this.#sendClose(code, reason));
  }

  #sendClose(code: number, reason: string): void {
    this.queue.close();
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
  }

  #terminate(why: DisconnectReason): void {
    this.#closeReason ??= why;
    this.#release();
    this.queue.close();
    this.#ws.terminate();
  }

  /** Stops deliveries and timers; safe to call more than once. */
  #release(): void {
    this.#deps.router.unsubscribeAll(this);
    this.#heartbeat.stop();
  }
}
