import { randomUUID } from 'node:crypto';
import type { CheckResult, MonitorState } from '@pulse/protocol';
import type { NewMonitorEvent, StateStore } from '../store/index.js';
import type { MonitorStatus, StoredMonitor } from './monitor-types.js';

/** Results kept in memory per monitor for the detail page; older ones are in the metric store only. */
export const RECENT_RESULTS = 100;

export interface MonitorResultsDeps {
  store: Pick<StateStore, 'monitorIncidents'>;
  now: () => number;
  /** whether a maintenance window covers the monitor at t (maintenance-service.ts) */
  inMaintenance?: (monitorId: string, t: number) => boolean;
  logger: { error(obj: object, msg?: string): void };
  newId?: () => string;
}

export type StatusListener = (monitor: StoredMonitor, status: MonitorStatus, result?: CheckResult) => void;

interface Entry {
  monitor: StoredMonitor;
  status: MonitorStatus;
  recent: CheckResult[];
  /** scheduledAt of the first failed check of the current streak: when the outage began */
  failingSince?: number;
  /** failed checks in a row, this one included */
  failures: number;
  /** an incident is open (known from this process or from the database at start) */
  incidentOpen: boolean;
}

const idle = (monitor: StoredMonitor): MonitorState => (monitor.enabled ? 'unknown' : 'paused');

/**
 * The monitor state machine: each CheckResult moves a monitor between up, pending (failed, retries
 * left), down (retries used up; an incident opens) and back up (the incident closes). Paused and
 * maintenance override. Only failed checks and state changes are written (`monitor_events`).
 */
