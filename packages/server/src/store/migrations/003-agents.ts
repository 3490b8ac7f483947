import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Push agents (issue 5): install tokens an admin hands out, and the agents enrolled with them. Only
 * hashes of token secrets are stored. An agent's `state` is JSON the server alone reads (what it last
 * reported, which report sequence numbers it applied).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createTable('agent_install_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('max_uses', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('token_issued_at', 'bigint', (c) => c.notNull())
    .addColumn('install_token_id', 'text')
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('last_report_at', 'bigint')
    .addColumn('state', 'text')
    .addColumn('revoked_at', 'bigint')
    .execute();
  // Re-enrolment looks an agent up by machine id.
  await db.schema.createIndex('agents_machine_id').on('agents').column('machine_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['agents', 'agent_install_tokens']) await db.schema.dropTable(table).ifExists().execute();
}
