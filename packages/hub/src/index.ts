// The Redis broker and presence store are exported from '@pulse/hub/redis' (redis.ts).
export { createHub, DEFAULT_LIMITS } from './hub.js';
export { createMemoryBroker, MemoryBroker } from './broker/broker-memory.js';
export { createMemoryPresenceStore, MemoryPresenceStore } from './presence/presence-memory.js';
export type {
  Broker, BrokerHandlers, DisconnectReason, HistoryOptions, HistoryQuery, HistoryResult, Hub, HubLimits, HubLogger,
  HubOptions, HubStats, Namespace, PresenceStore, Principal, Publication, PublishOutcome,
} from './types.js';
