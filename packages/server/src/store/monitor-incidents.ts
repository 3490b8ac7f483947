import type { Kysely } from 'kysely';
import type { Database, MonitorEventsTable, MonitorIncidentsTable } from './schema.js';

export type MonitorIncidentRow = MonitorIncidentsTable;
export type MonitorEventRow = Omit<MonitorEventsTable, 'id'> & { id: number };
export type NewMonitorEvent = Omit<MonitorEventsTable, 'id'>;

/** Outages (one row each) and the events around them: failed checks and state changes. */
export function createMonitorIncidentRepo(db: Kysely<Database>) {
  return {
    /**
     * Records an outage once: a second insert of the same (monitor, start) — another server that saw
     * the same results — is ignored. True when this call wrote the row.
     */
    open: async (row: MonitorIncidentRow): Promise<boolean> => {
      const result = await db.insertInto('monitor_incidents').values(row)
        .onConflict((oc) => oc.columns(['monitor_id', 'started_at']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    /** Ends every open incident of the monitor; how many it ended (0 when another server was first). */
    close: async (monitorId: string, endedAt: number): Promise<number> => {
      const result = await db.updateTable('monitor_incidents').set({ ended_at: endedAt })
        .where('monitor_id', '=', monitorId).where('ended_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    openOnes: (): Promise<MonitorIncidentRow[]> =>
      db.selectFrom('monitor_incidents').selectAll().where('ended_at', 'is', null).execute(),
    /** newest first */
    list: (monitorId: string, limit = 100): Promise<MonitorIncidentRow[]> =>
      db.selectFrom('monitor_incidents').selectAll().where('monitor_id', '=', monitorId).orderBy('started_at', 'desc').limit(limit).execute(),
    /** incidents of these monitors overlapping [from, now], newest first (status pages) */
    since: (monitorIds: readonly string[], from: number, limit = 100): Promise<MonitorIncidentRow[]> =>
      monitorIds.length === 0 ? Promise.resolve([]) : db.selectFrom('monitor_incidents').selectAll()
        .where('monitor_id', 'in', monitorIds)
        .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]))
        .orderBy('started_at', 'desc').limit(limit).execute(),
    addEvents: async (rows: readonly NewMonitorEvent[]): Promise<void> => {
      if (rows.length) await db.insertInto('monitor_events').values([...rows]).execute();
    },
    /** newest first */
    events: (monitorId: string, limit = 100): Promise<MonitorEventRow[]> =>
      db.selectFrom('monitor_events').selectAll().where('monitor_id', '=', monitorId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    /** Drops events older than `before` (monitors.events_retention_days); returns how many. */
    removeEventsBefore: async (before: number): Promise<number> => {
      const result = await db.deleteFrom('monitor_events').where('at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type MonitorIncidentRepo = ReturnType<typeof createMonitorIncidentRepo>;