export function createMonitorResults(deps: MonitorResultsDeps) {
  const { store, now, logger } = deps;
  const newId = deps.newId ?? randomUUID;
  const entries = new Map<string, Entry>();
  let openAtStart = new Set<string>();
  const listeners = new Set<StatusListener>();
  const tell = (entry: Entry, result?: CheckResult) => {
    for (const listener of listeners) listener(entry.monitor, entry.status, result);
  };

  /** The next state for a result, before any write. */
  function next(entry: Entry, result: CheckResult): MonitorState {
    const { monitor, status } = entry;
    if (!monitor.enabled) return 'paused';
    if (deps.inMaintenance?.(monitor.id, result.startedAt)) return 'maintenance';
    if (result.status === 'up') return 'up';
    // Once down, a monitor stays down until a check passes, whatever attempt the check was.
    if (status.state === 'down') return 'down';
    // Failures in a row count too: the scheduler drops a retry that would fall on the next regular
    // run (attempt 0 again), so with retryIntervalS >= intervalS attempts alone would never reach down.
    return Math.max(result.attempt, entry.failures - 1) >= monitor.retries ? 'down' : 'pending';
  }

  async function applyResult(result: CheckResult, monitor: StoredMonitor): Promise<MonitorStatus> {
    const entry = entries.get(monitor.id) ?? track(monitor);
    entry.monitor = monitor;
    entry.recent.push(result);
    if (entry.recent.length > RECENT_RESULTS) entry.recent.shift();
    const previous = entry.status.state;
    entry.failures = result.status === 'down' ? entry.failures + 1 : 0;
    const state = next(entry, result);
    entry.status = { state, lastCheckAt: result.startedAt, reason: result.reason ?? null, warning: result.warning ?? null };
    if (result.status === 'down') entry.failingSince ??= result.scheduledAt;
    else entry.failingSince = undefined;
    if (state === 'maintenance' || state === 'paused') {
      // Failures while nobody expects the target to answer do not count towards the next outage.
      entry.failures = 0;
      entry.failingSince = undefined;
    }

    const events: NewMonitorEvent[] = [];
    const event = (kind: NewMonitorEvent['kind'], withResult: boolean): NewMonitorEvent => ({
      monitor_id: monitor.id, at: result.startedAt, kind, status: state, reason_code: result.reason?.code ?? null,
      reason_message: result.reason?.message ?? null, result: withResult ? JSON.stringify(result) : null,
    });
    // A failure expected in a maintenance window is not an event worth keeping; entering the window is.
    if (result.status === 'down' && state !== 'maintenance' && state !== 'paused') events.push(event('down', true));
    else if (state !== previous && previous !== 'unknown') events.push(event(state === 'up' ? 'up' : 'state', false));
    tell(entry, result);

    try {
      if (state === 'down' && !entry.incidentOpen) {
        entry.incidentOpen = true;
        await store.monitorIncidents.open({
          id: newId(), monitor_id: monitor.id, started_at: entry.failingSince ?? result.scheduledAt, ended_at: null,
          reason_code: result.reason?.code ?? 'unknown', reason_message: result.reason?.message ?? 'The check failed.',
        });
      } else if (result.status === 'up' && entry.incidentOpen) {
        entry.incidentOpen = false;
        await store.monitorIncidents.close(monitor.id, result.startedAt);
      }
      await store.monitorIncidents.addEvents(events);
    } catch (err) {
      logger.error({ err, monitorId: monitor.id }, 'could not record a monitor result; its state is still current in memory');
    }
    return entry.status;
  }

  /** Adds or refreshes a monitor (created, changed, paused, resumed); says so when its state changes. */
  function track(monitor: StoredMonitor): Entry {
    const entry = entries.get(monitor.id);
    if (!entry) {
      const created: Entry = { monitor, status: { state: idle(monitor) }, recent: [], failures: 0, incidentOpen: openAtStart.has(monitor.id) };
      entries.set(monitor.id, created);
      tell(created);
      return created;
    }
    const wasEnabled = entry.monitor.enabled;
    entry.monitor = monitor;
    if (wasEnabled !== monitor.enabled) {
      // Paused, or resumed and not checked yet: what was known before no longer holds.
      entry.status = { state: idle(monitor) };
      entry.failingSince = undefined;
      entry.failures = 0;
      store.monitorIncidents.addEvents([{ monitor_id: monitor.id, at: now(), kind: 'state', status: entry.status.state, reason_code: null, reason_message: null, result: null }])
        .catch((err: unknown) => logger.error({ err, monitorId: monitor.id }, 'could not record a monitor state change'));
    }
    tell(entry);
    return entry;
  }

  return {
    /** Loads which monitors have an open incident, so a restart neither opens a second one nor leaves one open. */
    async init(): Promise<void> {
      openAtStart = new Set((await store.monitorIncidents.openOnes()).map((r) => r.monitor_id));
      for (const [id, entry] of entries) entry.incidentOpen ||= openAtStart.has(id);
    },
    track: (monitor: StoredMonitor): void => void track(monitor),
    forget: (id: string): void => {
      entries.delete(id);
    },
    applyResult,
    /** For the scheduler's onResult, which hands only the result: results of unknown (deleted) monitors are dropped. */
    onResult(result: CheckResult): Promise<MonitorStatus | undefined> {
      const entry = entries.get(result.monitorId);
      return entry ? applyResult(result, entry.monitor) : Promise.resolve(undefined);
    },
    monitor: (id: string): StoredMonitor | undefined => entries.get(id)?.monitor,
    monitors: (): StoredMonitor[] => [...entries.values()].map((e) => e.monitor),
    state: (id: string): MonitorStatus | undefined => entries.get(id)?.status,
    /** Newest first. */
    recentResults: (id: string, limit = RECENT_RESULTS): CheckResult[] => (entries.get(id)?.recent ?? []).slice(-limit).reverse(),
    subscribe(listener: StatusListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Drops events older than the retention (monitors.events_retention_days). */
    pruneEvents: (retentionDays: number): Promise<number> => store.monitorIncidents.removeEventsBefore(now() - retentionDays * 86_400_000),
  };
}
export type MonitorResults = ReturnType<typeof createMonitorResults>;
