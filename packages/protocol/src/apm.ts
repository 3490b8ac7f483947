import { z } from 'zod';

/*
 * APM for Node applications (issue 9): what @pulse/node sends, over HTTP (`POST /api/apm/ingest`,
 * an ApmBatch) or written to Redis (the key layout in APM_REDIS_KEYS), and what Pulse answers.
 */

export const APM_LIMITS = {
  batchBytes: 1024 * 1024,
  itemsPerBatch: 1000,
  stackFrames: 50,
  stringBytes: 2000,
  messageBytes: 8000,
} as const;

const str = (max: number = APM_LIMITS.stringBytes) => z.string().max(max);
const appName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, "_", "." or "-"');

export const ApmHeartbeat = z.object({
  /** a stable id for this process, e.g. `<hostname>:<pid>:<start ms>` */
  instanceId: str(200),
  at: z.number(),
  /** seconds until Pulse may call this instance lost if no heartbeat follows (default 30) */
  ttlS: z.number().int().min(5).max(3600).default(30),
  host: z.object({
    hostname: str(253), platform: str(50), cpuPercent: z.number().min(0).max(100 * 1024),
    memTotal: z.number().nonnegative(), memFree: z.number().nonnegative(), loadAvg: z.array(z.number()).max(3),
  }),
  process: z.object({
    pid: z.number().int(), uptimeS: z.number().nonnegative(), cpuPercent: z.number().nonnegative(),
    rss: z.number().nonnegative(), heapUsed: z.number().nonnegative(), heapTotal: z.number().nonnegative(),
    eventLoopDelayP99Ms: z.number().nonnegative(), activeHandles: z.number().int().nonnegative().optional(),
  }),
  runtime: z.object({ name: str(50), version: str(50) }),
  appVersion: str(100).optional(),
});
export type ApmHeartbeat = z.infer<typeof ApmHeartbeat>;

export const ApmSlowRequest = z.object({
  at: z.number(),
  instanceId: str(200),
  method: str(16),
  /** the route template (`/users/:id`), never the raw URL */
  route: str(),
  status: z.number().int().min(100).max(599),
  durationMs: z.number().nonnegative(),
});
export type ApmSlowRequest = z.infer<typeof ApmSlowRequest>;

export const ApmStackFrame = z.object({
  fn: str().optional(), file: str().optional(), line: z.number().int().optional(), column: z.number().int().optional(),
  /** false for node_modules and node: internals */
  inApp: z.boolean(),
});

export const ApmException = z.object({
  at: z.number(),
  instanceId: str(200),
  /** groups occurrences of one bug: hash of type + in-app frames (not the message, which varies) */
  fingerprint: str(128),
  type: str(200),
  message: str(APM_LIMITS.messageBytes),
  frames: z.array(ApmStackFrame).max(APM_LIMITS.stackFrames),
  /** uncaught | unhandled-rejection | captured */
  mechanism: z.enum(['uncaught', 'unhandled-rejection', 'captured']),
  context: z.record(z.string(), z.unknown()).optional(),
});
export type ApmException = z.infer<typeof ApmException>;

/** All requests per route in one interval (counts, so rates and usage per route need no sampling). */
export const ApmRouteCounts = z.object({
  at: z.number(), instanceId: str(200), intervalS: z.number().positive(),
  routes: z.array(z.object({
    method: str(16), route: str(), count: z.number().int().nonnegative(), errors: z.number().int().nonnegative(),
    totalMs: z.number().nonnegative(), maxMs: z.number().nonnegative(),
  })).max(APM_LIMITS.itemsPerBatch),
});
export type ApmRouteCounts = z.infer<typeof ApmRouteCounts>;

export const ApmBatch = z.object({
  app: appName,
  environment: str(64).default('production'),
  heartbeats: z.array(ApmHeartbeat).max(100).default([]),
  slow: z.array(ApmSlowRequest).max(APM_LIMITS.itemsPerBatch).default([]),
  exceptions: z.array(ApmException).max(APM_LIMITS.itemsPerBatch).default([]),
  routes: z.array(ApmRouteCounts).max(100).default([]),
  /** items the SDK dropped (buffer full, sampling) since its last batch, so Pulse can say so */
  dropped: z.object({ slow: z.number().int().nonnegative(), exceptions: z.number().int().nonnegative() }).partial().optional(),
});
export type ApmBatch = z.infer<typeof ApmBatch>;

export const ApmIngestAnswer = z.object({ accepted: z.number().int(), rejected: z.number().int(), problems: z.array(z.string()).max(20).optional() });
export type ApmIngestAnswer = z.infer<typeof ApmIngestAnswer>;

