import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Proxmox connections (issue 6). The secret (token secret or password) is stored only as an
 * AES-256-GCM envelope (secrets/); everything else is plain so it can be listed without the key.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('endpoints', 'text', (c) => c.notNull())
    .addColumn('auth_kind', 'text', (c) => c.notNull())
    .addColumn('auth_user', 'text', (c) => c.notNull())
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('tls_fingerprint', 'text')
    .addColumn('tls_ca', 'text')
    .addColumn('tls_insecure', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('interval_ms', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connections').ifExists().execute();
}
