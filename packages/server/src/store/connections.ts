import type { Kysely } from 'kysely';
import type { ConnectionsTable, Database } from './schema.js';

export type ConnectionRow = ConnectionsTable;
export type ConnectionChange = Partial<Omit<ConnectionRow, 'id' | 'created_at'>> & Pick<ConnectionRow, 'updated_at'>;

/** The only unique column besides the primary key (a random UUID) is the name. */
function isNameTaken(err: unknown): boolean {
  const { code } = err as { code?: string };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export function createConnectionRepo(db: Kysely<Database>) {
  return {
    /** false when the name is taken (checked by the database, so two racing creates cannot both win) */
    insert: async (row: ConnectionRow): Promise<boolean> => {
      try {
        await db.insertInto('connections').values(row).execute();
        return true;
      } catch (err) {
        if (isNameTaken(err)) return false;
        throw err;
      }
    },
    list: (): Promise<ConnectionRow[]> => db.selectFrom('connections').selectAll().orderBy('name').execute(),
    byId: (id: string): Promise<ConnectionRow | undefined> =>
      db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst(),
    byName: (name: string): Promise<ConnectionRow | undefined> =>
      db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst(),
    update: async (id: string, change: ConnectionChange): Promise<'ok' | 'not_found' | 'name_taken'> => {
      try {
        const result = await db.updateTable('connections').set(change).where('id', '=', id).executeTakeFirst();
        return Number(result.numUpdatedRows) > 0 ? 'ok' : 'not_found';
      } catch (err) {
        if (isNameTaken(err)) return 'name_taken';
        throw err;
      }
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type ConnectionRepo = ReturnType<typeof createConnectionRepo>;
