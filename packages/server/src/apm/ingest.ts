import { APM_LIMITS, ApmBatch, ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import { z } from 'zod';

/*
 * The trust boundary of APM: a batch (HTTP) or a Redis value is checked item by item, so one bad
 * item costs only itself, never the batch, and never another app.
 */

export interface ApmItems {
  heartbeats: ApmHeartbeat[];
  slow: ApmSlowRequest[];
  exceptions: ApmException[];
  routes: ApmRouteCounts[];
}

export interface ValidBatch extends ApmItems {
  app: string;
  environment: string;
  dropped: { slow: number; exceptions: number };
}

export const ITEM_SCHEMAS = { heartbeats: ApmHeartbeat, slow: ApmSlowRequest, exceptions: ApmException, routes: ApmRouteCounts } as const;
type ItemKind = keyof typeof ITEM_SCHEMAS;
const KINDS = Object.keys(ITEM_SCHEMAS) as ItemKind[];
const MAX_ITEMS: Record<ItemKind, number> = { heartbeats: 100, slow: APM_LIMITS.itemsPerBatch, exceptions: APM_LIMITS.itemsPerBatch, routes: 100 };
const MAX_PROBLEMS = 20;

// The envelope must be right (it says which app everything belongs to); the lists are checked per item.
const Envelope = z.object({
  app: ApmBatch.shape.app,
  environment: ApmBatch.shape.environment,
  dropped: ApmBatch.shape.dropped,
  heartbeats: z.array(z.unknown()).default([]),
  slow: z.array(z.unknown()).default([]),
  exceptions: z.array(z.unknown()).default([]),
  routes: z.array(z.unknown()).default([]),
});

const describe = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
};

/** One item against its schema: the parsed item, or why not. */
export function parseItem<K extends ItemKind>(kind: K, value: unknown): { item: z.infer<(typeof ITEM_SCHEMAS)[K]> } | { problem: string } {
  const parsed = ITEM_SCHEMAS[kind].safeParse(value);
  return parsed.success ? { item: parsed.data as z.infer<(typeof ITEM_SCHEMAS)[K]> } : { problem: describe(parsed.error) };
}

export type BatchCheck = { batch: ValidBatch; rejected: number; problems: string[] } | { error: string };

/** Checks a parsed body: envelope errors refuse the batch; item errors reject the item, counted and described (first 20). */
export function checkBatch(body: unknown): BatchCheck {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) return { error: describe(envelope.error) };
  const { app, environment, dropped } = envelope.data;
  const batch: ValidBatch = { app, environment, dropped: { slow: dropped?.slow ?? 0, exceptions: dropped?.exceptions ?? 0 }, heartbeats: [], slow: [], exceptions: [], routes: [] };
  const problems: string[] = [];
  let rejected = 0;
  const reject = (problem: string) => {
    rejected++;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  for (const kind of KINDS) {
    const items = envelope.data[kind];
    items.forEach((value, i) => {
      if (i >= MAX_ITEMS[kind]) return reject(`${kind}[${i}]: over the ${MAX_ITEMS[kind]} ${kind} a batch may carry`);
      const result = parseItem(kind, value);
      if ('item' in result) (batch[kind] as unknown[]).push(result.item);
      else reject(`${kind}[${i}].${result.problem}`);
    });
  }
  return { batch, rejected, problems };
}

export const itemCount = (items: ApmItems): number => items.heartbeats.length + items.slow.length + items.exceptions.length + items.routes.length;

/**
 * Batches per token: a token bucket refilled at `perSecond` up to `burst`. Buckets idle long enough
 * to be full again are dropped when the map grows, so a stream of tokens cannot grow it for ever.
 */
export function createRateLimiter(options: { now: () => number; perSecond: number; burst: number; maxKeys?: number }) {
  const { now, perSecond, burst } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, t: number) => Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);

  return {
    /** Takes one; when none is left, how many seconds until one is. */
    take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
      const t = now();
      if (buckets.size >= maxKeys && !buckets.has(key)) {
        for (const [k, b] of buckets) if (refill(b, t) >= burst) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = refill(bucket, t);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
      bucket.tokens -= 1;
      return { ok: true };
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** What one token may send: 20 batches a second, bursts of 40 (an SDK flushes every few seconds). */
export const INGEST_RATE = { perSecond: 20, burst: 40 } as const;
