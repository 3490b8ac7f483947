import { sql } from 'kysely';
import type { Db } from '../store/database.js';
import { decodeRollupChunk } from './chunk-format.js';
import { LAST_HOUR_KEY, type LastHourRecord } from './recorder.js';
import { type Tier, TIERS } from './types.js';

export interface TierReport {
  tier: Tier;
  chunks: number;
  points: number;
  /** encoded chunk bytes (what the codec produced, without the database's own overhead) */
  bytes: number;
  /** the first point's time (rollup chunks cover aligned windows, so their start is not a point) */
  oldest: number | null;
  newest: number | null;
}

/** Chunks decoded to find a tier's first point: the oldest window holds one chunk per series. */
const OLDEST_SAMPLE = 200;

export interface StorageReport {
  dialect: Db['dialect'];
  series: number;
  tiers: TierReport[];
  /** flush-log rows not yet folded into chunks */
  headLog: { rows: number; bytes: number };
  /** the whole database on disk (SQLite: file pages; PostgreSQL: pg_database_size) */
  databaseBytes: number;
  /** the last complete hour's writes, as the server recorded them */
  lastHour: LastHourRecord | null;
}

/**
 * What the metric history holds, read straight from the database so `pulse db stats` works beside
 * a running server (SQLite in WAL mode lets a reader in while the server writes).
 */
export async function historyStorageReport(db: Db): Promise<StorageReport> {
  const k = db.kysely;
  const length = db.dialect === 'postgres' ? sql`octet_length(data)` : sql`length(data)`;
  const rows = await k.selectFrom('metric_chunks').select([
    'tier',
    sql<number>`count(*)`.as('chunks'),
    sql<number>`cast(sum(points) as bigint)`.as('points'),
    sql<number>`cast(sum(${length}) as bigint)`.as('bytes'),
    sql<number>`min(start_t)`.as('oldest'),
    sql<number>`max(end_t)`.as('newest'),
  ]).groupBy('tier').execute();
  const tiers = await Promise.all(TIERS.map(async (tier): Promise<TierReport> => {
    const r = rows.find((x) => x.tier === tier);
    return {
      tier, chunks: Number(r?.chunks ?? 0), points: Number(r?.points ?? 0), bytes: Number(r?.bytes ?? 0),
      oldest: r?.oldest == null ? null : await firstPoint(db, tier, Number(r.oldest)),
      newest: r?.newest == null ? null : Number(r.newest),
    };
  }));
  const series = await k.selectFrom('metric_series').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const head = await k.selectFrom('metric_head').select([sql<number>`count(*)`.as('rows'), sql<number>`coalesce(cast(sum(${length}) as bigint), 0)`.as('bytes')]).executeTakeFirstOrThrow();
  const size = db.dialect === 'postgres'
    ? (await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(k)).rows[0]!.n
    : (await sql<{ n: number }>`select page_count * page_size as n from pragma_page_count(), pragma_page_size()`.execute(k)).rows[0]!.n;
  const last = await k.selectFrom('settings').select('value').where('key', '=', LAST_HOUR_KEY).executeTakeFirst();
  return {
    dialect: db.dialect,
    series: Number(series.n),
    tiers,
    headLog: { rows: Number(head.rows), bytes: Number(head.bytes) },
    databaseBytes: Number(size),
    lastHour: last ? (JSON.parse(last.value) as LastHourRecord) : null,
  };
}

async function firstPoint(db: Db, tier: (typeof TIERS)[number], windowStart: number): Promise<number> {
  if (tier === 'raw') return windowStart;
  const chunks = await db.kysely.selectFrom('metric_chunks').select('data')
    .where('tier', '=', tier).where('start_t', '=', windowStart).limit(OLDEST_SAMPLE).execute();
  let first = Infinity;
  for (const { data } of chunks) {
    try {
      first = Math.min(first, decodeRollupChunk(data).t[0] ?? Infinity);
    } catch {
      // A damaged chunk is reported by reads; here it only cannot tell its first point.
    }
  }
  return Number.isFinite(first) ? first : windowStart;
}
