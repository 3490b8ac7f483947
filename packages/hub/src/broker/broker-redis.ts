import { randomBytes } from 'node:crypto';
import type { ClientInfo, StreamPosition } from '@pulse/protocol';
import { Redis } from 'ioredis';
import { Packr, Unpackr } from 'msgpackr';
import type { Broker, BrokerHandlers, HistoryOptions, HistoryQuery, HistoryResult, HubLogger, Publication } from '../types.js';

export interface RedisBrokerOptions {
  url: string;
  /** prefix of every key and pub/sub channel; default 'pulse:hub:' */
  prefix?: string;
  /** how long an idle channel's epoch and offset live (refreshed by publish and history); default 1 h */
  metaTtlMs?: number;
  logger?: HubLogger;
  now?: () => number;
}

/*
 * Keys per channel (the {channel} hash tag keeps one channel's keys in one Cluster slot):
 *   <prefix>meta:{channel}    hash  e = epoch, o = last offset,             PEXPIRE metaTtlMs
 *                                   b = bytes of the kept entries (with a byte bound)
 *   <prefix>stream:{channel}  stream id 0-<offset>, d = msgpack data, t = publishedAt,   PEXPIRE ttlMs
 *                                   b = length of d (with a byte bound)
 *   <prefix>channel:<channel> pub/sub channel, messages are a msgpack sequence:
 *       'pub', epoch, offset, publishedAt, data   |   'join' | 'leave', ClientInfo
 *
 * A new epoch deletes the stream: once meta has expired, offsets restart at 1 and XADD refuses ids
 * lower than ones a surviving stream already holds. The byte total counts only while the stream
 * exists: a deleted or expired stream starts it again from 0.
 */
const READ_OR_CREATE_EPOCH = `
local epoch = redis.call('hget', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('hset', KEYS[1], 'e', epoch, 'o', 0)
  redis.call('del', KEYS[2])
end
redis.call('pexpire', KEYS[1], ARGV[2])
`;

const BYTES_OF_ENTRY = `
local function bytesOf(fields)
  for i = 1, #fields, 2 do
    if fields[i] == 'b' then return tonumber(fields[i + 1]) end
  end
  return 0
end
`;

// ARGV: newEpoch, metaTtlMs, pubsubChannel, data, publishedAt, size, ttlMs, maxBytes ('' = no bound)
// With a byte bound, the entries MAXLEN is about to drop are read first so the running total stays
// exact; then the oldest are XDELed, a few per XRANGE, while over the bound, never the newest.
const PUBLISH_LUA = `${READ_OR_CREATE_EPOCH}${BYTES_OF_ENTRY}
local offset = redis.call('hincrby', KEYS[1], 'o', 1)
local size = tonumber(ARGV[6])
local maxBytes = tonumber(ARGV[8])
if size > 0 and maxBytes then
  local kept = redis.call('xlen', KEYS[2])
  local total = 0
  if kept > 0 then total = tonumber(redis.call('hget', KEYS[1], 'b')) or 0 end
  if kept + 1 > size then
    for _, entry in ipairs(redis.call('xrange', KEYS[2], '-', '+', 'count', kept + 1 - size)) do
      total = total - bytesOf(entry[2])
    end
  end
  local bytes = string.len(ARGV[4])
  redis.call('xadd', KEYS[2], 'maxlen', size, '0-' .. offset, 'd', ARGV[4], 't', ARGV[5], 'b', bytes)
  total = total + bytes
  kept = math.min(kept + 1, size)
  while total > maxBytes and kept > 1 do
    local ids = {}
    for _, entry in ipairs(redis.call('xrange', KEYS[2], '-', '+', 'count', math.min(kept - 1, 16))) do
      if total <= maxBytes then break end
      total = total - bytesOf(entry[2])
      table.insert(ids, entry[1])
    end
    redis.call('xdel', KEYS[2], unpack(ids))
    kept = kept - #ids
  end
  redis.call('hset', KEYS[1], 'b', total)
  redis.call('pexpire', KEYS[2], ARGV[7])
elseif size > 0 then
  redis.call('xadd', KEYS[2], 'maxlen', ARGV[6], '0-' .. offset, 'd', ARGV[4], 't', ARGV[5])
  redis.call('pexpire', KEYS[2], ARGV[7])
else
  redis.call('del', KEYS[2])
end
redis.call('publish', ARGV[3], cmsgpack.pack('pub', epoch, offset, tonumber(ARGV[5])) .. ARGV[4])
return {epoch, offset}
`;

