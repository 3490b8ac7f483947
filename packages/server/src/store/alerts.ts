import type { Alert } from '@pulse/protocol';
import type { Kysely } from 'kysely';
import type { AlertsTable, Database } from './schema.js';

function rowOf(alert: Alert): AlertsTable {
  return {
    id: alert.id, rule_id: alert.ruleId, resource_id: alert.resourceId, state: alert.state, severity: alert.severity, message: alert.message,
    value: alert.value ?? null, pending_since: alert.pendingSince, fired_at: alert.firedAt ?? null, acked_at: alert.acknowledgedAt ?? null,
    acked_by: alert.acknowledgedBy ?? null, resolved_at: alert.resolvedAt ?? null, snoozed_until: alert.snoozedUntil ?? null,
    held: alert.held ?? null, parent_alert_id: alert.parentAlertId ?? null, data: JSON.stringify(alert),
  };
}

/** Alert instances: every state change upserts the row, so the table is the alert history too. */
export function createAlertRepo(db: Kysely<Database>) {
  const parse = (rows: Array<{ data: string }>): Alert[] => rows.map((r) => JSON.parse(r.data) as Alert);
  return {
    /** One transaction per batch: the alert service writes what piled up since its last flush. */
    saveMany: async (alerts: Alert[]): Promise<void> => {
      if (alerts.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const alert of alerts) {
          const { id: _id, ...change } = rowOf(alert);
          await tx.insertInto('alerts').values(rowOf(alert)).onConflict((oc) => oc.column('id').doUpdateSet(change)).execute();
        }
      });
    },
    /** Alerts not yet resolved, for the engine after a restart. */
    open: async (): Promise<Alert[]> => parse(await db.selectFrom('alerts').select('data').where('state', '!=', 'resolved').orderBy('pending_since').execute()),
    /** Newest first; `resolved: false` leaves out resolved ones. */
    list: async (query: { resourceId?: string | undefined; resolved: boolean; limit: number }): Promise<Alert[]> => {
      let q = db.selectFrom('alerts').select('data');
      if (query.resourceId !== undefined) q = q.where('resource_id', '=', query.resourceId);
      if (!query.resolved) q = q.where('state', '!=', 'resolved');
      return parse(await q.orderBy('pending_since', 'desc').orderBy('id').limit(query.limit).execute());
    },
    byId: async (id: string): Promise<Alert | undefined> => {
      const row = await db.selectFrom('alerts').select('data').where('id', '=', id).executeTakeFirst();
      return row && (JSON.parse(row.data) as Alert);
    },
    /** Removes alerts resolved before `t`; returns how many went. */
    removeResolvedBefore: async (t: number): Promise<number> => {
      const result = await db.deleteFrom('alerts').where('state', '=', 'resolved').where('resolved_at', '<', t).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type AlertRepo = ReturnType<typeof createAlertRepo>;
