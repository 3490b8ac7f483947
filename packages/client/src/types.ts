import type { ClientInfo, CodecName, PublicationFrame, SnapshotFrame, StreamPosition } from '@pulse/protocol';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateInfo {
  code?: number;
  reason?: string;
  /** reconnect attempts since the last successful welcome, counting the one being scheduled */
  attempt?: number;
}

/** What the server said in `welcome`; undefined until it arrives on the current socket. */
export interface ConnectionInfo {
  /** this connection's id, as presence reports it in `ClientInfo.client` */
  id: string;
  /** the protocol version both sides now speak */
  version: number;
  /** every version the server speaks */
  serverVersions: number[];
}

/** What a message event carries: string for text frames, ArrayBuffer (browser) or Buffer (ws) for binary. */
export interface MessageEventLike {
  data: unknown;
}

export interface CloseEventLike {
  code: number;
  reason: string;
}

/**
 * The part of the WebSocket API the client uses, met by the browser's WebSocket and by the `ws`
 * package. Handlers are declared as methods so either implementation's richer event types fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: { handle(event: unknown): void }['handle'] | null;
  onmessage: { handle(event: MessageEventLike): void }['handle'] | null;
  onclose: { handle(event: CloseEventLike): void }['handle'] | null;
  onerror: { handle(event: unknown): void }['handle'] | null;
}

export interface WebSocketLikeConstructor {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

export interface ClientLogger {
  warn(o: object, m?: string): void;
}

export interface ClientOptions {
  /** ws://host/api/ws */
  url: string;
  /** default json */
  codec?: CodecName;
  /** default globalThis.WebSocket (Node 20 has none: pass the `ws` package's WebSocket) */
  WebSocket?: WebSocketLikeConstructor;
  /**
   * Called before every connection attempt, reconnects included; the token goes in the URL as
   * `token=…`. A rejection counts as a failed attempt: logged, then retried with backoff.
   */
  getToken?: () => Promise<string>;
  /** default 500 ms → 15 s, ±30% jitter, doubling per attempt */
  backoff?: { initialMs?: number; maxMs?: number; jitter?: number };
  /** application-level ping; default every 20 s, link declared dead after 2 unanswered */
  heartbeat?: { intervalMs?: number; maxMissed?: number };
  /** how long publish, presence and presenceStats wait for their answer; default 10 s */
  requestTimeoutMs?: number;
  random?: () => number;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** unreadable frames, server errors no subscriber owns, token failures; default console */
  logger?: ClientLogger;
  onStateChange?: (state: ConnectionState, info?: StateInfo) => void;
}

export interface SubscriptionHandlers {
  /** the channel's full state; may arrive again at any time (reconnect, another subscriber) and replaces what you hold */
  onSnapshot?(data: unknown, frame: SnapshotFrame): void;
  /** each publication once, in offset order within an epoch, missed ones included after a recovered reconnect */
  onPublication?(data: unknown, frame: PublicationFrame): void;
  /**
   * After every resubscribe that followed a reconnect. `recovered: true`: the publications missed
   * while away follow. `false`: they are lost; a snapshot follows if the channel has one.
   */
  onRecover?(info: { recovered: boolean }): void;
  /** a subscriber joined the channel (presence-enabled namespaces only) */
  onJoin?(info: ClientInfo): void;
  onLeave?(info: ClientInfo): void;
  onError?(err: { code: string; message: string }): void;
}

export interface SubscribeOptions {
  /** ask the server for the channel's latest publication right after the first subscribe */
  latest?: boolean;
}

export interface Subscription {
  /** where the channel's stream was at the last ack, snapshot or publication; shared by every subscriber of the channel */
  readonly position: StreamPosition | undefined;
  /** the data of the last snapshot or publication received on the channel, for views that render synchronously */
  readonly latest: unknown;
  unsubscribe(): void;
}

export interface PresenceStats {
  /** subscriptions to the channel */
  clients: number;
  /** distinct users among them */
  users: number;
}

export interface PulseClient {
  readonly state: ConnectionState;
  readonly connection: ConnectionInfo | undefined;
  subscribe(channel: string, handlers: SubscriptionHandlers, options?: SubscribeOptions): Subscription;
  /** Resolves with the publication's position once the server acked it; rejects with a `RequestError`. */
  publish(channel: string, data: unknown): Promise<StreamPosition>;
  /** Who is subscribed to the channel now; rejects with a `RequestError`. */
  presence(channel: string): Promise<ClientInfo[]>;
  presenceStats(channel: string): Promise<PresenceStats>;
  close(): void;
}
