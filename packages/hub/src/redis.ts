// Scale-out over Redis, apart from the package's main entry: importing `@pulse/hub` then does not load
// ioredis (~55 modules with its dependencies, kept for the life of the process) into every server.
export { createRedisBroker, RedisBroker, type RedisBrokerOptions } from './broker/broker-redis.js';
export { createRedisPresenceStore, RedisPresenceStore, type RedisPresenceStoreOptions } from './presence/presence-redis.js';
