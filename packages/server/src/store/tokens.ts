import type { Kysely } from 'kysely';
import type { ApiTokensTable, Database } from './schema.js';

export type ApiTokenRow = ApiTokensTable;

export function createTokenRepo(db: Kysely<Database>) {
  return {
    insert: async (token: ApiTokenRow): Promise<void> => {
      await db.insertInto('api_tokens').values(token).execute();
    },
    byId: (id: string): Promise<ApiTokenRow | undefined> =>
      db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    listActive: (): Promise<ApiTokenRow[]> =>
      db.selectFrom('api_tokens').selectAll().where('revoked_at', 'is', null).orderBy('created_at', 'desc').execute(),
    revoke: async (id: string, at: number): Promise<boolean> => {
      const result = await db.updateTable('api_tokens').set({ revoked_at: at })
        .where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    markUsed: async (id: string, at: number): Promise<void> => {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}
export type TokenRepo = ReturnType<typeof createTokenRepo>;
