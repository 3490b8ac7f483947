import type { CodecName, PublicationFrame, SnapshotFrame } from '@pulse/protocol';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateInfo {
  code?: number;
  reason?: string;
  /** reconnect attempts since the last successful welcome, counting the one being scheduled */
  attempt?: number;
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
  /** default 500 ms → 15 s, ±30% jitter, doubling per attempt */
  backoff?: { initialMs?: number; maxMs?: number; jitter?: number };
  /** application-level ping; default every 20 s, link declared dead after 2 unanswered */
  heartbeat?: { intervalMs?: number; maxMissed?: number };
  random?: () => number;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** frames the server sent that could not be read; default console */
  logger?: ClientLogger;
  onStateChange?: (state: ConnectionState, info?: StateInfo) => void;
}

export interface SubscriptionHandlers {
  /** the channel's full state; may arrive again at any time (reconnect, another subscriber) and replaces what you hold */
  onSnapshot?(data: unknown, frame: SnapshotFrame): void;
  onPublication?(data: unknown, frame: PublicationFrame): void;
  onError?(err: { code: string; message: string }): void;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface PulseClient {
  readonly state: ConnectionState;
  subscribe(channel: string, handlers: SubscriptionHandlers): Subscription;
  close(): void;
}
