import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from './schema.js';

export type SessionRow = SessionsTable;

export function createSessionRepo(db: Kysely<Database>) {
  return {
    insert: async (session: SessionRow): Promise<void> => {
      await db.insertInto('sessions').values(session).execute();
    },
    byHash: (idHash: string): Promise<SessionRow | undefined> =>
      db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst(),
    touch: async (idHash: string, at: number, expiresAt: number): Promise<void> => {
      await db.updateTable('sessions').set({ last_seen_at: at, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
    },
    remove: async (idHash: string): Promise<void> => {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    removeExpired: async (now: number): Promise<number> => {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type SessionRepo = ReturnType<typeof createSessionRepo>;
