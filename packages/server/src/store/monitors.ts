import type { Kysely } from 'kysely';
import type { Database, MonitorsTable } from './schema.js';

export type MonitorRow = MonitorsTable;
export type MonitorChange = Partial<Omit<MonitorRow, 'id' | 'created_at'>> & Pick<MonitorRow, 'updated_at'>;

/** Which unique column a failed write hit: the name (a 409 to the caller) or the push token (retry with another). */
function conflictOf(err: unknown): 'name' | 'push_token' | undefined {
  const { code, message = '', constraint = '' } = err as { code?: string; message?: string; constraint?: string };
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== '23505') return undefined;
  return `${message} ${constraint}`.includes('push_token') ? 'push_token' : 'name';
}

export function createMonitorRepo(db: Kysely<Database>) {
  return {
    /** 'name_taken' is decided by the database, so two racing creates cannot both win */
    insert: async (row: MonitorRow): Promise<'ok' | 'name_taken' | 'token_taken'> => {
      try {
        await db.insertInto('monitors').values(row).execute();
        return 'ok';
      } catch (err) {
        const conflict = conflictOf(err);
        if (conflict === 'name') return 'name_taken';
        if (conflict === 'push_token') return 'token_taken';
        throw err;
      }
    },
    list: (): Promise<MonitorRow[]> => db.selectFrom('monitors').selectAll().orderBy('name').execute(),
    byId: (id: string): Promise<MonitorRow | undefined> => db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst(),
    byName: (name: string): Promise<MonitorRow | undefined> => db.selectFrom('monitors').selectAll().where('name', '=', name).executeTakeFirst(),
    byPushToken: (token: string): Promise<MonitorRow | undefined> =>
      db.selectFrom('monitors').selectAll().where('push_token', '=', token).executeTakeFirst(),
    update: async (id: string, change: MonitorChange): Promise<'ok' | 'not_found' | 'name_taken' | 'token_taken'> => {
      try {
        const result = await db.updateTable('monitors').set(change).where('id', '=', id).executeTakeFirst();
        return Number(result.numUpdatedRows) > 0 ? 'ok' : 'not_found';
      } catch (err) {
        const conflict = conflictOf(err);
        if (conflict === 'name') return 'name_taken';
        if (conflict === 'push_token') return 'token_taken';
        throw err;
      }
    },
    /** Removes the monitor with its events and incidents, in one transaction. */
    remove: (id: string): Promise<boolean> => db.transaction().execute(async (tx) => {
      await tx.deleteFrom('monitor_events').where('monitor_id', '=', id).execute();
      await tx.deleteFrom('monitor_incidents').where('monitor_id', '=', id).execute();
      const result = await tx.deleteFrom('monitors').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    }),
  };
}
export type MonitorRepo = ReturnType<typeof createMonitorRepo>;
