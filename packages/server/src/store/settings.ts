import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function createSettingsRepo(db: Kysely<Database>) {
  return {
    get: async (key: string): Promise<string | undefined> =>
      (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value,
    set: async (key: string, value: string): Promise<void> => {
      await db.insertInto('settings').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },
  };
}
export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
