import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Who is on the other end of a connection. The hub reads only `scopes`; the rest is for logs. */
export interface Principal {
  id: string;
  name: string;
  scopes: readonly string[];
}

export interface ChannelRule {
  /** exact name ('resources') or prefix pattern ending in ':*' ('resource:*') */
  pattern: string;
  /** scope a principal needs to subscribe; undefined = any authenticated principal */
  scope?: string;
  /** data sent as the snapshot frame on subscribe; undefined return = channel does not exist → error channel.unknown */
  snapshot?: (channel: string) => unknown;
}

export interface HubLogger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface HubOptions {
  channels: ChannelRule[];
  /** default 65536; bigger inbound frame → error frame 'frame.too_large' then close 1009 */
  maxFrameBytes?: number;
  /** server WS ping, default 25000 */
  pingIntervalMs?: number;
  /** no pong this long after a ping → terminate; default 10000 */
  pongTimeoutMs?: number;
  /** default 15000 (SSE comment line) */
  sseKeepaliveMs?: number;
  /** per-connection bound on unsent bytes, default 1 MiB; over it → close 4008 slow consumer */
  maxQueueBytes?: number;
  logger?: HubLogger;
  now?: () => number;
}

export interface HubStats {
  /** open WebSocket and SSE connections */
  connections: number;
  connectionsTotal: number;
  /** (connection, channel) pairs */
  subscriptions: number;
  /** channels with at least one subscriber */
  channels: number;
  messagesSent: number;
  bytesSent: number;
  framesReceived: number;
  errorsSent: number;
  /** closed connections by reason: client_closed, going_away, timeout, slow_consumer, too_large, error */
  disconnects: Record<string, number>;
}

export interface Hub {
  /** no subscribers → cheap no-op except offset bump */
  publish(channel: string, data: unknown): void;
  /** auth and Origin already checked by the caller */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal): void;
  /** the caller validated auth */
  handleSse(req: IncomingMessage, res: ServerResponse, principal: Principal, channels: string[]): void;
  stats(): HubStats;
  /**
   * Ends every connection whose principal matches (WebSocket close 4001, SSE stream ended), for a
   * sign-out or a revoked token. Returns how many were ended.
   */
  disconnect(match: (principal: Principal) => boolean): number;
  /** closes every WS with 1001 going-away, ends SSE streams */
  close(): Promise<void>;
}

/** Why a connection ended; the keys of `HubStats.disconnects`. */
export type DisconnectReason = 'client_closed' | 'going_away' | 'revoked' | 'timeout' | 'slow_consumer' | 'too_large' | 'error';
