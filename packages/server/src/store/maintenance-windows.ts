import type { Kysely } from 'kysely';
import type { Database, MaintenanceWindowsTable } from './schema.js';

export type MaintenanceWindowRow = MaintenanceWindowsTable;

export function createMaintenanceWindowRepo(db: Kysely<Database>) {
  return {
    insert: async (row: MaintenanceWindowRow): Promise<void> => {
      await db.insertInto('maintenance_windows').values(row).execute();
    },
    list: (): Promise<MaintenanceWindowRow[]> => db.selectFrom('maintenance_windows').selectAll().orderBy('created_at').orderBy('id').execute(),
    byId: (id: string): Promise<MaintenanceWindowRow | undefined> =>
      db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst(),
    update: async (id: string, change: Pick<MaintenanceWindowRow, 'title' | 'definition'>): Promise<boolean> => {
      const result = await db.updateTable('maintenance_windows').set(change).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('maintenance_windows').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type MaintenanceWindowRepo = ReturnType<typeof createMaintenanceWindowRepo>;
