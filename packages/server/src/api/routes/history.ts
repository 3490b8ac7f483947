import { z } from 'zod';
import { readHistory } from '../../history/history-query.js';
import { TIERS } from '../../history/types.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

const FIVE_YEARS_MS = 5 * 366 * 86_400_000;
const metricName = z.string().regex(/^[A-Za-z0-9_.:/-]{1,100}$/, 'a metric name (letters, digits, _ . : / -)');

const Query = z.object({
  resource: z.string().min(1).max(300),
  metric: z.union([metricName, z.array(metricName)]).transform((m) => (Array.isArray(m) ? m : [m]))
    .pipe(z.array(metricName).min(1).max(100)),
  from: z.coerce.number().int().min(0).optional().describe('ms since the epoch; default: an hour before `to`'),
  to: z.coerce.number().int().min(0).optional().describe('ms since the epoch; default: now'),
  points: z.coerce.number().int().min(2).max(5000).default(600),
});

const Series = z.object({
  metric: z.string(), tier: z.enum(TIERS), t: z.array(z.number()), v: z.array(z.number()),
  min: z.array(z.number()).optional(), max: z.array(z.number()).optional(), count: z.array(z.number()).optional(),
});

const TierReport = z.object({ tier: z.enum(TIERS), chunks: z.number(), points: z.number(), bytes: z.number(), oldest: z.number().nullable(), newest: z.number().nullable() });
const Stats = z.object({
  memoryOnly: z.boolean(),
  retentionMs: z.record(z.enum(TIERS), z.number()).describe('how long each tier is kept'),
  live: z.object({
    series: z.number(), bytesByTier: z.record(z.enum(TIERS), z.number()), samplesAccepted: z.number(), samplesDropped: z.number(),
    bytesWrittenLastHour: z.number(), flushes: z.number(),
  }).describe('this process since it started'),
  storage: z.object({
    dialect: z.enum(['sqlite', 'postgres']), series: z.number(), tiers: z.array(TierReport),
    headLog: z.object({ rows: z.number(), bytes: z.number() }), databaseBytes: z.number(),
    lastHour: z.object({ at: z.number(), bytesWritten: z.number(), samplesAccepted: z.number(), samplesDropped: z.number(), series: z.number() }).nullable(),
  }).nullable().describe('what the database holds; null in memory-only mode'),
});

/** Long-term history: picks the tier from the range, falls back where a tier is empty, downsamples. */
export function registerHistoryRoutes(app: ZodApp, deps: Pick<ApiDeps, 'registry' | 'now' | 'history'>): void {
  app.get('/api/metrics/history', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'Metric history of one resource (repeat `metric` for several series)', tags: ['metrics'],
      querystring: Query,
      response: { 200: z.object({ resource: z.string(), from: z.number(), to: z.number(), series: z.array(Series) }) },
    },
  }, async (request) => {
    const now = deps.now();
    const { resource, metric: metrics, points } = request.query;
    const to = request.query.to ?? now;
    const from = request.query.from ?? to - 3_600_000;
    if (from >= to) throw new AppError(400, 'history.range', `"from" (${from}) must be before "to" (${to}).`);
    if (to - from > FIVE_YEARS_MS) throw new AppError(400, 'history.range', 'A range may span at most five years.');
    const series = await readHistory(deps.history.store, { resource, metrics, from, to, points }, now, deps.history.retention());
    const known = deps.registry.get(resource);
    // A metric with no points in the range is still known if it is stored at all or reported now: a
    // stopped container's past, or a series that has not been flushed yet, answers empty, not 400.
    const empty = series.filter((s) => s.t.length === 0 && !(known && s.metric in known.metrics));
    const stored = await Promise.all(empty.map((s) => deps.history.store.hasSeries(resource, s.metric)));
    const unknown = empty.filter((_, i) => !stored[i]).map((s) => s.metric);
    if (!known && unknown.length === series.length) throw new AppError(404, 'resource.not_found', `No resource with id "${resource}" and no history for it.`);
    if (unknown.length > 0) throw new AppError(400, 'history.unknown_metric', `No metric ${unknown.map((m) => `"${m}"`).join(', ')} for "${resource}".`);
    return { resource, from, to, series };
  });

  app.get('/api/metrics/stats', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'How much metric history is kept and written', tags: ['metrics'],
      response: { 200: Stats },
    },
  }, async () => {
    const [live, storage] = await Promise.all([deps.history.store.stats(), deps.history.report()]);
    return { memoryOnly: storage === null, retentionMs: deps.history.retention(), live, storage };
  });
}
