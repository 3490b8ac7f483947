import { CloseCodes, ErrorCodes, PROTOCOL_VERSIONS, type ClientFrame, type Codec, type ServerFrame } from '@pulse/protocol';
import { WebSocket, type RawData } from 'ws';
import type { ChannelDirectory, Subscriber } from './channels.js';
import type { HubCounters } from './counters.js';
import type { InboundError } from './frames-in.js';
import { readClientFrame } from './frames-in.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { OutboundFrame } from './outbound-frame.js';
import type { DisconnectReason, HubLogger, Principal } from './types.js';

export interface WsLimits {
  maxFrameBytes: number;
  maxQueueBytes: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
}

export interface WsConnectionDeps {
  channels: ChannelDirectory;
  counters: HubCounters;
  logger: HubLogger;
  now: () => number;
  limits: WsLimits;
}

const supportedVersions: readonly number[] = PROTOCOL_VERSIONS;

/** One WebSocket client: reads its frames, answers them and delivers its channels' publications. */
export class WsConnection implements Subscriber {
  readonly id: string;
  /** settles once the socket is closed and everything it held is released */
  readonly closed: Promise<void>;
  readonly #ws: WebSocket;
  readonly #codec: Codec;
  readonly #principal: Principal;
  readonly #deps: WsConnectionDeps;
  readonly #heartbeat: Heartbeat;
  readonly #openedAt: number;
  #closeReason: DisconnectReason | undefined;
  #terminateTimer: NodeJS.Timeout | undefined;

  constructor(id: string, ws: WebSocket, codec: Codec, principal: Principal, deps: WsConnectionDeps) {
    this.id = id;
    this.#ws = ws;
    this.#codec = codec;
    this.#principal = principal;
    this.#deps = deps;
    this.#openedAt = deps.now();
    deps.counters.opened();

    this.#heartbeat = startHeartbeat({
      intervalMs: deps.limits.pingIntervalMs,
      timeoutMs: deps.limits.pongTimeoutMs,
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
        deps.counters.closed(reason);
        deps.logger.debug({ connectionId: id, principal: principal.id, code, reason, durationMs: deps.now() - this.#openedAt }, 'websocket closed');
        resolve();
      });
    });
  }

  deliver(frame: OutboundFrame): void {
    this.#send(frame);
  }

  /** Closes with 1001 going-away; resolves when the socket is gone. */
  get principal(): Principal {
    return this.#principal;
  }

  /** The principal lost its right to be here: a terminal close the client must not retry. */
  revoke(): void {
    this.#closeWith(CloseCodes.unauthorized, 'signed out', 'revoked');
  }

  shutdown(): Promise<void> {
    this.#closeWith(CloseCodes.goingAway, 'server shutting down', 'going_away');
    return this.closed;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#deps.counters.framesReceived += 1;
    if (this.#closeReason) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length > this.#deps.limits.maxFrameBytes) {
      this.#sendError({ code: ErrorCodes.tooLarge, message: `Frames are limited to ${this.#deps.limits.maxFrameBytes} bytes; this one had ${bytes.length}.` });
      this.#closeWith(CloseCodes.tooLarge, 'frame too large', 'too_large');
      return;
    }
    const result = readClientFrame(bytes, isBinary, this.#codec);
    if (result.ok) this.#handle(result.frame);
    else this.#sendError(result.error);
  }

  #handle(frame: ClientFrame): void {
    switch (frame.type) {
      case 'hello':
        if (!supportedVersions.includes(frame.version)) {
          this.#sendError({ code: ErrorCodes.badVersion, message: `Protocol version ${frame.version} is not supported; this server speaks version ${supportedVersions.join(', ')}.`, id: frame.id });
          return;
        }
        this.#reply({ type: 'welcome', id: frame.id, version: frame.version, connectionId: this.id, pingIntervalMs: this.#deps.limits.pingIntervalMs });
        return;
      case 'subscribe': {
        const outcome = this.#deps.channels.subscribe(this, this.#principal, frame.channel);
        if (!outcome.ok) {
          this.#sendError({ code: outcome.code, message: outcome.message, id: frame.id });
          return;
        }
        this.#reply({ type: 'ack', id: frame.id, channel: frame.channel });
        if (outcome.snapshot) this.#send(outcome.snapshot);
        return;
      }
      case 'unsubscribe':
        if (!this.#deps.channels.unsubscribe(this, frame.channel)) {
          this.#sendError({ code: ErrorCodes.notSubscribed, message: `This connection is not subscribed to '${frame.channel}'.`, id: frame.id });
          return;
        }
        this.#reply({ type: 'ack', id: frame.id, channel: frame.channel });
        return;
      case 'ping':
        this.#reply({ type: 'pong', id: frame.id });
        return;
    }
  }

  #reply(frame: ServerFrame): void {
    this.#send(new OutboundFrame(frame));
  }

  #sendError(error: InboundError): void {
    this.#send(new OutboundFrame({ type: 'error', id: error.id, code: error.code, message: error.message }), true);
  }

  #send(frame: OutboundFrame, isError = false): void {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN || this.#closeReason) return;
    // v1 backpressure: the socket's own buffer is the queue; past the bound we drop the consumer
    // rather than let one slow reader grow the server's memory.
    if (ws.bufferedAmount > this.#deps.limits.maxQueueBytes) {
      this.#deps.logger.info({ connectionId: this.id, principal: this.#principal.id, bufferedBytes: ws.bufferedAmount }, 'dropping slow consumer');
      this.#closeWith(CloseCodes.slowConsumer, 'slow consumer', 'slow_consumer');
      return;
    }
    const bytes = frame.bytesFor(this.#codec);
    ws.send(bytes, { binary: this.#codec.binary });
    this.#deps.counters.sent(bytes.length, isError);
  }

  #closeWith(code: number, reason: string, why: DisconnectReason): void {
    if (this.#closeReason) return;
    this.#closeReason = why;
    this.#release();
    this.#ws.close(code, reason);
    // A peer that never answers the close frame (or never drains its buffer) is cut off after the
    // same grace we give a ping, instead of ws's default 30 s.
    this.#terminateTimer = setTimeout(() => this.#ws.terminate(), this.#deps.limits.pongTimeoutMs);
    this.#terminateTimer.unref();
  }

  #terminate(why: DisconnectReason): void {
    this.#closeReason ??= why;
    this.#release();
    this.#ws.terminate();
  }

  /** Stops deliveries and timers; safe to call more than once. */
  #release(): void {
    this.#deps.channels.unsubscribeAll(this);
    this.#heartbeat.stop();
  }
}
