import { z } from 'zod';

/** Protocol versions this build speaks; hello names one, welcome confirms it. */
export const PROTOCOL_VERSIONS = [1] as const;
export const SUBPROTOCOL_JSON = 'pulse.v1.json';
export const SUBPROTOCOL_MSGPACK = 'pulse.v1.msgpack';
export const SUBPROTOCOLS = [SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK] as const;

/**
 * Channel names: 1-255 characters from a small safe set, so a name can sit in a URL query, an SSE
 * `id:` line or a Redis key without escaping. `ns:rest` puts a channel in namespace `ns`.
 */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_.:@=\/-]{1,255}$/;
export const ChannelName = z.string().regex(CHANNEL_NAME_PATTERN, 'a channel name is 1-255 characters from A-Z a-z 0-9 _ . : @ = / -');

const channel = ChannelName;
const requestId = z.number().int().nonnegative().optional();

/** A position in a channel's stream: the epoch names the run of offsets, the offset counts publications. */
export const StreamPosition = z.object({ epoch: z.string().min(1).max(64), offset: z.number().int().nonnegative() });
export type StreamPosition = z.infer<typeof StreamPosition>;

/** One subscriber as presence reports it. */
export const ClientInfo = z.object({
  /** the connection id from `welcome` */
  client: z.string(),
  /** the principal (user or token) id */
  user: z.string(),
  /** the principal's display name */
  name: z.string(),
  transport: z.enum(['websocket', 'sse']),
  /** what the client said it is in `hello.client` */
  agent: z.string().optional(),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

// Client -> server
export const HelloFrame = z.object({ type: z.literal('hello'), id: requestId, version: z.number().int(), client: z.string().max(100).optional() });
export const SubscribeFrame = z.object({
  type: z.literal('subscribe'),
  id: requestId,
  channel,
  /** resume after this position: the missed publications follow the ack, or `recovered: false` and a snapshot */
  since: StreamPosition.optional(),
  /** send the channel's latest publication (if history holds one) right after the ack */
  latest: z.boolean().optional(),
});
export const UnsubscribeFrame = z.object({ type: z.literal('unsubscribe'), id: requestId, channel });
const publicationData = z.custom<unknown>((value) => value !== undefined, 'data is required');
export const PublishFrame = z.object({ type: z.literal('publish'), id: requestId, channel, data: publicationData });
export const PresenceRequestFrame = z.object({ type: z.literal('presence'), id: requestId, channel });
export const PresenceStatsRequestFrame = z.object({ type: z.literal('presence_stats'), id: requestId, channel });
export const PingFrame = z.object({ type: z.literal('ping'), id: requestId });
export const ClientFrame = z.discriminatedUnion('type', [
  HelloFrame, SubscribeFrame, UnsubscribeFrame, PublishFrame, PresenceRequestFrame, PresenceStatsRequestFrame, PingFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export const clientFrameTypes = ['hello', 'subscribe', 'unsubscribe', 'publish', 'presence', 'presence_stats', 'ping'] as const;

// Server -> client
export const WelcomeFrame = z.object({
  type: z.literal('welcome'), id: requestId, version: z.number().int(), versions: z.array(z.number().int()),
  connectionId: z.string(), pingIntervalMs: z.number(),
});
/**
 * Answers subscribe, unsubscribe and publish. After subscribe it carries the channel's position
 * (publications after it follow) and, when `since` was sent, whether the gap was recovered.
 */
export const AckFrame = z.object({
  type: z.literal('ack'), id: requestId, channel: channel.optional(),
  epoch: z.string().optional(), offset: z.number().int().optional(), recovered: z.boolean().optional(),
});
export const SnapshotFrame = z.object({
  type: z.literal('snapshot'), channel, data: z.unknown(), epoch: z.string(), offset: z.number().int(),
});
export const PublicationFrame = z.object({
  type: z.literal('pub'), channel, data: z.unknown(), epoch: z.string(), offset: z.number().int(),
});
export const JoinFrame = z.object({ type: z.literal('join'), channel, info: ClientInfo });
export const LeaveFrame = z.object({ type: z.literal('leave'), channel, info: ClientInfo });
export const PresenceFrame = z.object({ type: z.literal('presence'), id: requestId, channel, clients: z.array(ClientInfo) });
export const PresenceStatsFrame = z.object({
  type: z.literal('presence_stats'), id: requestId, channel, clients: z.number().int(), users: z.number().int(),
});
export const PongFrame = z.object({ type: z.literal('pong'), id: requestId });
export const ErrorFrame = z.object({
  type: z.literal('error'), id: requestId, code: z.string(), message: z.string(),
  /** the channel the failed request named (it may not be a valid name: that can be the error) */
  channel: z.string().optional(),
});
export const ServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame, AckFrame, SnapshotFrame, PublicationFrame, JoinFrame, LeaveFrame, PresenceFrame, PresenceStatsFrame, PongFrame, ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type SnapshotFrame = z.infer<typeof SnapshotFrame>;
export type PublicationFrame = z.infer<typeof PublicationFrame>;
export type JoinFrame = z.infer<typeof JoinFrame>;
export type LeaveFrame = z.infer<typeof LeaveFrame>;
export type PresenceFrame = z.infer<typeof PresenceFrame>;
export type PresenceStatsFrame = z.infer<typeof PresenceStatsFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

/** Body of the HTTP publish endpoint (same rules as the `publish` frame). */
export const HttpPublishRequest = z.object({ channel, data: publicationData });
export type HttpPublishRequest = z.infer<typeof HttpPublishRequest>;
export const HttpPublishResponse = z.object({ channel, epoch: z.string(), offset: z.number().int() });
export type HttpPublishResponse = z.infer<typeof HttpPublishResponse>;

/** A short-lived signed connection token (POST /api/realtime/token). */
export const ConnectionTokenResponse = z.object({ token: z.string(), expiresAt: z.number().int() });
export type ConnectionTokenResponse = z.infer<typeof ConnectionTokenResponse>;

/** Error frame codes. A client may branch on them; the message is for people. */
export const ErrorCodes = {
  badFrame: 'frame.malformed',
  unknownType: 'frame.unknown_type',
  tooLarge: 'frame.too_large',
  badVersion: 'protocol.unsupported_version',
  invalidChannel: 'channel.invalid',
  unknownChannel: 'channel.unknown',
  forbidden: 'channel.forbidden',
  notSubscribed: 'channel.not_subscribed',
  alreadySubscribed: 'channel.already_subscribed',
  /** presence is not enabled for the channel's namespace */
  presenceDisabled: 'channel.presence_disabled',
  /** The channel exists but its snapshot or history could not be read right now; retrying may work. */
  unavailable: 'channel.unavailable',
  tooManyConnections: 'limit.connections',
  tooManySubscriptions: 'limit.subscriptions',
  rateLimited: 'limit.rate',
} as const;

/**
 * WebSocket close codes. Reconnect-worthy vs terminal is decided by `isReconnectCode`: in the
 * application range, 4000-4499 mean "reconnect (with backoff)", 4500-4999 mean "do not".
 */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  tooLarge: 1009,
  internalError: 1011,
  /** connection limit or connection rate reached: reconnect later */
  tryAgainLater: 1013,
  slowConsumer: 4008,
  rateLimited: 4029,
  /** signed out, token revoked or expired: get new credentials before connecting again */
  unauthorized: 4501,
  /** no protocol version in common */
  unsupportedVersion: 4502,
} as const;

/** Standard codes a client may reconnect after; the other standard codes are treated as terminal. */
const RECONNECT_STANDARD_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/** True when a client should reconnect (with backoff) after a close with this code. */
export function isReconnectCode(code: number): boolean {
  if (code >= 4000 && code <= 4499) return true;
  if (code >= 4500 && code <= 4999) return false;
  if (code >= 3000 && code <= 3999) return true;
  return RECONNECT_STANDARD_CODES.has(code);
}
