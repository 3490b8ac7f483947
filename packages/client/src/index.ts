export { createClient } from './client.js';
export { reconnectDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
export { ClientErrorCodes, RequestError } from './requests.js';
export type {
  ClientLogger, ClientOptions, CloseEventLike, ConnectionInfo, ConnectionState, MessageEventLike, PresenceStats, PulseClient, StateInfo,
  SubscribeOptions, Subscription, SubscriptionHandlers, WebSocketLike, WebSocketLikeConstructor,
} from './types.js';
