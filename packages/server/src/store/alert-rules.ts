import type { AlertOverrideInput, AlertRule, AlertRuleInput } from '@pulse/protocol';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** An override as the engine reads it: the input plus its id. */
export type StoredAlertOverride = AlertOverrideInput & { id: string };

/**
 * Alert rules made or edited by users. A built-in rule appears here only once edited: its row holds
 * the whole edited definition, so a later change of the shipped default does not undo the edit.
 */
export function createAlertRuleRepo(db: Kysely<Database>) {
  const toRule = (row: { id: string; definition: string; built_in: number; created_at: number; updated_at: number }): AlertRule => ({
    ...(JSON.parse(row.definition) as AlertRuleInput), id: row.id, builtIn: row.built_in === 1, createdAt: row.created_at, updatedAt: row.updated_at,
  });
  return {
    list: async (): Promise<AlertRule[]> => (await db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id').execute()).map(toRule),
    byId: async (id: string): Promise<AlertRule | undefined> => {
      const row = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRule(row);
    },
    /** Creates or replaces the rule; `createdAt` of an existing row is kept. */
    save: async (rule: AlertRule): Promise<void> => {
      const { id, builtIn, createdAt, updatedAt, ...input } = rule;
      const definition = JSON.stringify(input);
      await db.insertInto('alert_rules').values({ id, definition, built_in: builtIn ? 1 : 0, created_at: createdAt, updated_at: updatedAt })
        .onConflict((oc) => oc.column('id').doUpdateSet({ definition, updated_at: updatedAt }))
        .execute();
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type AlertRuleRepo = ReturnType<typeof createAlertRuleRepo>;

/** Per resource, tag or type exceptions to the rules (silence, monitor-only, other thresholds). */
export function createAlertOverrideRepo(db: Kysely<Database>) {
  return {
    list: async (): Promise<StoredAlertOverride[]> => {
      const rows = await db.selectFrom('alert_overrides').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => ({ ...(JSON.parse(row.definition) as AlertOverrideInput), id: row.id }));
    },
    insert: async (override: StoredAlertOverride, at: number): Promise<void> => {
      const { id, ...input } = override;
      await db.insertInto('alert_overrides').values({ id, definition: JSON.stringify(input), created_at: at }).execute();
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('alert_overrides').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type AlertOverrideRepo = ReturnType<typeof createAlertOverrideRepo>;
