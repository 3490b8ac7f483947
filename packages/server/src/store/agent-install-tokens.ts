import type { Kysely } from 'kysely';
import type { AgentInstallTokensTable, Database } from './schema.js';

export type InstallTokenRow = AgentInstallTokensTable;

export function createInstallTokenRepo(db: Kysely<Database>) {
  return {
    insert: async (row: InstallTokenRow): Promise<void> => {
      await db.insertInto('agent_install_tokens').values(row).execute();
    },
    byId: (id: string): Promise<InstallTokenRow | undefined> =>
      db.selectFrom('agent_install_tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Not revoked, not expired at `at`, not used up. */
    listUsable: (at: number): Promise<InstallTokenRow[]> =>
      db.selectFrom('agent_install_tokens').selectAll().where('revoked_at', 'is', null).where('expires_at', '>', at)
        .whereRef('uses', '<', 'max_uses').orderBy('created_at', 'desc').execute(),
    /** Counts one use if the token is still usable at `at`; false when it is not (a race lost included). */
    consume: async (id: string, at: number): Promise<boolean> => {
      const result = await db.updateTable('agent_install_tokens')
        .set((eb) => ({ uses: eb('uses', '+', 1), last_used_at: at }))
        .where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', at).whereRef('uses', '<', 'max_uses')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    revoke: async (id: string, at: number): Promise<boolean> => {
      const result = await db.updateTable('agent_install_tokens').set({ revoked_at: at })
        .where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
export type InstallTokenRepo = ReturnType<typeof createInstallTokenRepo>;
