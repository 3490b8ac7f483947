import {
  CloseCodes, isReconnectCode, PROTOCOL_VERSIONS, type ClientFrame, type ClientInfo, type ServerFrame, type StreamPosition, type WelcomeFrame,
} from '@pulse/protocol';
import { defaultBackoff, reconnectDelay, type BackoffPolicy } from './backoff.js';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { withToken } from './connection-url.js';
import { ClientErrorCodes, PendingRequests, readAnswer, RequestError } from './requests.js';
import type {
  ClientLogger, ClientOptions, ConnectionInfo, ConnectionState, PresenceStats, PulseClient, StateInfo, SubscribeOptions, Subscription,
  SubscriptionHandlers, WebSocketLike, WebSocketLikeConstructor,
} from './types.js';
import { createWire, type Wire } from './wire.js';

const WEBSOCKET_OPEN = 1;
const DEFAULT_PING_INTERVAL_MS = 20_000;
const DEFAULT_MAX_MISSED_PONGS = 2;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const SPOKEN_VERSIONS: readonly number[] = PROTOCOL_VERSIONS;

export function createClient(options: ClientOptions): PulseClient {
  return new RealtimeClient(options);
}

/**
 * Owns one socket at a time: says hello, resumes every subscription after each reconnect, answers
 * requests by id, pings to notice a dead link, and backs off with jitter between attempts.
 */
class RealtimeClient implements PulseClient {
  readonly #url: string;
  readonly #getToken: (() => Promise<string>) | undefined;
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
  readonly #requests: PendingRequests;
  readonly #logger: ClientLogger;
  #state: ConnectionState = 'connecting';
  #connection: ConnectionInfo | undefined;
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #reconnectTimer: unknown;
  #pingTimer: unknown;
  #unansweredPings = 0;
  /** one id space for subscribe and the other requests, so any answer names exactly one of them */
  #nextRequestId = 1;

