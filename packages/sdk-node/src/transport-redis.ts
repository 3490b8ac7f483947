import type { ApmBatch } from '@pulse/protocol';
import type { Redis } from 'ioredis';
import type { RedisClientLike, RedisTransportConfig, SendOutcome, Transport } from './transport.js';
import { ERRORS_WINDOW_MS, REDIS_KEYS, SLOW_STREAM_MAX } from './wire.js';

/**
 * Writes each batch in one pipeline with the layout of APM_REDIS_KEYS: the latest heartbeat as
 * the instance's server key (with its TTL), slow requests and route counts as capped streams,
 * exceptions into the time-scored errors set (trimmed to the window), the app into the apps set.
 *
 * A client the SDK makes has no offline queue (commands fail at once while disconnected, so
 * nothing piles up in memory), short timeouts, no reconnect timer of its own (the next flush
 * reconnects) and an unref'd socket, so a down or slow Redis neither blocks nor keeps the
 * application alive. A client passed in is used as it is and left open.
 */
export async function createRedisTransport(config: RedisTransportConfig): Promise<Transport> {
  const owned = config.client ? undefined : await connectOwned(config);
  const client: RedisClientLike = config.client ?? (owned as unknown as RedisClientLike);
  const { prefix: p, app } = config;

  const stream = () => (owned as unknown as { stream?: { ref?: () => void; unref?: () => void } } | undefined)?.stream;

  async function send(batch: ApmBatch, hold = false): Promise<SendOutcome> {
    try {
      if (owned && owned.status !== 'ready') await reconnect(owned, config.timeoutMs);
      if (hold) stream()?.ref?.();
      const pipe = client.pipeline();
      const beat = batch.heartbeats[batch.heartbeats.length - 1];
      if (beat) pipe.set(REDIS_KEYS.server(p, app, beat.instanceId), JSON.stringify(beat), 'EX', beat.ttlS);
      for (const s of batch.slow) pipe.xadd(REDIS_KEYS.slow(p, app), 'MAXLEN', '~', String(SLOW_STREAM_MAX), '*', 'd', JSON.stringify(s));
      for (const r of batch.routes) pipe.xadd(REDIS_KEYS.routes(p, app), 'MAXLEN', '~', String(SLOW_STREAM_MAX), '*', 'd', JSON.stringify(r));
      if (batch.exceptions.length > 0) {
        for (const e of batch.exceptions) pipe.zadd(REDIS_KEYS.errors(p, app), e.at, JSON.stringify(e));
        const newest = batch.exceptions.reduce((max, e) => Math.max(max, e.at), 0);
        pipe.zremrangebyscore(REDIS_KEYS.errors(p, app), '-inf', newest - ERRORS_WINDOW_MS);
      }
      pipe.sadd(REDIS_KEYS.apps(p), app);
      const results = (await pipe.exec()) ?? [];
      const failed = results.find(([err]) => err)?.[0];
      // Redis refusing a command (WRONGTYPE, OOM: a ReplyError) would refuse it again; a command
      // timeout or a dropped connection may pass
      if (failed) return failed.name === 'ReplyError' ? { outcome: 'drop', error: failed } : { outcome: 'retry', error: failed };
      return { outcome: 'ok' };
    } catch (error) {
      return { outcome: 'retry', error };
    } finally {
      if (hold && config.unref) stream()?.unref?.();
    }
  }

  return {
    send,
    async close() {
      owned?.disconnect();
    },
  };
}

async function connectOwned(config: RedisTransportConfig): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(config.url ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: config.timeoutMs,
    commandTimeout: config.timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
  // without a listener ioredis prints every connection error; the failed send reports it instead
  client.on('error', () => {});
  if (config.unref) {
    client.on('connect', () => {
      (client as unknown as { stream?: { unref?: () => void } }).stream?.unref?.();
    });
  }
  return client;
}

async function reconnect(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'wait' || client.status === 'end' || client.status === 'close') {
    await client.connect();
    return;
  }
  // 'connecting' / 'reconnecting': another flush started it; wait for it, bounded
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`Redis not ready within ${timeoutMs} ms`)); }, timeoutMs);
    timer.unref();
    const onReady = () => { cleanup(); resolve(); };
    const onEnd = () => { cleanup(); reject(new Error('Redis connection closed')); };
    const cleanup = () => { clearTimeout(timer); client.off('ready', onReady); client.off('end', onEnd); };
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}
