import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

/** Every mutation is recorded here: who did what to which thing. Never holds secrets. */
export function createAuditLog(db: Kysely<Database>) {
  return {
    record: async (entry: AuditEntry): Promise<void> => {
      await db.insertInto('audit_log').values({
        at: entry.at, actor: entry.actor, action: entry.action,
        target: entry.target ?? null, detail: entry.detail ? JSON.stringify(entry.detail) : null,
      }).execute();
    },
    recent: (limit: number) =>
      db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
