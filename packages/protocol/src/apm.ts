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