// ARGV: newEpoch, metaTtlMs, mode ('since' | 'latest' | 'none'), sinceEpoch, firstOffset, cutoff, size,
// maxBytes ('' = no bound). Returns epoch, offset, then offset, publishedAt, data for each entry newer
// than cutoff, within the newest size and within maxBytes counted from the newest (a namespace may
// have shrunk its bounds since the stream was trimmed). The entries read are always the newest ones,
// so their bytes alone say which of them the bound keeps.
const HISTORY_LUA = `${READ_OR_CREATE_EPOCH}
local offset = tonumber(redis.call('hget', KEYS[1], 'o'))
local entries = {}
if ARGV[3] == 'since' and ARGV[4] == epoch then
  entries = redis.call('xrange', KEYS[2], '0-' .. ARGV[5], '+')
elseif ARGV[3] == 'latest' then
  entries = redis.call('xrevrange', KEYS[2], '+', '-', 'count', 1)
end
local rows = {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local row = { offset = tonumber(string.sub(entry[1], 3)), bytes = 0 }
  for i = 1, #fields, 2 do
    local name, value = fields[i], fields[i + 1]
    if name == 'd' then row.data = value elseif name == 't' then row.publishedAt = value elseif name == 'b' then row.bytes = tonumber(value) end
  end
  table.insert(rows, row)
end
local cutoff = tonumber(ARGV[6])
local oldest = offset - tonumber(ARGV[7]) + 1
local maxBytes = tonumber(ARGV[8])
if maxBytes then
  local total = 0
  for i = #rows, 1, -1 do
    total = total + rows[i].bytes
    if total > maxBytes and i < #rows then
      oldest = math.max(oldest, rows[i].offset + 1)
      break
    end
  end
end
local out = {epoch, offset}
for _, row in ipairs(rows) do
  if tonumber(row.publishedAt) > cutoff and row.offset >= oldest then
    table.insert(out, row.offset)
    table.insert(out, row.publishedAt)
    table.insert(out, row.data)
  end
end
return out
`;

interface ScriptCommands {
  pulseBrokerPublish(meta: string, stream: string, ...args: (string | number | Buffer)[]): Promise<[string, number]>;
  pulseBrokerHistoryBuffer(meta: string, stream: string, ...args: (string | number)[]): Promise<(Buffer | number)[]>;
}

interface Interest {
  count: number;
  /** settles when Redis confirmed SUBSCRIBE; concurrent addInterest calls share it */
  readonly subscribed: Promise<unknown>;
}

const DEFAULT_META_TTL_MS = 3_600_000;
const silentLogger: HubLogger = { debug() {}, info() {}, warn() {} };
// useRecords: false keeps payloads plain MessagePack; cmsgpack writes publishedAt as a 64-bit int
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, moreTypes: false, int64AsType: 'number' });

/**
 * A broker shared by every hub process that points at the same Redis (and prefix). Publishing runs
 * one Lua script that numbers, keeps and PUBLISHes atomically, so all processes agree on offsets;
 * a process receives a channel's publications while it holds interest in it.
 */
export class RedisBroker implements Broker {
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #scripts: ScriptCommands;
  readonly #prefix: string;
  readonly #pubsubPrefix: string;
  readonly #metaTtlMs: number;
  readonly #logger: HubLogger;
  readonly #now: () => number;
  readonly #interest = new Map<string, Interest>();
  /** SUBSCRIBE / UNSUBSCRIBE calls waiting for the subscriber connection to be ready, in call order */
  #waitingForReady: ((err: unknown) => void)[] | undefined;
  #handlers: BrokerHandlers | undefined;

