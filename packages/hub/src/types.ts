import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClientInfo, StreamPosition } from '@pulse/protocol';

/** Who is on the other end of a connection. The hub reads `id`, `name` and `scopes`. */
export interface Principal {
  id: string;
  name: string;
  scopes: readonly string[];
}

/**
 * A namespace: the options shared by every channel whose name it matches. `pattern` is an exact
 * channel name ('resources') or a prefix ending in ':*' ('resource:*', 'ext:*').
 */
export interface Namespace {
  pattern: string;
  /** scope a principal needs to subscribe; undefined = any authenticated principal */
  subscribeScope?: string;
  /** scope a principal needs to publish from a client; undefined = clients may not publish here */
  publishScope?: string;
  /** keep who is subscribed (default false) */
  presence?: boolean;
  /** publish join/leave frames to subscribers (needs presence; default false) */
  joinLeave?: boolean;
  /** publications kept for recovery (default 0: positions are still counted, nothing is kept) */
  historySize?: number;
  /** how long a kept publication stays recoverable (default 5 min) */
  historyTtlMs?: number;
  /**
   * bound on the bytes of the publications kept for recovery (default none): the oldest are dropped
   * while the kept ones weigh more, the newest is always kept. Replaying more diffs than one snapshot
   * of the channel weighs is never cheaper than sending that snapshot, so a channel with a snapshot
   * gains nothing from keeping more.
   */
  historyMaxBytes?: number;
  /** a slow subscriber gets only the newest unsent publication of each channel (default false) */
  latestValue?: boolean;
  /**
   * Full state sent as a `snapshot` frame after the ack (and when recovery fails). Returning
   * undefined means "no such channel" (error channel.unknown). Throwing → channel.unavailable.
   */
  snapshot?: (channel: string) => unknown;
}

/** A publication as the broker numbers, keeps and delivers it. */
export interface Publication {
  channel: string;
  epoch: string;
  offset: number;
  data: unknown;
  /** ms since the epoch, when `publish` was called (for the latency histogram) */
  publishedAt: number;
}

export interface HistoryOptions {
  /** publications to keep; 0 keeps none */
  size: number;
  ttlMs: number;
  /**
   * bytes the kept publications may weigh; over it the oldest are dropped, but never the newest.
   * Each broker measures the encoded form it keeps (MemoryBroker: JSON, RedisBroker: MessagePack),
   * once, when publishing. Undefined: no byte bound, and nothing is measured.
   */
  maxBytes?: number;
}

export interface HistoryQuery {
  /** return the publications after this position (when the epoch still matches) */
  since?: StreamPosition;
  /** return the newest kept publication */
  latest?: boolean;
}

export interface HistoryResult {
  /** where the channel's stream is now */
  position: StreamPosition;
  /**
   * With `since`: the publications after it, ascending by offset. With `latest`: at most the
   * newest one. Otherwise empty.
   */
  publications: Publication[];
  /**
   * With `since`: true when the epoch matches and every publication after `since.offset` is in
   * `publications` (nothing was trimmed or expired). Always false without `since`.
   */
  recovered: boolean;
}

/** What a broker tells the hub; set once with `start`. */
export interface BrokerHandlers {
  onPublication(publication: Publication): void;
  onJoin(channel: string, info: ClientInfo): void;
  onLeave(channel: string, info: ClientInfo): void;
}

/**
 * Numbers, keeps and fans out publications across every hub process that shares it. A publication
 * always goes `broker.publish` → `handlers.onPublication` on every node with interest (this one
 * included), so one node and many run the same path.
 */
export interface Broker {
  start(handlers: BrokerHandlers): Promise<void>;
  /** Assigns the next offset, keeps it per `history`, delivers it; resolves with its position. */
  publish(channel: string, data: unknown, history: HistoryOptions): Promise<StreamPosition>;
  publishJoin(channel: string, info: ClientInfo): Promise<void>;
  publishLeave(channel: string, info: ClientInfo): Promise<void>;
  /** This node now has local subscribers; resolves once publications on the channel reach it. */
  addInterest(channel: string): Promise<void>;
  removeInterest(channel: string): Promise<void>;
  history(channel: string, query: HistoryQuery, history: HistoryOptions): Promise<HistoryResult>;
  close(): Promise<void>;
}

