import type { Kysely } from 'kysely';
import type { Database, StatusPagesTable } from './schema.js';

/** One public status page; `definition` is its StatusPageInput as JSON (slug included, kept in step). */
export type StatusPageRow = StatusPagesTable;
export type StatusPageChange = Pick<StatusPageRow, 'slug' | 'definition' | 'updated_at'>;

/** The slug is the only unique column besides the primary key (a random UUID). */
function isSlugTaken(err: unknown): boolean {
  const { code } = err as { code?: string };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export function createStatusPageRepository(db: Kysely<Database>) {
  return {
    list: (): Promise<StatusPageRow[]> => db.selectFrom('status_pages').selectAll().orderBy('slug').execute(),
    get: (id: string): Promise<StatusPageRow | undefined> =>
      db.selectFrom('status_pages').selectAll().where('id', '=', id).executeTakeFirst(),
    getBySlug: (slug: string): Promise<StatusPageRow | undefined> =>
      db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst(),
    /** false when the slug is taken (checked by the database, so two racing creates cannot both win) */
    insert: async (row: StatusPageRow): Promise<boolean> => {
      try {
        await db.insertInto('status_pages').values(row).execute();
        return true;
      } catch (err) {
        if (isSlugTaken(err)) return false;
        throw err;
      }
    },
    update: async (id: string, change: StatusPageChange): Promise<'ok' | 'not_found' | 'slug_taken'> => {
      try {
        const result = await db.updateTable('status_pages').set(change).where('id', '=', id).executeTakeFirst();
        return Number(result.numUpdatedRows) > 0 ? 'ok' : 'not_found';
      } catch (err) {
        if (isSlugTaken(err)) return 'slug_taken';
        throw err;
      }
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('status_pages').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type StatusPageRepository = ReturnType<typeof createStatusPageRepository>;
