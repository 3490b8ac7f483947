import { type MonitorState, monitorStates } from '@pulse/protocol';
import type { MetricStore } from '../../history/types.js';
import type { Registry } from '../../resources/index.js';
import type { StateStore } from '../../store/index.js';
import type { MonitorRow } from '../../store/monitors.js';
import { publicReason } from './public-text.js';
import type { StatusPage, StatusPageView, UptimeRange } from './schema.js';
import { pageOf } from './status-page-service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const RANGE_MS: Record<UptimeRange, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };
const HISTORY_DAYS = 90;
const INCIDENT_DAYS = 30;
const MAX_INCIDENTS = 50;
const MAINTENANCE_AHEAD_MS = 7 * DAY;
/**
 * A built view is reused this long: a popular page (or one linked from a busy README as badges)
 * costs one build per slug per window however many addresses ask, and stays as fresh as its
 * `Cache-Control: max-age` says anyway.
 */
const REUSE_MS = 10_000;

/** A page's public view, with what the badge routes need to know of its settings. */
export interface PublicPage { view: StatusPageView; showResponseTimes: boolean }

export interface PublicMaintenance { title: string; startsAt: number; endsAt: number }

export interface StatusPageViewDeps {
  store: Pick<StateStore, 'statusPages' | 'monitors' | 'monitorIncidents'>;
  registry: Pick<Registry, 'get'>;
  history: Pick<MetricStore, 'read'>;
  /** percent of checks up over the last `rangeMs` (monitors/uptime.ts), null without data */
  uptime: (monitorId: string, rangeMs: number, now: number) => Promise<number | null>;
  /** maintenance windows covering any of these monitors that overlap [from, to] (monitors/maintenance.ts) */
  maintenance: (monitorIds: readonly string[], from: number, to: number) => Promise<PublicMaintenance[]>;
  now: () => number;
}

const isState = (s: unknown): s is MonitorState => typeof s === 'string' && (monitorStates as readonly string[]).includes(s);
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Everything naming where a monitor points: cut out of public reason messages wherever it appears. */
function targetsOf(row: MonitorRow | undefined, details: Record<string, unknown> | undefined): string[] {
  const found = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string' || !v) return;
    found.add(v);
    try {
      const url = new URL(v);
      found.add(url.host);
      found.add(url.hostname);
    } catch {
      // not a URL: a host, host:port or a DNS name, added as it is
    }
  };
  if (row) {
    const definition = JSON.parse(row.definition) as Record<string, unknown>;
    for (const key of ['url', 'host', 'hostname', 'resolver']) add(definition[key]);
  }
  // A push monitor's target is the word "push", which reasons use as a word ("no push arrived").
  if (row?.type !== 'push') add(details?.target);
  add(details?.ip);
  // The longest first, so "db.lan:5432" goes before "db.lan" leaves ":5432" behind.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Whole-page state: outage when every monitor that is checked is down, degraded when some are down or
 * retrying, maintenance when one is in a window and nothing is failing. Paused and unknown monitors
 * say nothing about the service.
 */
export function overallOf(states: readonly MonitorState[]): StatusPageView['overall'] {
  const checked = states.filter((s) => s === 'up' || s === 'down' || s === 'pending');
  const down = checked.filter((s) => s === 'down').length;
  if (down > 0 && down === checked.length) return 'outage';
  if (down > 0 || checked.includes('pending')) return 'degraded';
  if (states.includes('maintenance')) return 'maintenance';
  return 'operational';
}

