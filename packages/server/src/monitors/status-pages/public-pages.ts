import { MaintenanceWindowInput } from '@pulse/protocol';
import type { Registry } from '../../resources/index.js';
import type { StateStore } from '../../store/index.js';
import { coversMonitor, occurrences } from '../maintenance.js';
import { type UptimeHistory, uptimePercent } from '../uptime.js';
import { createStatusPageViews, type PublicMaintenance } from './status-page-view.js';

export interface PublicStatusPagesDeps {
  store: Pick<StateStore, 'statusPages' | 'monitors' | 'monitorIncidents' | 'maintenanceWindows'>;
  registry: Pick<Registry, 'get'>;
  history: UptimeHistory;
  now: () => number;
}

/** Occurrences of windows covering any of the monitors in [from, to], soonest first; titles only. */
async function maintenanceOf(store: PublicStatusPagesDeps['store'], monitorIds: readonly string[], from: number, to: number): Promise<PublicMaintenance[]> {
  const out: PublicMaintenance[] = [];
  for (const row of await store.maintenanceWindows.list()) {
    const parsed = MaintenanceWindowInput.safeParse({ ...(JSON.parse(row.definition) as object), title: row.title });
    // A stored window that no longer parses is the maintenance API's to report, not a public page's.
    if (!parsed.success) continue;
    const window = parsed.data;
    if (!monitorIds.some((id) => coversMonitor(window, id))) continue;
    for (const o of occurrences(window, from, to)) out.push({ title: window.title, ...o });
  }
  return out.sort((a, b) => a.startsAt - b.startsAt).slice(0, 20);
}

/** The public views wired to the real uptime figures and maintenance windows. */
export function createPublicStatusPages(deps: PublicStatusPagesDeps) {
  return createStatusPageViews({
    store: deps.store,
    registry: deps.registry,
    history: deps.history.store,
    now: deps.now,
    uptime: (monitorId, rangeMs, now) => uptimePercent(deps.history, monitorId, rangeMs, now),
    maintenance: (monitorIds, from, to) => maintenanceOf(deps.store, monitorIds, from, to),
  });
}
