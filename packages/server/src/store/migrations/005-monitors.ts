import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Uptime monitors (issue 7, monitors/CONTRACT.md). Definitions are JSON (the MonitorInput) so a new
 * monitor option needs no migration. Healthy checks write nothing here: only failed checks and state
 * changes become `monitor_events` rows; the figures of every check live in the metric store.
 * Incidents are unique per (monitor_id, started_at) so several servers recording one outage agree.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // NULL for every monitor but push ones; both databases allow many NULLs in a unique column.
    .addColumn('push_token', 'text', (c) => c.unique())
    // 'ui' (API, import) or 'file' (the declarative monitors file, which may remove only its own)
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('ui'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('monitor_events')
    .addColumn('id', 'integer', (c) => dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('reason_message', 'text')
    .addColumn('result', 'text')
    .execute();
  await db.schema.createIndex('monitor_events_monitor_at').on('monitor_events').columns(['monitor_id', 'at']).execute();
  await db.schema.createIndex('monitor_events_at').on('monitor_events').column('at').execute();
  await db.schema.createTable('monitor_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason_message', 'text', (c) => c.notNull())
    .addUniqueConstraint('monitor_incidents_monitor_started', ['monitor_id', 'started_at'])
    .execute();
  await db.schema.createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('status_pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['status_pages', 'maintenance_windows', 'monitor_incidents', 'monitor_events', 'monitors']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
