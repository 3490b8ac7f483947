import type { Kysely } from 'kysely';
import type { Database, UsersTable } from './schema.js';

export type UserRow = UsersTable;

export function createUserRepo(db: Kysely<Database>) {
  return {
    count: async (): Promise<number> => {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    byUsername: (username: string): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst(),
    byId: (id: string): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: async (user: UserRow): Promise<void> => {
      await db.insertInto('users').values(user).execute();
    },
    oldestAdmin: (): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('role', '=', 'admin').orderBy('created_at', 'asc').limit(1).executeTakeFirst(),
    setPassword: async (id: string, passwordHash: string): Promise<void> => {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },
  };
}
export type UserRepo = ReturnType<typeof createUserRepo>;
