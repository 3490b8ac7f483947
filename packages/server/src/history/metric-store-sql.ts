import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Dialect } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { ChunkRow, ChunkStorage, RollupState } from './chunk-storage.js';
import { createTieredMetricStore, type TieredStoreOptions } from './tiered-store.js';
import { type MetricStore, type RetentionMs, type Tier, TIERS } from './types.js';

/** Rows per statement: 6 parameters each stays far under SQLite's 32,766 and PostgreSQL's 65,535. */
const BATCH = 500;

function* parts<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}

// better-sqlite3 binds only Buffers as blobs; pg takes either.
const toBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

type ChunkRecord = { series_id: number; tier: string; start_t: number; end_t: number; points: number; data: Buffer };
const toRow = (r: ChunkRecord): ChunkRow => ({ seriesId: r.series_id, tier: r.tier as Tier, start: r.start_t, end: r.end_t, points: r.points, data: r.data });

/** ChunkStorage over the metric_* tables, on SQLite and PostgreSQL alike. */
function createSqlChunkStorage(k: Kysely<Database>, dialect: Dialect, inTransaction = false): ChunkStorage {
  const columns = ['series_id', 'tier', 'start_t', 'end_t', 'points', 'data'] as const;
  const storage: ChunkStorage = {
    transaction: (work) => inTransaction
      ? work(storage)
      : k.transaction().execute((trx) => work(createSqlChunkStorage(trx, dialect, true))),

    allSeries: () => k.selectFrom('metric_series').select(['id', 'resource', 'metric']).execute(),

    createSeries: async (keys) => {
      const out = [];
      for (const part of parts(keys)) {
        const made = await k.insertInto('metric_series').values(part.map((s) => ({ resource: s.resource, metric: s.metric })))
          .onConflict((oc) => oc.columns(['resource', 'metric']).doNothing())
          .returning(['id', 'resource', 'metric']).execute();
        out.push(...made);
        // Only if another process created some meanwhile: a unique violation would fail every later flush.
        if (made.length === part.length) continue;
        const have = new Set(made.map((r) => `${r.resource}\u0000${r.metric}`));
        for (const s of part.filter((p) => !have.has(`${p.resource}\u0000${p.metric}`))) {
          out.push(await k.selectFrom('metric_series').select(['id', 'resource', 'metric'])
            .where('resource', '=', s.resource).where('metric', '=', s.metric).executeTakeFirstOrThrow());
        }
      }
      return out;
    },

    latestChunks: async (ids, tier) => {
      const out: ChunkRow[] = [];
      for (const part of parts(ids)) {
        const rows = await k.selectFrom('metric_chunks as c').select(columns.map((c) => `c.${c}` as const))
          .where('c.tier', '=', tier).where('c.series_id', 'in', part)
          .where('c.start_t', '=', (eb) => eb.selectFrom('metric_chunks as m').select((m) => m.fn.max('m.start_t').as('s'))
            .whereRef('m.series_id', '=', 'c.series_id').where('m.tier', '=', tier))
          .execute();
        out.push(...rows.map(toRow));
      }
      return out;
    },

    chunks: async (ids, tier, from, to) => {
      const out: ChunkRow[] = [];
      for (const part of parts(ids)) {
        const rows = await k.selectFrom('metric_chunks').select(columns)
          .where('series_id', 'in', part).where('tier', '=', tier).where('start_t', '<=', to).where('end_t', '>=', from)
          .orderBy('series_id').orderBy('start_t').execute();
        out.push(...rows.map(toRow));
      }
      return out;
    },

    chunksStartingAt: async (ids, tier, start) => {
      const out: ChunkRow[] = [];
      for (const part of parts(ids)) {
        const rows = await k.selectFrom('metric_chunks').select(columns)
          .where('series_id', 'in', part).where('tier', '=', tier).where('start_t', '=', start).execute();
        out.push(...rows.map(toRow));
      }
      return out;
    },

    putChunks: async (rows) => {
      for (const part of parts(rows)) {
        await k.insertInto('metric_chunks')
          .values(part.map((r) => ({ series_id: r.seriesId, tier: r.tier, start_t: r.start, end_t: r.end, points: r.points, data: toBuffer(r.data) })))
          .onConflict((oc) => oc.columns(['series_id', 'tier', 'start_t']).doUpdateSet((eb) => ({
            end_t: eb.ref('excluded.end_t'), points: eb.ref('excluded.points'), data: eb.ref('excluded.data'),
          })))
          .execute();
      }
    },

    deleteChunksEndingBefore: async (tier, t, limit) => {
      // Row-value IN keeps the LIMIT portable: neither engine takes DELETE … LIMIT by default.
      const result = await k.deleteFrom('metric_chunks')
        .where((eb) => eb(eb.refTuple('series_id', 'tier', 'start_t'), 'in',
          eb.selectFrom('metric_chunks').select(['series_id', 'tier', 'start_t']).where('tier', '=', tier).where('end_t', '<', t).limit(limit)
            .$asTuple('series_id', 'tier', 'start_t')))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    seriesWithChunks: async (tier, from, to, afterId, limit) => {
      const rows = await k.selectFrom('metric_chunks').select('series_id').distinct()
        .where('tier', '=', tier).where('end_t', '>=', from).where('start_t', '<=', to).where('series_id', '>', afterId)
        .orderBy('series_id').limit(limit).execute();
      return rows.map((r) => r.series_id);
    },

    firstChunkStart: async (tier, t) => {
      let query = k.selectFrom('metric_chunks').select((eb) => eb.fn.min('start_t').as('first')).where('tier', '=', tier);
      if (Number.isFinite(t)) query = query.where('end_t', '>=', t);
      const row = await query.executeTakeFirst();
      return row?.first ?? undefined;
    },

    appendHead: async (data) => {
      const row = await k.insertInto('metric_head').values({ data: toBuffer(data) }).returning('seq').executeTakeFirstOrThrow();
      return row.seq;
    },

    readHead: () => k.selectFrom('metric_head').select(['seq', 'data']).orderBy('seq').execute(),

    deleteHeadBefore: async (seq) => {
      await k.deleteFrom('metric_head').where('seq', '<', seq).execute();
    },

    rollupStates: async () => {
      const rows = await k.selectFrom('metric_rollups').selectAll().execute();
      return Object.fromEntries(rows.map((r) => [r.tier, { doneUntil: r.done_until, cursor: r.series_cursor } satisfies RollupState]));
    },

    setRollupState: async (tier, state) => {
      const values = { done_until: state.doneUntil, series_cursor: state.cursor };
      await k.insertInto('metric_rollups').values({ tier, ...values })
        .onConflict((oc) => oc.column('tier').doUpdateSet(values)).execute();
    },

    sizes: async () => {
      // Both read the stored length without loading the blob; PostgreSQL's sum() is numeric, hence the cast.
      const length = dialect === 'postgres' ? sql`octet_length(data)` : sql`length(data)`;
      const rows = await k.selectFrom('metric_chunks').select(['tier', sql<number>`cast(sum(${length}) as bigint)`.as('bytes')])
        .groupBy('tier').execute();
      const count = await k.selectFrom('metric_series').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const bytesByTier = Object.fromEntries(TIERS.map((tier) => [tier, Number(rows.find((r) => r.tier === tier)?.bytes ?? 0)])) as Record<Tier, number>;
      return { series: Number(count.n), bytesByTier };
    },
  };
  return storage;
}

export interface SqlMetricStoreOptions extends Pick<TieredStoreOptions, 'rawChunk' | 'checkpointAfterMs' | 'maxBufferedSamples' | 'maintainBatches' | 'seriesPerBatch'> {
  db: Db;
  now: () => number;
  retention: RetentionMs;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Metric history in the state database (SQLite or PostgreSQL). One process writes a database's
 * history: open chunks and the head log's truncation point live in that process's memory.
 * `close()` flushes and writes every open chunk out; it leaves the database open for its owner.
 */
export function createSqlMetricStore(options: SqlMetricStoreOptions): MetricStore {
  const { db, ...rest } = options;
  return createTieredMetricStore({ ...rest, storage: createSqlChunkStorage(db.kysely, db.dialect) });
}
