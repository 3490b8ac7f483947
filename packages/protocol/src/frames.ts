import { z } from 'zod';

/** Protocol versions this build speaks; hello names one, welcome confirms it. */
export const PROTOCOL_VERSIONS = [1] as const;
export const SUBPROTOCOL_JSON = 'pulse.v1.json';
export const SUBPROTOCOL_MSGPACK = 'pulse.v1.msgpack';
export const SUBPROTOCOLS = [SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK] as const;

const channel = z.string().min(1).max(255);
const requestId = z.number().int().nonnegative().optional();

// Client -> server
export const HelloFrame = z.object({ type: z.literal('hello'), id: requestId, version: z.number().int(), client: z.string().max(100).optional() });
export const SubscribeFrame = z.object({
  type: z.literal('subscribe'),
  id: requestId,
  channel,
  since: z.object({ epoch: z.string(), offset: z.number().int().nonnegative() }).optional(),
});
export const UnsubscribeFrame = z.object({ type: z.literal('unsubscribe'), id: requestId, channel });
export const PingFrame = z.object({ type: z.literal('ping'), id: requestId });
export const ClientFrame = z.discriminatedUnion('type', [HelloFrame, SubscribeFrame, UnsubscribeFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export const clientFrameTypes = ['hello', 'subscribe', 'unsubscribe', 'ping'] as const;

// Server -> client
export const WelcomeFrame = z.object({
  type: z.literal('welcome'), id: requestId, version: z.number().int(), connectionId: z.string(), pingIntervalMs: z.number(),
});
export const AckFrame = z.object({ type: z.literal('ack'), id: requestId, channel: channel.optional() });
export const SnapshotFrame = z.object({
  type: z.literal('snapshot'), channel, data: z.unknown(), epoch: z.string(), offset: z.number().int(),
});
export const PublicationFrame = z.object({
  type: z.literal('pub'), channel, data: z.unknown(), epoch: z.string(), offset: z.number().int(),
});
export const PongFrame = z.object({ type: z.literal('pong'), id: requestId });
export const ErrorFrame = z.object({ type: z.literal('error'), id: requestId, code: z.string(), message: z.string() });
export const ServerFrame = z.discriminatedUnion('type', [WelcomeFrame, AckFrame, SnapshotFrame, PublicationFrame, PongFrame, ErrorFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type SnapshotFrame = z.infer<typeof SnapshotFrame>;
export type PublicationFrame = z.infer<typeof PublicationFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

/** Error frame codes. A client may branch on them; the message is for people. */
export const ErrorCodes = {
  badFrame: 'frame.malformed',
  unknownType: 'frame.unknown_type',
  tooLarge: 'frame.too_large',
  badVersion: 'protocol.unsupported_version',
  unknownChannel: 'channel.unknown',
  forbidden: 'channel.forbidden',
  notSubscribed: 'channel.not_subscribed',
  /** The channel exists but its snapshot could not be produced right now; retrying may work. */
  unavailable: 'channel.unavailable',
} as const;

/** WebSocket close codes used by Pulse (4000-4999 is the application range). */
export const CloseCodes = {
  goingAway: 1001,
  tooLarge: 1009,
  protocolError: 1002,
  unauthorized: 4001,
  slowConsumer: 4008,
} as const;
