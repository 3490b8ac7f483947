import { randomUUID } from 'node:crypto';
import { MaintenanceWindowInput } from '@pulse/protocol';
import type { MaintenanceWindowRow, StateStore } from '../store/index.js';
import { coversMonitor, isInWindow, isTimeZone, occurrences } from './maintenance.js';
import { MonitorError } from './monitor-types.js';

export type MaintenanceWindow = MaintenanceWindowInput & { id: string; createdAt: number };

export interface MaintenanceServiceDeps {
  store: Pick<StateStore, 'maintenanceWindows' | 'audit'>;
  now: () => number;
  newId?: () => string;
  /** how long the in-memory copy the state machine reads is trusted (other servers may change windows) */
  refreshMs?: number;
}

const notFound = () => new MonitorError('maintenance.not_found', 'No maintenance window with that id.');

function windowOf(row: MaintenanceWindowRow): MaintenanceWindow {
  return { ...MaintenanceWindowInput.parse({ ...(JSON.parse(row.definition) as object), title: row.title }), id: row.id, createdAt: row.created_at };
}

/** What zod cannot check: a time zone Intl knows. */
function checked(input: MaintenanceWindowInput): MaintenanceWindowInput {
  if (input.recurrence && !isTimeZone(input.recurrence.timezone)) {
    throw new MonitorError('validation.failed', `body.recurrence.timezone: "${input.recurrence.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`);
  }
  return input;
}

/**
 * Maintenance windows: CRUD (audited), and `covers(monitorId, t)` for the state machine, answered
 * from memory (reloaded after every change here and every `refreshMs`) since it runs per check.
 */
export function createMaintenanceService(deps: MaintenanceServiceDeps) {
  const { store, now } = deps;
  const newId = deps.newId ?? randomUUID;
  const refreshMs = deps.refreshMs ?? 30_000;
  let cached: MaintenanceWindow[] = [];
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  async function reload(): Promise<void> {
    cached = (await store.maintenanceWindows.list()).map(windowOf);
    loadedAt = now();
  }
  /** Reloads in the background when stale; the state machine never waits on the database for this. */
  function fresh(): MaintenanceWindow[] {
    if (now() - loadedAt > refreshMs && !loading) loading = reload().catch(() => undefined).finally(() => { loading = undefined; });
    return cached;
  }
  async function get(id: string): Promise<MaintenanceWindow> {
    const row = await store.maintenanceWindows.byId(id);
    if (!row) throw notFound();
    return windowOf(row);
  }
  const audit = (actor: string, action: string, w: MaintenanceWindow) =>
    store.audit.record({ at: now(), actor, action: `maintenance.${action}`, target: w.id, detail: { title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, monitors: w.monitorIds.length } });

  return {
    load: reload,
    list: async (): Promise<MaintenanceWindow[]> => (await store.maintenanceWindows.list()).map(windowOf),
    get,
    create: async (input: MaintenanceWindowInput, actor: string): Promise<MaintenanceWindow> => {
      const { title, ...definition } = checked(input);
      const row = { id: newId(), title, definition: JSON.stringify(definition), created_at: now() };
      await store.maintenanceWindows.insert(row);
      await reload();
      const created = windowOf(row);
      await audit(actor, 'create', created);
      return created;
    },
    update: async (id: string, input: MaintenanceWindowInput, actor: string): Promise<MaintenanceWindow> => {
      const { title, ...definition } = checked(input);
      if (!(await store.maintenanceWindows.update(id, { title, definition: JSON.stringify(definition) }))) throw notFound();
      await reload();
      const updated = await get(id);
      await audit(actor, 'update', updated);
      return updated;
    },
    remove: async (id: string, actor: string): Promise<void> => {
      const existing = await get(id);
      if (!(await store.maintenanceWindows.remove(id))) throw notFound();
      await reload();
      await audit(actor, 'delete', existing);
    },
    /** Whether a window covers the monitor at `t`. */
    covers: (monitorId: string, t: number): boolean => fresh().some((w) => coversMonitor(w, monitorId) && isInWindow(w, t)),
    /** Occurrences covering any of these monitors that overlap [from, to] (status pages). */
    between: async (monitorIds: readonly string[], from: number, to: number): Promise<Array<{ title: string; startsAt: number; endsAt: number }>> => {
      const windows = (await store.maintenanceWindows.list()).map(windowOf);
      return windows.filter((w) => monitorIds.some((id) => coversMonitor(w, id)))
        .flatMap((w) => occurrences(w, from, to).map((o) => ({ title: w.title, ...o })))
        .sort((a, b) => a.startsAt - b.startsAt);
    },
  };
}
export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
