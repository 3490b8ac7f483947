import { APM_REDIS_KEYS, ApmBatch } from '@pulse/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApmRecord } from './apm-service.js';
import { type ApmItems, parseItem } from './ingest.js';

/** Where read items go: the APM service. */
export interface ApmSink {
  record(input: ApmRecord): boolean;
  rejected(app: string, count: number): void;
}

export interface RedisReaderOptions {
  /** the reader's own client: stop() closes it */
  redis: Redis;
  /** the SDKs' key prefix (APM_REDIS_KEYS `{p}`) */
  prefix: string;
  sink: ApmSink;
  logger: Logger;
  /** entries read per stream or set per poll; the rest waits for the next poll */
  pageSize?: number;
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;
interface Cursor { slowId: string; routesId: string; errorsScore: number; errorsAtScore: Set<string> }

const isAppName = (name: string) => ApmBatch.shape.app.safeParse(name).success;

function parseJson(text: string | null | undefined): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads what SDKs wrote with the Redis transport (APM_REDIS_KEYS) on each `poll()`: heartbeats
 * from the server keys, slow requests and route counts from their streams after the last id seen,
 * exceptions from the errors set after the last score seen. Everything an app owns is read with
 * commands of its own in one pipeline, so a key of the wrong type or unreadable content costs
 * only that key: it is skipped, counted against its app, and the other apps are read as usual.
 */
export function createApmRedisReader(options: RedisReaderOptions) {
  const { redis, prefix: p, sink, logger } = options;
  const pageSize = options.pageSize ?? 1000;
  const cursors = new Map<string, Cursor>();
  // A bad server key or a key of the wrong type is met again every poll: it counts once per content
  // (or error), not once per poll.
  const badKeys = new Map<string, string>();
  const warned = new Set<string>();
  const stats = { polls: 0, skipped: 0, failures: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const cursorOf = (app: string): Cursor => {
    let c = cursors.get(app);
    // From the start of the streams and the errors window: what SDKs wrote while Pulse was down counts.
    if (!c) cursors.set(app, (c = { slowId: '0-0', routesId: '0-0', errorsScore: 0, errorsAtScore: new Set() }));
    return c;
  };

  function skip(app: string | undefined, count: number, key: string, why: string): void {
    if (count <= 0) return;
    stats.skipped += count;
    if (app) sink.rejected(app, count);
    if (!warned.has(key)) {
      if (warned.size >= 1000) warned.clear(); // many bad keys: saying some twice beats growing for ever
      warned.add(key);
      logger.warn({ key, why }, 'skipped unreadable APM data in Redis (said once per key)');
    }
  }

  /** A key that cannot be read at all (wrong type): counted once while it stays so. */
  function unreadable(app: string, key: string, err: Error): void {
    if (badKeys.get(key) === err.message) return;
    badKeys.set(key, err.message);
    skip(app, 1, key, err.message);
  }

  /** Entries of one stream: items in `into`, garbage counted; returns the last id read. */
  function readStream(app: string, key: string, reply: StreamReply, kind: 'slow' | 'routes', items: ApmItems, lastId: string): string {
    let last = lastId;
    let bad = 0;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        last = id;
        const d = fields.indexOf('d');
        const result = parseItem(kind, d >= 0 && d % 2 === 0 ? parseJson(fields[d + 1]) : undefined);
        if ('item' in result) (items[kind] as unknown[]).push(result.item);
        else bad++;
      }
    }
    skip(app, bad, key, 'stream entries without a valid `d` field');
    return last;
  }

  async function readApps(apps: string[]): Promise<void> {
    const pipe = redis.pipeline();
    for (const app of apps) {
      const c = cursorOf(app);
      pipe.xread('COUNT', pageSize, 'STREAMS', APM_REDIS_KEYS.slow(p, app), c.slowId);
      pipe.xread('COUNT', pageSize, 'STREAMS', APM_REDIS_KEYS.routes(p, app), c.routesId);
      pipe.zrangebyscore(APM_REDIS_KEYS.errors(p, app), c.errorsScore, '+inf', 'WITHSCORES', 'LIMIT', 0, pageSize);
    }
    const replies = (await pipe.exec()) ?? [];
    apps.forEach((app, n) => {
      const c = cursorOf(app);
      const items: ApmItems = { heartbeats: [], slow: [], exceptions: [], routes: [] };
      const [slow, routes, errors] = [replies[3 * n], replies[3 * n + 1], replies[3 * n + 2]];
      const keys = [APM_REDIS_KEYS.slow(p, app), APM_REDIS_KEYS.routes(p, app), APM_REDIS_KEYS.errors(p, app)] as const;
      keys.forEach((key, k) => {
        if (!replies[3 * n + k]?.[0]) badKeys.delete(key);
      });
      if (slow?.[0]) unreadable(app, keys[0], slow[0]);
      else c.slowId = readStream(app, keys[0], slow?.[1] as StreamReply, 'slow', items, c.slowId);
      if (routes?.[0]) unreadable(app, keys[1], routes[0]);
      else c.routesId = readStream(app, keys[1], routes?.[1] as StreamReply, 'routes', items, c.routesId);
      if (errors?.[0]) unreadable(app, keys[2], errors[0]);
      else readErrors(app, keys[2], (errors?.[1] ?? []) as string[], c, items);
      if (items.slow.length || items.routes.length || items.exceptions.length) sink.record({ app, ...items });
    });
  }