/**
 * The Redis transport: the SDK writes, Pulse reads. `{p}` is the key prefix (default `pulse:`).
 * server: JSON ApmHeartbeat with TTL; slow: a stream (XADD MAXLEN ~ 1000, field `d` = JSON
 * ApmSlowRequest); errors: a sorted set scored by time (ms) of JSON ApmException, trimmed to 1 h;
 * routes: a stream like slow with ApmRouteCounts; apps: a set of app names, so Pulse finds them.
 */
export const APM_REDIS_KEYS = {
  server: (p: string, app: string, id: string) => `${p}server:${app}:${id}`,
  slow: (p: string, app: string) => `${p}slow:${app}`,
  errors: (p: string, app: string) => `${p}errors:${app}`,
  routes: (p: string, app: string) => `${p}routes:${app}`,
  apps: (p: string) => `${p}apps`,
} as const;
export const APM_SLOW_STREAM_MAX = 1000;
export const APM_ERRORS_WINDOW_MS = 3_600_000;

/* What Pulse serves about apps (GET /api/apm/apps, /api/apm/apps/:app, hub channel `app:<name>`). */

export const apmPeriods = ['1h', '6h', '24h', '7d'] as const;
export const ApmPeriod = z.enum(apmPeriods);
export type ApmPeriod = z.infer<typeof ApmPeriod>;

/** Rates are per minute over the last 5 minutes; `health` is 0-100 (server apm/health.ts says how). */
export const ApmAppSummary = z.object({
  app: z.string(),
  environment: z.string(),
  instances: z.object({ online: z.number().int(), lost: z.number().int() }),
  requestsPerMin: z.number(),
  slowPerMin: z.number(),
  exceptionsPerMin: z.number(),
  health: z.number().min(0).max(100),
  lastSeen: z.number(),
});
export type ApmAppSummary = z.infer<typeof ApmAppSummary>;

export const ApmInstanceView = z.object({
  /** the resource id, `app:<app>/<instanceId>` */
  id: z.string(),
  instanceId: z.string(), hostname: z.string(), pid: z.number().int(), online: z.boolean(), lastSeen: z.number(),
  cpu: z.number(), rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), eventLoopP99Ms: z.number(),
  hostCpu: z.number(), hostMemUsed: z.number(), hostMemTotal: z.number(),
});
export type ApmInstanceView = z.infer<typeof ApmInstanceView>;

/** One of the 60 buckets of a period; `t` is its start. avgMs/maxMs are of all requests (route counts). */
export const ApmBucket = z.object({
  t: z.number(), requests: z.number(), slow: z.number(), exceptions: z.number(), avgMs: z.number(), maxMs: z.number(),
});
export type ApmBucket = z.infer<typeof ApmBucket>;

export const ApmSlowRoute = z.object({
  method: z.string(), route: z.string(), count: z.number(), avgMs: z.number(), maxMs: z.number(), lastAt: z.number(),
});
export const ApmRouteUsage = z.object({
  method: z.string(), route: z.string(), count: z.number(), errors: z.number(), avgMs: z.number(), maxMs: z.number(),
});
export const ApmExceptionGroup = z.object({
  fingerprint: z.string(), type: z.string(), message: z.string(), count: z.number(), firstSeen: z.number(), lastSeen: z.number(),
  /** the stack of the latest occurrence */
  frames: z.array(ApmStackFrame),
  /** the context `captureException` was given for the latest occurrence */
  context: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The summary's figures for one period, with the details. `instances` is the list here (the summary's
 * counts are in `instanceCounts`), so one name is not two shapes.
 */
export const ApmAppView = ApmAppSummary.omit({ instances: true }).extend({
  period: ApmPeriod,
  bucketMs: z.number(),
  instanceCounts: z.object({ online: z.number().int(), lost: z.number().int() }),
  instances: z.array(ApmInstanceView),
  /** oldest first, always 60 */
  buckets: z.array(ApmBucket),
  /** top 10 by count of slow requests in the period */
  slowRoutes: z.array(ApmSlowRoute),
  /** top 20 by requests in the period */
  routes: z.array(ApmRouteUsage),
  /** top 10 by count in the period */
  exceptions: z.array(ApmExceptionGroup),
  /** since Pulse started: what SDKs said they dropped, and items Pulse rejected (schema, Redis garbage) */
  dropped: z.object({ slow: z.number(), exceptions: z.number(), rejected: z.number() }),
});
export type ApmAppView = z.infer<typeof ApmAppView>;
