import { CloseCodes, PROTOCOL_VERSIONS, type ClientFrame } from '@pulse/protocol';
import { defaultBackoff, reconnectDelay, type BackoffPolicy } from './backoff.js';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import type {
  ClientLogger, ClientOptions, ConnectionState, PulseClient, StateInfo, Subscription, SubscriptionHandlers, WebSocketLike, WebSocketLikeConstructor,
} from './types.js';
import { createWire, type Wire } from './wire.js';

/** Close codes after which reconnecting cannot help: the user has to sign in again. */
const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCodes.unauthorized]);
const WEBSOCKET_OPEN = 1;
const DEFAULT_PING_INTERVAL_MS = 20_000;
const DEFAULT_MAX_MISSED_PONGS = 2;

export function createClient(options: ClientOptions): PulseClient {
  return new RealtimeClient(options);
}

/**
 * Owns one socket at a time: says hello, restores every subscription after each reconnect, pings
 * to notice a dead link, and backs off with jitter between attempts.
 */
class RealtimeClient implements PulseClient {
  readonly #url: string;
  readonly #wire: Wire;
  readonly #WebSocket: WebSocketLikeConstructor;
  readonly #backoff: BackoffPolicy;
  readonly #pingIntervalMs: number;
  readonly #maxMissedPongs: number;
  readonly #random: () => number;
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;
  readonly #onStateChange: ClientOptions['onStateChange'];
  readonly #subscriptions: ChannelSubscriptions;
  readonly #logger: ClientLogger;
  #state: ConnectionState = 'connecting';
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #reconnectTimer: unknown;
  #pingTimer: unknown;
  #unansweredPings = 0;

  constructor(options: ClientOptions) {
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketLikeConstructor }).WebSocket;
    if (!WebSocketImpl) throw new Error('No WebSocket implementation: pass one as options.WebSocket (in Node, the ws package).');
    this.#url = options.url;
    this.#wire = createWire(options.codec ?? 'json');
    this.#WebSocket = WebSocketImpl;
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    this.#pingIntervalMs = options.heartbeat?.intervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.#maxMissedPongs = options.heartbeat?.maxMissed ?? DEFAULT_MAX_MISSED_PONGS;
    this.#random = options.random ?? Math.random;
    this.#setTimeout = options.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
    this.#clearTimeout = options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.#onStateChange = options.onStateChange;
    this.#logger = options.logger ?? console;
    this.#subscriptions = new ChannelSubscriptions(this.#logger);
    this.#onStateChange?.('connecting');
    this.#connect();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  subscribe(channel: string, handlers: SubscriptionHandlers): Subscription {
    if (this.#state === 'closed') return { unsubscribe() {} };
    this.#subscriptions.add(channel, handlers);
    // Also when the channel already has handlers: the server answers with a fresh snapshot, which
    // the newcomer needs and which the others may treat as the replacement state it is.
    this.#sendSubscribe(channel);
    let isActive = true;
    return {
      unsubscribe: () => {
        if (!isActive) return;
        isActive = false;
        if (this.#subscriptions.remove(channel, handlers)) this.#send({ type: 'unsubscribe', channel });
      },
    };
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#clearTimeout(this.#reconnectTimer);
    this.#stopPinging();
    if (this.#socket) this.#abandon(this.#socket, 1000, 'client closed');
    this.#setState('closed', { code: 1000, reason: 'client closed' });
  }

  #connect(): void {
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url, this.#wire.subprotocol);
    } catch (err) {
      this.#onSocketGone({ reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (event) => this.#onMessage(event.data);
    // Every failure also fires close, which is where reconnecting is decided.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      this.#detach(socket);
      this.#onSocketGone({ code: event.code, reason: event.reason });
    };
  }

  #onOpen(): void {
    this.#setState('open');
    this.#send({ type: 'hello', version: PROTOCOL_VERSIONS[PROTOCOL_VERSIONS.length - 1] ?? 1, client: 'pulse-client' });
    for (const channel of this.#subscriptions.channels()) this.#sendSubscribe(channel);
    this.#unansweredPings = 0;
    this.#schedulePing();
  }

  #onMessage(data: unknown): void {
    // Any frame proves the link is alive, not only a pong: a busy channel needs no extra ping.
    this.#unansweredPings = 0;
    let frame;
    try {
      frame = this.#wire.decode(data);
    } catch (err) {
      this.#logger.warn({ err }, 'unreadable frame from the Pulse server');
      return;
    }
    if (frame.type === 'welcome') this.#attempt = 0;
    this.#subscriptions.route(frame);
  }

  #onSocketGone(info: StateInfo): void {
    this.#socket = undefined;
    this.#stopPinging();
    this.#subscriptions.forgetPending();
    if (this.#state === 'closed') return;
    if (info.code !== undefined && TERMINAL_CLOSE_CODES.has(info.code)) {
      this.#setState('closed', info);
      return;
    }
    this.#attempt += 1;
    const delay = reconnectDelay(this.#attempt, this.#backoff, this.#random);
    this.#setState('reconnecting', { ...info, attempt: this.#attempt });
    this.#reconnectTimer = this.#setTimeout(() => this.#connect(), delay);
  }

  #schedulePing(): void {
    this.#pingTimer = this.#setTimeout(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (this.#unansweredPings >= this.#maxMissedPongs) {
        // A dead link may never deliver a close event; stop waiting for one.
        this.#abandon(socket, 4000, 'no pong from server');
        this.#onSocketGone({ reason: 'no pong from server' });
        return;
      }
      this.#unansweredPings += 1;
      this.#send({ type: 'ping' });
      this.#schedulePing();
    }, this.#pingIntervalMs);
  }

  #stopPinging(): void {
    this.#clearTimeout(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #sendSubscribe(channel: string): void {
    if (this.#socket?.readyState !== WEBSOCKET_OPEN) return;
    this.#send({ type: 'subscribe', id: this.#subscriptions.request(channel), channel });
  }

  #send(frame: ClientFrame): void {
    const socket = this.#socket;
    // Nothing is queued while disconnected: on open, hello and every subscription are resent.
    if (socket?.readyState !== WEBSOCKET_OPEN) return;
    socket.send(this.#wire.encode(frame));
  }

  /** Stops listening to a socket and closes it without letting its late events reach us. */
  #abandon(socket: WebSocketLike, code: number, reason: string): void {
    this.#detach(socket);
    if (this.#socket === socket) this.#socket = undefined;
    try {
      socket.close(code, reason);
    } catch {
      // Already closing or never opened: nothing left to release.
    }
  }

  #detach(socket: WebSocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Not null: `ws` throws an 'error' emitted with no listener, e.g. when closed while connecting.
    socket.onerror = () => {};
  }

  #setState(state: ConnectionState, info?: StateInfo): void {
    this.#state = state;
    this.#onStateChange?.(state, info);
  }
}