/** Builds the public view of a page by slug, from the registry, the metric store and the state store. */
export function createStatusPageViews(deps: StatusPageViewDeps) {
  const { store, registry, history, now } = deps;
  const built = new Map<string, { key: string; at: number; page: PublicPage }>();

  async function dailyBars(monitorId: string, at: number): Promise<Array<{ day: number; uptime: number | null }>> {
    const today = Math.floor(at / DAY) * DAY;
    const first = today - (HISTORY_DAYS - 1) * DAY;
    // Finished days come from the 1 d tier (`up` averaged per day); today is not rolled up yet.
    const [points, todayPercent] = await Promise.all([
      history.read(`monitor:${monitorId}`, 'up', '1d', first, today - 1),
      deps.uptime(monitorId, at - today, at),
    ]);
    const byDay = new Map<number, number>();
    points.t.forEach((t, i) => byDay.set(Math.floor(t / DAY) * DAY, points.v[i]!));
    const bars: Array<{ day: number; uptime: number | null }> = [];
    for (let day = first; day < today; day += DAY) {
      const v = byDay.get(day);
      bars.push({ day, uptime: v === undefined ? null : round(v * 100) });
    }
    bars.push({ day: today, uptime: todayPercent === null ? null : round(todayPercent) });
    return bars;
  }

  async function build(page: StatusPage, at: number): Promise<StatusPageView> {
    const rows = new Map((await store.monitors.list()).map((m) => [m.id, m]));
    const states: MonitorState[] = [];
    const names = new Map<string, string>();
    const targets = new Map<string, string[]>();
    let index = 0;
    const groups: StatusPageView['groups'] = [];
    for (const group of page.groups) {
      const monitors: StatusPageView['groups'][number]['monitors'] = [];
      for (const id of group.monitorIds) {
        const position = index++;
        const row = rows.get(id);
        // A monitor deleted since the page was saved drops out; the others keep their badge index.
        if (!row) continue;
        const resource = registry.get(`monitor:${id}`);
        const reported = resource?.details.state;
        const state: MonitorState = isState(reported) ? reported : row.enabled === 0 ? 'paused' : 'unknown';
        states.push(state);
        names.set(id, row.name);
        targets.set(id, targetsOf(row, resource?.details));
        const [d1, d7, d30, bars] = await Promise.all([
          deps.uptime(id, RANGE_MS['24h'], at), deps.uptime(id, RANGE_MS['7d'], at), deps.uptime(id, RANGE_MS['30d'], at), dailyBars(id, at),
        ]);
        const rt = resource?.metrics.rt;
        monitors.push({
          index: position, name: row.name, state,
          uptime: { '24h': d1 === null ? null : round(d1), '7d': d7 === null ? null : round(d7), '30d': d30 === null ? null : round(d30) },
          ...(page.showResponseTimes && rt !== undefined && state !== 'paused' ? { responseMs: Math.round(rt) } : {}),
          history: bars,
        });
      }
      groups.push({ name: group.name, monitors });
    }
    const ids = [...names.keys()];
    const view: StatusPageView = {
      title: page.title,
      ...(page.description !== undefined ? { description: page.description } : {}),
      ...(page.logoUrl !== undefined ? { logoUrl: page.logoUrl } : {}),
      ...(page.footer !== undefined ? { footer: page.footer } : {}),
      updatedAt: at,
      overall: overallOf(states),
      groups,
    };
    if (page.showIncidents) {
      const rowsSince = await store.monitorIncidents.since(ids, at - INCIDENT_DAYS * DAY, MAX_INCIDENTS);
      view.incidents = rowsSince.map((r) => ({
        monitorName: names.get(r.monitor_id)!, startedAt: r.started_at, endedAt: r.ended_at,
        reason: publicReason(r.reason_message, targets.get(r.monitor_id)),
      }));
    }
    const windows = ids.length ? await deps.maintenance(ids, at, at + MAINTENANCE_AHEAD_MS) : [];
    if (windows.length) view.maintenance = windows.map(({ title, startsAt, endsAt }) => ({ title, startsAt, endsAt }));
    return view;
  }

  /** The view of the page at `slug`, or undefined when there is none (say nothing more). */
  async function bySlug(slug: string): Promise<PublicPage | undefined> {
    const row = await store.statusPages.getBySlug(slug);
    if (!row) {
      built.delete(slug);
      return undefined;
    }
    const at = now();
    // The key changes with the page, so an edit shows at once rather than after the reuse window.
    const key = `${row.id}:${row.updated_at}`;
    const cached = built.get(slug);
    if (cached && cached.key === key && at - cached.at < REUSE_MS) return cached.page;
    const stored = pageOf(row);
    const page = { view: await build(stored, at), showResponseTimes: stored.showResponseTimes };
    built.set(slug, { key, at, page });
    return page;
  }

  return { bySlug };
}
export type StatusPageViews = ReturnType<typeof createStatusPageViews>;