  constructor(options: RedisBrokerOptions) {
    this.#prefix = options.prefix ?? 'pulse:hub:';
    this.#pubsubPrefix = `${this.#prefix}channel:`;
    this.#metaTtlMs = options.metaTtlMs ?? DEFAULT_META_TTL_MS;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    // autoResubscribe (the default) re-subscribes after a reconnect; messages sent while the
    // connection was down are lost, which subscribers see as an offset gap.
    this.#redis = new Redis(options.url, { autoResubscribe: true });
    this.#redis.defineCommand('pulseBrokerPublish', { numberOfKeys: 2, lua: PUBLISH_LUA });
    this.#redis.defineCommand('pulseBrokerHistory', { numberOfKeys: 2, lua: HISTORY_LUA });
    this.#scripts = this.#redis as unknown as ScriptCommands;
    // Named so an operator (or a test) can tell the fan-out connection apart in CLIENT LIST.
    this.#subscriber = this.#redis.duplicate({ connectionName: `${this.#prefix}subscriber` });
    for (const [role, connection] of [['commands', this.#redis], ['subscriber', this.#subscriber]] as const) {
      connection.on('error', (err: Error) => this.#logger.warn({ err: err.message, role }, 'redis broker connection error'));
      connection.on('reconnecting', () => this.#logger.debug({ role }, 'redis broker reconnecting'));
    }
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onMessage(channel, message));
  }

  async start(handlers: BrokerHandlers): Promise<void> {
    this.#handlers = handlers;
    await this.#command('start', '', () => this.#redis.ping());
  }

  async publish(channel: string, data: unknown, history: HistoryOptions): Promise<StreamPosition> {
    const [epoch, offset] = await this.#command('publish', channel, () =>
      this.#scripts.pulseBrokerPublish(
        this.#metaKey(channel), this.#streamKey(channel),
        newEpoch(), this.#metaTtlMs, this.#pubsubPrefix + channel,
        packr.pack(data), this.#now(), history.size, history.ttlMs, history.maxBytes ?? '',
      ));
    return { epoch, offset };
  }

  async publishJoin(channel: string, info: ClientInfo): Promise<void> {
    await this.#publishPresence('join', channel, info);
  }

  async publishLeave(channel: string, info: ClientInfo): Promise<void> {
    await this.#publishPresence('leave', channel, info);
  }

  async addInterest(channel: string): Promise<void> {
    let interest = this.#interest.get(channel);
    if (interest) {
      interest.count += 1;
    } else {
      interest = { count: 1, subscribed: this.#whenSubscriberReady(() => this.#subscriber.subscribe(this.#pubsubPrefix + channel)) };
      this.#interest.set(channel, interest);
    }
    try {
      await interest.subscribed;
    } catch (err) {
      // forget it so the next addInterest tries again instead of sharing this failure
      if (this.#interest.get(channel) === interest) this.#interest.delete(channel);
      throw this.#failure('subscribe', channel, err);
    }
  }

  async removeInterest(channel: string): Promise<void> {
    const interest = this.#interest.get(channel);
    if (!interest) return;
    interest.count -= 1;
    if (interest.count > 0) return;
    // deleted before UNSUBSCRIBE is confirmed so messages still in flight are dropped
    this.#interest.delete(channel);
    await this.#command('unsubscribe', channel, () => this.#whenSubscriberReady(() => this.#subscriber.unsubscribe(this.#pubsubPrefix + channel)));
  }

  async history(channel: string, query: HistoryQuery, history: HistoryOptions): Promise<HistoryResult> {
    const { since } = query;
    const mode = since ? 'since' : query.latest ? 'latest' : 'none';
    const reply = await this.#command('history', channel, () =>
      this.#scripts.pulseBrokerHistoryBuffer(
        this.#metaKey(channel), this.#streamKey(channel),
        newEpoch(), this.#metaTtlMs, mode, since?.epoch ?? '', (since?.offset ?? 0) + 1, this.#now() - history.ttlMs, history.size,
        history.maxBytes ?? '',
      ));
    const epoch = String(reply[0]);
    const offset = Number(reply[1]);
    const publications: Publication[] = [];
    for (let i = 2; i + 2 < reply.length; i += 3) {
      publications.push({
        channel, epoch,
        offset: Number(reply[i]),
        publishedAt: Number(String(reply[i + 1])),
        data: unpackr.unpack(reply[i + 2] as Buffer),
      });
    }
    const position = { epoch, offset };
    if (!since) return { position, publications, recovered: false };
    return { position, publications, recovered: isRecovered(since, position, publications) };
  }

  async close(): Promise<void> {
    this.#interest.clear();
    this.#handlers = undefined;
    await Promise.all([this.#quit(this.#subscriber), this.#quit(this.#redis)]);
  }

  /** QUIT waits for replies still owed; on a connection that is already down it fails, so drop it. */
  async #quit(connection: Redis): Promise<void> {
    if (connection.status === 'end') return;
    try {
      await connection.quit();
    } catch (err) {
      this.#logger.debug({ err }, 'redis broker quit failed; disconnecting');
      connection.disconnect();
    }
  }

  /**
   * Sends a (un)subscription once the subscriber connection is ready, keeping call order. ioredis
   * would write SUBSCRIBE during the connection's handshake (Redis accepts it while loading); the
   * handshake's INFO ready check then failed in subscriber mode, ioredis reconnected and, as the
   * connection had never been 'ready', did not re-subscribe: the channel went silent for good.
   * The PING waits in ioredis's offline queue until 'ready', or fails as a command would.
   */
  #whenSubscriberReady<T>(send: () => Promise<T>): Promise<T> {
    if (!this.#waitingForReady && this.#subscriber.status === 'ready') return send();
    return new Promise<T>((resolve, reject) => {
      if (!this.#waitingForReady) {
        const waiting: ((err: unknown) => void)[] = [];
        this.#waitingForReady = waiting;
        void this.#subscriber.ping().then(() => undefined, (err: unknown) => err ?? new Error('PING failed')).then((err) => {
          // all at once, so a call made meanwhile cannot overtake the ones already waiting
          this.#waitingForReady = undefined;
          for (const go of waiting) go(err);
        });
      }
      this.#waitingForReady.push((err) => {
        if (err) reject(err);
        else send().then(resolve, reject);
      });
    });
  }

  #metaKey(channel: string): string {
    return `${this.#prefix}meta:{${channel}}`;
  }

  #streamKey(channel: string): string {
    return `${this.#prefix}stream:{${channel}}`;
  }

  async #publishPresence(kind: 'join' | 'leave', channel: string, info: ClientInfo): Promise<void> {
    const message = Buffer.concat([packr.pack(kind), packr.pack(info)]);
    await this.#command(kind, channel, () => this.#redis.publish(this.#pubsubPrefix + channel, message));
  }

  /** Runs in the order Redis sends messages; a bad message or a throwing handler is logged and skipped. */
  #onMessage(pubsubChannel: Buffer, message: Buffer): void {
    const channel = pubsubChannel.toString('utf8').slice(this.#pubsubPrefix.length);
    const handlers = this.#handlers;
    if (!handlers || !this.#interest.has(channel)) return;
    try {
      const [kind, ...rest] = unpackr.unpackMultiple(message) as unknown[];
      if (kind === 'pub') {
        const [epoch, offset, publishedAt, data] = rest as [string, number, number, unknown];
        handlers.onPublication({ channel, epoch, offset, publishedAt, data });
      } else if (kind === 'join') {
        handlers.onJoin(channel, rest[0] as ClientInfo);
      } else if (kind === 'leave') {
        handlers.onLeave(channel, rest[0] as ClientInfo);
      } else {
        this.#logger.warn({ channel, kind }, 'redis broker message of unknown kind dropped');
      }
    } catch (err) {
      this.#logger.warn({ err, channel }, 'redis broker message could not be delivered');
    }
  }

  async #command<T>(operation: string, channel: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.#failure(operation, channel, err);
    }
  }

  #failure(operation: string, channel: string, err: unknown): Error {
    const reason = err instanceof Error ? err.message : String(err);
    this.#logger.warn({ operation, channel, err: reason }, 'redis broker command failed');
    const target = channel ? ` on '${channel}'` : '';
    return Object.assign(new Error(`Redis broker ${operation}${target} failed: ${reason}`, { cause: err }), { code: 'broker.unavailable' });
  }
}

export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  return new RedisBroker(options);
}

function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}

/** Everything after `since` is present: nothing trimmed, expired or lost to a new epoch. */
function isRecovered(since: StreamPosition, position: StreamPosition, publications: Publication[]): boolean {
  if (since.epoch !== position.epoch || since.offset > position.offset) return false;
  if (since.offset === position.offset) return true;
  return publications.every((p, i) => p.offset === since.offset + 1 + i) && publications.at(-1)?.offset === position.offset;
}

