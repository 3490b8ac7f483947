import type { ApmBatch } from '@pulse/protocol';

/** What became of one batch: sent, worth sending again later, or refused for good. */
export type SendOutcome =
  | { outcome: 'ok' }
  | { outcome: 'retry'; error: unknown; retryAfterMs?: number }
  | { outcome: 'drop'; error: unknown };

/** Where batches go: Pulse's HTTP ingest or Redis. `send` never rejects; failures are outcomes. */
export interface Transport {
  /**
   * `hold`: keep the process alive until the send ends (bounded by the timeout), for an explicit
   * flush()/stop() the application awaits; background sends never hold the process.
   */
  send(batch: ApmBatch, hold?: boolean): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** The smallest part of an ioredis client the Redis transport uses. */
export interface RedisClientLike {
  pipeline(): RedisPipelineLike;
}
export interface RedisPipelineLike {
  set(key: string, value: string, ex: 'EX', seconds: number): this;
  xadd(key: string, ...args: string[]): this;
  zadd(key: string, score: number, member: string): this;
  zremrangebyscore(key: string, min: string, max: number): this;
  sadd(key: string, member: string): this;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export interface HttpTransportConfig {
  kind: 'http';
  endpoint: string;
  token: string;
  timeoutMs: number;
  gzip: boolean;
  /** false where every send must hold the thread (the crash flush's worker) */
  unref: boolean;
}

export interface RedisTransportConfig {
  kind: 'redis';
  url?: string;
  client?: RedisClientLike;
  prefix: string;
  app: string;
  timeoutMs: number;
  unref: boolean;
}

export type TransportConfig = HttpTransportConfig | RedisTransportConfig;

/** The Redis transport (and so ioredis) is loaded only when it is configured. */
export async function createTransport(config: TransportConfig): Promise<Transport> {
  if (config.kind === 'http') {
    const { createHttpTransport } = await import('./transport-http.js');
    return createHttpTransport(config);
  }
  const { createRedisTransport } = await import('./transport-redis.js');
  return createRedisTransport(config);
}
