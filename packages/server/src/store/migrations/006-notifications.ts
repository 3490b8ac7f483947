import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Notification channels and the delivery outbox (issue 8, alerts/CONTRACT.md). A channel's config is
 * JSON whose secret fields are secret-box envelopes bound to the row. The outbox holds one row per
 * (notification, channel): the unique pair makes a repeated enqueue (a replay after a restart, two
 * servers handing in the same event) a no-op, and receivers drop duplicates by the notification id.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createTable('notification_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config_sealed', 'text', (c) => c.notNull())
    .addColumn('min_severity', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('send_resolved', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('notification_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // when queued: the earliest next try; when sending: the lease, past which another worker may take it over
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addUniqueConstraint('notification_outbox_notification_channel', ['notification_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('notification_outbox_state_created').on('notification_outbox').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('notification_outbox_channel').on('notification_outbox').columns(['channel_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notification_outbox', 'notification_channels']) await db.schema.dropTable(table).ifExists().execute();
}