  /** Members after the last score; those at exactly the last score were seen unless new. */
  function readErrors(app: string, key: string, flat: string[], c: Cursor, items: ApmItems): void {
    let bad = 0;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const member = flat[i]!;
      const score = Number(flat[i + 1]);
      if (score === c.errorsScore && c.errorsAtScore.has(member)) continue;
      if (score > c.errorsScore) {
        c.errorsScore = score;
        c.errorsAtScore = new Set();
      }
      c.errorsAtScore.add(member);
      const result = parseItem('exceptions', parseJson(member));
      if ('item' in result) items.exceptions.push(result.item);
      else bad++;
    }
    skip(app, bad, key, 'members that are not an ApmException in JSON');
  }

  async function readHeartbeats(): Promise<void> {
    const base = `${p}server:`;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 500);
      keys.push(...page);
      cursor = next;
    } while (cursor !== '0');
    const byApp = new Map<string, ApmItems['heartbeats']>();
    const seen = new Set(keys);
    for (const key of badKeys.keys()) if (key.startsWith(base) && !seen.has(key)) badKeys.delete(key);
    for (let i = 0; i < keys.length; i += 200) {
      const chunk = keys.slice(i, i + 200);
      // MGET answers nil for a key that expired since the scan, and for one that is not a string.
      const values = await redis.mget(...chunk);
      chunk.forEach((key, j) => {
        const value = values[j];
        if (value === null || value === undefined) return;
        const end = key.indexOf(':', base.length);
        const app = end < 0 ? '' : key.slice(base.length, end);
        if (!isAppName(app)) return skip(undefined, 1, key, 'not a server:<app>:<instanceId> key');
        const result = parseItem('heartbeats', parseJson(value));
        if ('item' in result) {
          badKeys.delete(key);
          let list = byApp.get(app);
          if (!list) byApp.set(app, (list = []));
          list.push(result.item);
        } else if (badKeys.get(key) !== value) {
          badKeys.set(key, value);
          skip(app, 1, key, `not an ApmHeartbeat: ${result.problem}`);
        }
      });
    }
    for (const [app, heartbeats] of byApp) sink.record({ app, heartbeats });
  }

  async function poll(): Promise<void> {
    stats.polls++;
    const names = await redis.smembers(APM_REDIS_KEYS.apps(p));
    const apps = names.filter(isAppName);
    for (const bad of names.filter((n) => !isAppName(n))) {
      const key = `${APM_REDIS_KEYS.apps(p)}#${bad.slice(0, 80)}`;
      if (badKeys.has(key)) continue;
      badKeys.set(key, bad);
      skip(undefined, 1, key, 'not an app name');
    }
    await readHeartbeats();
    if (apps.length) await readApps(apps);
  }

  return {
    /** One pass over everything; rejects only when Redis itself fails (not for bad content). */
    poll,
    stats: () => ({ ...stats }),
    start(everyMs: number): void {
      const run = () => {
        if (running) return; // a slow Redis: the next poll waits for this one
        running = poll()
          .catch((err: unknown) => {
            stats.failures++;
            logger.warn({ err }, 'could not read APM data from Redis; retrying on the next poll');
          })
          .finally(() => { running = undefined; });
      };
      timer ??= setInterval(run, everyMs);
      timer.unref();
      run();
    },
    /** Stops polling and closes the client. */
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
      redis.disconnect();
    },
  };
}
export type ApmRedisReader = ReturnType<typeof createApmRedisReader>;

/**
 * A client for the reader: a command waits for at most one reconnect attempt, then fails (the poll
 * logs it and the next one retries), so polls never pile up behind a Redis that is away. Connection
 * errors are logged when the link breaks, not on every retry; a Redis down at start is not fatal.
 */
export async function connectReaderRedis(url: string, logger: Logger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let broken = false;
  client.on('error', (err: Error) => {
    if (broken) return;
    broken = true;
    logger.warn({ err }, 'APM Redis unreachable; reading resumes when it is back');
  });
  client.on('ready', () => { broken = false; });
  return client;
}
