import type { PulseSdkError } from './self-errors.js';
import type { RedisClientLike, TransportConfig } from './transport.js';
import { APP_NAME } from './wire.js';

interface CommonOptions {
  /** the application's name in Pulse: 1-64 letters, digits, `_`, `.` or `-` */
  app: string;
  /** default `production` */
  environment?: string;
  appVersion?: string;
  /** heartbeat and route-count interval; default 10 000 */
  heartbeatIntervalMs?: number;
  /** how often queued items are sent; default 2 000 */
  flushIntervalMs?: number;
  /** queued slow requests or exceptions that trigger a send before the interval; default 100 */
  batchSize?: number;
  /** slow requests and exceptions kept while Pulse is unreachable, each; default 5 000 */
  maxQueue?: number;
  /** requests at least this slow are sent one by one; default 1 000 */
  slowThresholdMs?: number;
  /** fraction of slow requests / exceptions sent (the rest are counted as dropped); default 1 */
  sampleRates?: { slow?: number; exceptions?: number };
  /** distinct method + route pairs counted; later ones count as `(other)`; default 1 000 */
  maxRoutes?: number;
  /** per send (HTTP request, Redis connect and command); default 5 000 HTTP, 1 000 Redis */
  timeoutMs?: number;
  /** sends of one failed batch before it is dropped; default 5 */
  maxRetries?: number;
  /** observe uncaught exceptions and unhandled rejections; default true */
  captureProcessErrors?: boolean;
  /** how long a crashing process waits for its last batch to leave; 0 disables; default 2 000 */
  crashFlushTimeoutMs?: number;
  /** the SDK's own failures, at most one a minute (all are counted in stats()) */
  onError?: (err: PulseSdkError) => void;
  /** wall clock (ms since epoch) for timestamps; tests pass their own */
  now?: () => number;
}

export interface HttpOptions extends CommonOptions {
  /** Pulse's base URL; batches go to `<endpoint>/api/apm/ingest` */
  endpoint: string;
  token: string;
  gzip?: boolean;
  redis?: never;
}

export interface RedisOptions extends CommonOptions {
  redis: { url: string } | { client: RedisClientLike };
  /** key prefix; default `pulse:` */
  prefix?: string;
  endpoint?: never;
}

export type PulseOptions = HttpOptions | RedisOptions;

export interface Settings {
  app: string;
  environment: string;
  appVersion?: string;
  heartbeatIntervalMs: number;
  flushIntervalMs: number;
  batchSize: number;
  maxQueue: number;
  slowThresholdMs: number;
  slowSampleRate: number;
  exceptionSampleRate: number;
  maxRoutes: number;
  maxRetries: number;
  captureProcessErrors: boolean;
  crashFlushTimeoutMs: number;
  transport: TransportConfig;
  onError?: (err: PulseSdkError) => void;
  now: () => number;
}

/** Thrown by start() for options that cannot work; the only error the SDK ever throws. */
export class PulseConfigError extends Error {
  readonly code = 'pulse.config';
  constructor(message: string) {
    super(message);
    this.name = 'PulseConfigError';
  }
}

const rate = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 1 : Math.min(1, Math.max(0, v)));
const positive = (v: number | undefined, dflt: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : dflt);

export function resolveSettings(o: PulseOptions): Settings {
  if (!o || typeof o.app !== 'string' || !APP_NAME.test(o.app)) {
    throw new PulseConfigError(`@pulse/node: app must be 1-64 letters, digits, "_", "." or "-" (got ${JSON.stringify(o?.app)})`);
  }
  let transport: TransportConfig;
  if (o.redis) {
    const r = o.redis;
    transport = {
      kind: 'redis', app: o.app, prefix: o.prefix ?? 'pulse:', timeoutMs: positive(o.timeoutMs, 1_000), unref: true,
      ...('client' in r ? { client: r.client } : { url: r.url }),
    };
  } else if (typeof o.endpoint === 'string' && typeof o.token === 'string') {
    try { new URL(o.endpoint); } catch { throw new PulseConfigError(`@pulse/node: endpoint is not a URL: ${o.endpoint}`); }
    transport = { kind: 'http', endpoint: o.endpoint, token: o.token, timeoutMs: positive(o.timeoutMs, 5_000), gzip: o.gzip ?? false, unref: true };
  } else {
    throw new PulseConfigError('@pulse/node: give either { endpoint, token } or { redis: { url } | { client } }');
  }
  return {
    app: o.app,
    environment: (o.environment ?? 'production').slice(0, 64),
    appVersion: o.appVersion,
    heartbeatIntervalMs: positive(o.heartbeatIntervalMs, 10_000),
    flushIntervalMs: positive(o.flushIntervalMs, 2_000),
    batchSize: positive(o.batchSize, 100),
    maxQueue: Math.floor(positive(o.maxQueue, 5_000)),
    slowThresholdMs: o.slowThresholdMs !== undefined && o.slowThresholdMs >= 0 ? o.slowThresholdMs : 1_000,
    slowSampleRate: rate(o.sampleRates?.slow),
    exceptionSampleRate: rate(o.sampleRates?.exceptions),
    maxRoutes: Math.floor(positive(o.maxRoutes, 1_000)),
    maxRetries: o.maxRetries !== undefined && o.maxRetries >= 0 ? Math.floor(o.maxRetries) : 5,
    captureProcessErrors: o.captureProcessErrors ?? true,
    crashFlushTimeoutMs: o.crashFlushTimeoutMs ?? 2_000,
    transport,
    onError: o.onError,
    now: o.now ?? Date.now,
  };
}
