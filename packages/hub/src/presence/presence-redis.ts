import type { ClientInfo } from '@pulse/protocol';
import { Redis } from 'ioredis';
import type { HubLogger, PresenceStore } from '../types.js';

export interface RedisPresenceStoreOptions {
  url: string;
  /** prefix of every key; default 'pulse:hub:' */
  prefix?: string;
  /** how long an entry outlives the last refresh by the process that added it; default 60 s */
  ttlMs?: number;
  logger?: HubLogger;
  now?: () => number;
}

/*
 * Keys per channel (the {channel} hash tag keeps both in one Cluster slot):
 *   <prefix>presence:{channel}         hash  clientId → ClientInfo JSON
 *   <prefix>presence-expiry:{channel}  zset  clientId → expiry (ms since the epoch)
 * Both keys also carry a PEXPIRE of ttlMs, so a channel whose every owner crashed disappears whole.
 */

// KEYS: hash, zset; ARGV: clientId, json, expiresAt, ttlMs
// The keys' expiry is only ever pushed later: a process with a shorter ttlMs must not shorten it, or
// its crash would take the other processes' entries with it until they next refresh.
const ADD_LUA = `
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
redis.call('zadd', KEYS[2], ARGV[3], ARGV[1])
local ttl = tonumber(ARGV[4])
for _, key in ipairs(KEYS) do
  if redis.call('pttl', key) < ttl then redis.call('pexpire', key, ttl) end
end
`;

// KEYS: hash, zset; ARGV: now. Removes the expired entries first, then returns the JSON of the rest.
// HDEL goes in slices because unpack() of a huge table overflows the Lua stack.
const LIST_LUA = `
local expired = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[1])
if #expired > 0 then
  redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[1])
  for i = 1, #expired, 1000 do
    redis.call('hdel', KEYS[1], unpack(expired, i, math.min(i + 999, #expired)))
  end
end
return redis.call('hvals', KEYS[1])
`;

interface ScriptCommands {
  pulsePresenceAdd(hash: string, zset: string, clientId: string, json: string, expiresAt: number, ttlMs: number): Promise<unknown>;
  pulsePresenceList(hash: string, zset: string, now: number): Promise<string[]>;
}

const DEFAULT_TTL_MS = 60_000;
const silentLogger: HubLogger = { debug() {}, info() {}, warn() {} };

/**
 * Presence shared by every hub process that points at the same Redis (and prefix): each sees the
 * union. An entry lives ttlMs past its last refresh; this process refreshes its own entries every
 * ttlMs/3, so those of a crashed process disappear within ttlMs. `close()` stops refreshing but
 * removes nothing: the hub removes its clients as their connections close.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly #redis: Redis;
  readonly #scripts: ScriptCommands;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #logger: HubLogger;
  readonly #now: () => number;
  /** channel → clientId → JSON: the entries this process added and keeps alive */
  readonly #owned = new Map<string, Map<string, string>>();
  readonly #refreshTimer: NodeJS.Timeout;

  constructor(options: RedisPresenceStoreOptions) {
    this.#prefix = options.prefix ?? 'pulse:hub:';
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#redis = new Redis(options.url);
    this.#redis.defineCommand('pulsePresenceAdd', { numberOfKeys: 2, lua: ADD_LUA });
    this.#redis.defineCommand('pulsePresenceList', { numberOfKeys: 2, lua: LIST_LUA });
    this.#scripts = this.#redis as unknown as ScriptCommands;
    this.#redis.on('error', (err: Error) => this.#logger.warn({ err: err.message }, 'redis presence connection error'));
    // unref: the refresh must not keep a process alive that forgot to close the store
    this.#refreshTimer = setInterval(() => void this.#refresh(), Math.max(1, Math.floor(this.#ttlMs / 3))).unref();
  }

  async add(channel: string, info: ClientInfo): Promise<void> {
    const json = JSON.stringify(info);
    let owned = this.#owned.get(channel);
    if (!owned) {
      owned = new Map();
      this.#owned.set(channel, owned);
    }
    owned.set(info.client, json);
    await this.#command('add', channel, () => this.#addEntry(channel, info.client, json, this.#scripts));
  }

  async remove(channel: string, clientId: string): Promise<void> {
    const owned = this.#owned.get(channel);
    owned?.delete(clientId);
    if (owned?.size === 0) this.#owned.delete(channel);
    await this.#command('remove', channel, () =>
      this.#redis.multi().hdel(this.#hashKey(channel), clientId).zrem(this.#zsetKey(channel), clientId).exec());
  }

  async list(channel: string): Promise<ClientInfo[]> {
    const values = await this.#command('list', channel, () =>
      this.#scripts.pulsePresenceList(this.#hashKey(channel), this.#zsetKey(channel), this.#now()));
    const clients: ClientInfo[] = [];
    for (const json of values) {
      try {
        clients.push(JSON.parse(json) as ClientInfo);
      } catch (err) {
        this.#logger.warn({ err, channel }, 'redis presence entry is not JSON; skipped');
      }
    }
    return clients;
  }

  async stats(channel: string): Promise<{ clients: number; users: number }> {
    const clients = await this.list(channel);
    return { clients: clients.length, users: new Set(clients.map((c) => c.user)).size };
  }

  async close(): Promise<void> {
    clearInterval(this.#refreshTimer);
    this.#owned.clear();
    if (this.#redis.status === 'end') return;
    try {
      await this.#redis.quit();
    } catch (err) {
      // QUIT fails on a connection that is already down; nothing is left to flush, so drop it
      this.#logger.debug({ err }, 'redis presence quit failed; disconnecting');
      this.#redis.disconnect();
    }
  }

  /**
   * Re-adds (not just re-scores) every owned entry, so entries another process cleaned up while
   * this one was cut off from Redis come back once it reconnects.
   */
  async #refresh(): Promise<void> {
    if (this.#owned.size === 0) return;
    const pipeline = this.#redis.pipeline();
    const scripts = pipeline as unknown as ScriptCommands;
    let count = 0;
    for (const [channel, owned] of this.#owned) {
      for (const [clientId, json] of owned) {
        void this.#addEntry(channel, clientId, json, scripts);
        count += 1;
      }
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) this.#logger.warn({ err: failed[0]?.message, entries: count }, 'redis presence refresh partly failed');
    } catch (err) {
      this.#logger.warn({ err: err instanceof Error ? err.message : String(err), entries: count }, 'redis presence refresh failed');
    }
  }

  #addEntry(channel: string, clientId: string, json: string, scripts: ScriptCommands): Promise<unknown> {
    return scripts.pulsePresenceAdd(this.#hashKey(channel), this.#zsetKey(channel), clientId, json, this.#now() + this.#ttlMs, this.#ttlMs);
  }

  #hashKey(channel: string): string {
    return `${this.#prefix}presence:{${channel}}`;
  }

  #zsetKey(channel: string): string {
    return `${this.#prefix}presence-expiry:{${channel}}`;
  }

  async #command<T>(operation: string, channel: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.#logger.warn({ operation, channel, err: reason }, 'redis presence command failed');
      throw Object.assign(new Error(`Redis presence ${operation} on '${channel}' failed: ${reason}`, { cause: err }), { code: 'presence.unavailable' });
    }
  }
}

export function createRedisPresenceStore(options: RedisPresenceStoreOptions): RedisPresenceStore {
  return new RedisPresenceStore(options);
}