/** Who is subscribed where, shared by every hub process that shares it. */
export interface PresenceStore {
  add(channel: string, info: ClientInfo): Promise<void>;
  remove(channel: string, clientId: string): Promise<void>;
  list(channel: string): Promise<ClientInfo[]>;
  /** clients = subscriptions, users = distinct `user` ids */
  stats(channel: string): Promise<{ clients: number; users: number }>;
  close(): Promise<void>;
}

export interface HubLogger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface HubLimits {
  /** inbound frame bound, default 65536; bigger → error frame 'frame.too_large' then close 1009 */
  maxFrameBytes: number;
  /** per-connection unsent bytes, default 1 MiB; over it → close 4008 slow consumer */
  maxQueueBytes: number;
  /** open connections (WebSocket + SSE), default 10000 */
  maxConnections: number;
  /** open connections from one address, default 200 */
  maxConnectionsPerIp: number;
  /** new connections per second from one address (burst = 2×), default 20 */
  connectionsPerSecondPerIp: number;
  /** subscriptions one connection may hold, default 1000 */
  maxSubscriptionsPerConnection: number;
  /** `publish` frames per second per connection (burst = 2×), default 50 */
  publishesPerSecond: number;
  /** inbound frames of any type per second per connection (burst = 2×), default 200 */
  framesPerSecond: number;
}

export interface HubOptions {
  namespaces: Namespace[];
  /** default: an in-process MemoryBroker */
  broker?: Broker;
  /** default: an in-process MemoryPresenceStore */
  presence?: PresenceStore;
  limits?: Partial<HubLimits>;
  /** server WS ping, default 25000 */
  pingIntervalMs?: number;
  /** no pong this long after a ping → terminate; default 10000 */
  pongTimeoutMs?: number;
  /** default 15000 (SSE comment line) */
  sseKeepaliveMs?: number;
  /** the address a connection counts against for per-IP limits; default the socket's remote address */
  clientAddress?: (req: IncomingMessage) => string;
  /** seconds from `publish` to the bytes handed to a socket, once per written batch */
  observeLatency?: (seconds: number) => void;
  logger?: HubLogger;
  now?: () => number;
}

export interface HubStats {
  /** open WebSocket and SSE connections */
  connections: number;
  connectionsTotal: number;
  /** (connection, channel) pairs */
  subscriptions: number;
  /** channels with at least one local subscriber */
  channels: number;
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  errorsSent: number;
  /** error frames sent, by code */
  errors: Record<string, number>;
  /** publications replaced in a slow connection's queue by a newer one (latest-value channels) */
  dropped: number;
  /** unsent bytes held in per-connection queues right now */
  queuedBytes: number;
  /** closed connections by reason */
  disconnects: Record<string, number>;
  /** closed connections by WebSocket close code (SSE streams count under 0) */
  disconnectCodes: Record<string, number>;
}

export interface Hub {
  /** Publishes from the server side (no scope check). Resolves with the publication's position. */
  publish(channel: string, data: unknown): Promise<StreamPosition>;
  /**
   * Publishes on behalf of a principal (HTTP publish endpoint): checks the channel name, that the
   * namespace allows publishing and that the principal has its `publishScope`.
   */
  publishAs(principal: Principal, channel: string, data: unknown): Promise<PublishOutcome>;
  /** auth and Origin already checked by the caller */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal): void;
  /** the caller validated auth; `Last-Event-ID` on `req` resumes the channels it names */
  handleSse(req: IncomingMessage, res: ServerResponse, principal: Principal, channels: string[]): void;
  presence(channel: string): Promise<ClientInfo[]>;
  presenceStats(channel: string): Promise<{ clients: number; users: number }>;
  stats(): HubStats;
  /**
   * Ends every connection whose principal matches (WebSocket close 4501, SSE stream ended), for a
   * sign-out or a revoked token. Returns how many were ended.
   */
  disconnect(match: (principal: Principal) => boolean): number;
  /** closes every WS with 1001 going-away, ends SSE streams, closes the broker and presence store */
  close(): Promise<void>;
}

export type PublishOutcome =
  | { ok: true; position: StreamPosition }
  | { ok: false; code: string; message: string };

/** Why a connection ended; the keys of `HubStats.disconnects`. */
export type DisconnectReason =
  | 'client_closed' | 'going_away' | 'revoked' | 'timeout' | 'slow_consumer' | 'too_large' | 'rate_limited'
  | 'connection_limit' | 'unsupported_version' | 'error';
