import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Alerts (issue 8, alerts/CONTRACT.md). Rules and overrides are JSON definitions (AlertRuleInput,
 * AlertOverrideInput) so a new rule option needs no migration; a row with `built_in = 1` holds the
 * user's edit of a built-in rule, whose defaults live in code. `alerts` keeps the columns a query
 * filters on beside the whole Alert in `data`; open alerts are loaded at start, resolved ones pruned.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('alert_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'text', (c) => c.notNull())
    // not in the contract's list: only so overrides list in the order they were made
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('pending_since', 'bigint', (c) => c.notNull())
    .addColumn('fired_at', 'bigint')
    .addColumn('acked_at', 'bigint')
    .addColumn('acked_by', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('snoozed_until', 'bigint')
    .addColumn('held', 'text')
    .addColumn('parent_alert_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_state').on('alerts').column('state').execute();
  await db.schema.createIndex('alerts_resource').on('alerts').columns(['resource_id', 'pending_since']).execute();
  await db.schema.createIndex('alerts_resolved_at').on('alerts').column('resolved_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alerts', 'alert_overrides', 'alert_rules']) await db.schema.dropTable(table).ifExists().execute();
}
