import type { Kysely } from 'kysely';
import type { AgentsTable, Database } from './schema.js';

export type AgentRow = AgentsTable;

export function createAgentRepo(db: Kysely<Database>) {
  return {
    insert: async (row: AgentRow): Promise<void> => {
      await db.insertInto('agents').values(row).execute();
    },
    listActive: (): Promise<AgentRow[]> =>
      db.selectFrom('agents').selectAll().where('revoked_at', 'is', null).orderBy('enrolled_at').execute(),
    /** A new token for an agent that enrols again; the old one stops working. */
    reissue: async (id: string, change: Pick<AgentRow, 'hostname' | 'version' | 'token_hash' | 'token_issued_at' | 'install_token_id'>): Promise<void> => {
      await db.updateTable('agents').set(change).where('id', '=', id).execute();
    },
    /** What agents last reported, written in one transaction per flush, not one per report. */
    saveStates: async (states: Array<Pick<AgentRow, 'id' | 'version' | 'last_report_at' | 'state'>>): Promise<void> => {
      if (!states.length) return;
      await db.transaction().execute(async (tx) => {
        for (const { id, version, last_report_at, state } of states) {
          await tx.updateTable('agents').set({ version, last_report_at, state }).where('id', '=', id).execute();
        }
      });
    },
    revoke: async (id: string, at: number): Promise<boolean> => {
      const result = await db.updateTable('agents').set({ revoked_at: at, token_hash: '' })
        .where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
export type AgentRepo = ReturnType<typeof createAgentRepo>;
