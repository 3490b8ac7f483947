export { createClient } from './client.js';
export { reconnectDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
export type {
  ClientLogger, ClientOptions, CloseEventLike, ConnectionState, MessageEventLike, PulseClient, StateInfo, Subscription,
  SubscriptionHandlers, WebSocketLike, WebSocketLikeConstructor,
} from './types.js';
