export { createHub, DEFAULT_LIMITS } from './hub.js';
export { createMemoryBroker, MemoryBroker } from './broker/broker-memory.js';
export { createRedisBroker, RedisBroker } from './broker/broker-redis.js';
export { createMemoryPresenceStore, MemoryPresenceStore } from './presence/presence-memory.js';
export { createRedisPresenceStore, RedisPresenceStore } from './presence/presence-redis.js';
export type {
  Broker, BrokerHandlers, DisconnectReason, HistoryOptions, HistoryQuery, HistoryResult, Hub, HubLimits, HubLogger,
  HubOptions, HubStats, Namespace, PresenceStore, Principal, Publication, PublishOutcome,
} from './types.js';
