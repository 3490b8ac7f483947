import type { Resource } from '@pulse/protocol';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The last known state of every resource, so a restart shows them before sources report again. */
export function createResourceRepo(db: Kysely<Database>) {
  return {
    loadAll: async (): Promise<Resource[]> => {
      const rows = await db.selectFrom('resources').select(['data']).execute();
      return rows.map((row) => JSON.parse(row.data) as Resource);
    },
    /** Writes in one transaction: one write burst per flush, not one per resource. */
    saveMany: async (resources: Resource[], removed: string[], at: number): Promise<void> => {
      if (resources.length === 0 && removed.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const r of resources) {
          const row = { id: r.id, type: r.type, data: JSON.stringify(r), updated_at: at };
          await tx.insertInto('resources').values(row)
            .onConflict((oc) => oc.column('id').doUpdateSet({ type: row.type, data: row.data, updated_at: at }))
            .execute();
        }
        if (removed.length) await tx.deleteFrom('resources').where('id', 'in', removed).execute();
      });
    },
  };
}
export type ResourceRepo = ReturnType<typeof createResourceRepo>;