  constructor(options: ClientOptions) {
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketLikeConstructor }).WebSocket;
    if (!WebSocketImpl) throw new Error('No WebSocket implementation: pass one as options.WebSocket (in Node, the ws package).');
    this.#url = options.url;
    this.#getToken = options.getToken;
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
    this.#requests = new PendingRequests({
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      setTimeout: this.#setTimeout,
      clearTimeout: this.#clearTimeout,
    });
    this.#onStateChange?.('connecting');
    this.#connect();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get connection(): ConnectionInfo | undefined {
    return this.#connection;
  }

  subscribe(channel: string, handlers: SubscriptionHandlers, options: SubscribeOptions = {}): Subscription {
    if (this.#state === 'closed') return { position: undefined, latest: undefined, unsubscribe() {} };
    const { view, outcome } = this.#subscriptions.add(channel, handlers, options.latest === true);
    if (outcome === 'subscribe') this.#sendSubscribe(channel);
    if (outcome === 'refresh') {
      // The server keeps one subscription per channel and connection: starting it over is how a
      // later subscriber gets the snapshot (or latest value) the earlier ones already had.
      this.#send({ type: 'unsubscribe', channel });
      this.#sendSubscribe(channel, true);
    }
    let isActive = true;
    return {
      get position() {
        return view.position;
      },
      get latest() {
        return view.latest;
      },
      unsubscribe: () => {
        if (!isActive) return;
        isActive = false;
        if (this.#subscriptions.remove(channel, handlers)) this.#send({ type: 'unsubscribe', channel });
      },
    };
  }

  publish(channel: string, data: unknown): Promise<StreamPosition> {
    return this.#request(`publishing to '${channel}'`, (id) => ({ type: 'publish', id, channel, data }), readAnswer.publish);
  }

  presence(channel: string): Promise<ClientInfo[]> {
    return this.#request(`presence of '${channel}'`, (id) => ({ type: 'presence', id, channel }), readAnswer.presence);
  }

  presenceStats(channel: string): Promise<PresenceStats> {
    return this.#request(`presence stats of '${channel}'`, (id) => ({ type: 'presence_stats', id, channel }), readAnswer.presenceStats);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#shutDown(1000, 'client closed');
  }

  #request<T>(what: string, build: (id: number) => ClientFrame, read: (frame: ServerFrame) => T | undefined): Promise<T> {
    if (this.#state === 'closed') return Promise.reject(new RequestError(ClientErrorCodes.closed, `The Pulse client is closed; ${what} was not sent.`));
    if (this.#socket?.readyState !== WEBSOCKET_OPEN) {
      return Promise.reject(new RequestError(ClientErrorCodes.notOpen, `Not connected to the Pulse server; ${what} was not sent. Try again once the client is open.`));
    }
    const id = this.#nextRequestId++;
    const answer = this.#requests.start(id, what, read);
    this.#send(build(id));
    return answer;
  }

  #connect(): void {
    const getToken = this.#getToken;
    if (!getToken) {
      this.#open(this.#url);
      return;
    }
    // new Promise catches a getToken that throws instead of rejecting.
    new Promise<string>((resolve) => resolve(getToken())).then(
      (token) => {
        if (this.#state !== 'closed') this.#open(withToken(this.#url, token));
      },
      (err: unknown) => {
        if (this.#state === 'closed') return;
        this.#logger.warn({ err }, 'could not get a Pulse connection token; will retry');
        this.#onSocketGone({ reason: `no connection token: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  }

  #open(url: string): void {
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(url, this.#wire.subprotocol);
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
    this.#send({ type: 'hello', version: PROTOCOL_VERSIONS[0], client: 'pulse-client' });
    for (const channel of this.#subscriptions.channels()) this.#sendSubscribe(channel);
    this.#unansweredPings = 0;
    this.#schedulePing();
  }

  #onMessage(data: unknown): void {
    // Any frame proves the link is alive, not only a pong: a busy channel needs no extra ping.
    this.#unansweredPings = 0;
    let frame: ServerFrame;
    try {
      frame = this.#wire.decode(data);
    } catch (err) {
      this.#logger.warn({ err }, 'unreadable frame from the Pulse server');
      return;
    }
    if (frame.type === 'welcome') return this.#onWelcome(frame);
    if (frame.type === 'pong') return;
    if (this.#requests.settle(frame) || this.#subscriptions.route(frame)) return;
    if (frame.type === 'error') {
      this.#logger.warn({ code: frame.code, message: frame.message, channel: frame.channel }, 'pulse server reported an error');
    }
  }

  #onWelcome(frame: WelcomeFrame): void {
    if (!SPOKEN_VERSIONS.includes(frame.version)) {
      // A server that picked a version we never offered would be read wrongly from here on.
      const reason = `server chose protocol version ${frame.version}; this client speaks ${SPOKEN_VERSIONS.join(', ')}`;
      this.#logger.warn({ version: frame.version, serverVersions: frame.versions }, reason);
      this.#shutDown(CloseCodes.unsupportedVersion, reason);
      return;
    }
    this.#attempt = 0;
    this.#connection = { id: frame.connectionId, version: frame.version, serverVersions: frame.versions };
  }

  #onSocketGone(info: StateInfo): void {
    this.#socket = undefined;
    this.#connection = undefined;
    this.#stopPinging();
    this.#subscriptions.onSocketGone();
    this.#requests.failAll(ClientErrorCodes.connectionLost, 'The connection to the Pulse server closed before it answered; the request may or may not have taken effect.');
    if (this.#state === 'closed') return;
    if (info.code !== undefined && !isReconnectCode(info.code)) {
      this.#setState('closed', info);
      return;
    }
    this.#attempt += 1;
    const delay = reconnectDelay(this.#attempt, this.#backoff, this.#random);
    this.#setState('reconnecting', { ...info, attempt: this.#attempt });
    this.#reconnectTimer = this.#setTimeout(() => this.#connect(), delay);
  }

  #shutDown(code: number, reason: string): void {
    this.#clearTimeout(this.#reconnectTimer);
    this.#stopPinging();
    if (this.#socket) this.#abandon(this.#socket, code, reason);
    this.#connection = undefined;
    this.#subscriptions.onSocketGone();
    this.#requests.failAll(ClientErrorCodes.closed, 'The Pulse client was closed before the server answered.');
    this.#setState('closed', { code, reason });
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

  #sendSubscribe(channel: string, fresh = false): void {
    if (this.#socket?.readyState !== WEBSOCKET_OPEN) return;
    const frame = this.#subscriptions.subscribeFrame(channel, this.#nextRequestId++, fresh);
    if (frame) this.#send(frame);
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
