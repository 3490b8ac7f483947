import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Metric history (issue 4): chunks of encoded samples per series and tier, not one row per sample.
 * See packages/server/src/history/ for the layout inside `data`.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema.createTable('metric_series')
    .addColumn('id', 'integer', (c) => dialect === 'postgres'
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addUniqueConstraint('metric_series_resource_metric', ['resource', 'metric'])
    .execute();
  // The primary key doubles as the index every read uses: one series, one tier, a range of starts.
  await db.schema.createTable('metric_chunks')
    .addColumn('series_id', 'integer', (c) => c.notNull().references('metric_series.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('start_t', 'bigint', (c) => c.notNull())
    .addColumn('end_t', 'bigint', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_chunks_pk', ['series_id', 'tier', 'start_t'])
    .execute();
  // Retention deletes and rollups look chunks up by tier and age across all series.
  await db.schema.createIndex('metric_chunks_tier_end').on('metric_chunks').columns(['tier', 'end_t']).execute();
  await db.schema.createTable('metric_head')
    .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => dialect === 'postgres'
      ? c.primaryKey().generatedByDefaultAsIdentity()
      // AUTOINCREMENT: a seq is never reused after the log is emptied, so it only ever grows.
      : c.primaryKey().autoIncrement())
    .addColumn('data', blob, (c) => c.notNull())
    .execute();
  await db.schema.createTable('metric_rollups')
    .addColumn('tier', 'text', (c) => c.primaryKey())
    .addColumn('done_until', 'bigint', (c) => c.notNull())
    .addColumn('series_cursor', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['metric_rollups', 'metric_head', 'metric_chunks', 'metric_series']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
