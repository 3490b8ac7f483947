import type { ApmBucket, ApmException, ApmPeriod, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import { type BucketRing, WindowSet } from './buckets.js';

/*
 * Per app, time buckets computed as items arrive (never by scanning raw items): the app's totals,
 * each route's requests and slow requests, each exception group's occurrences. Routes and exception
 * groups are capped per app; beyond the cap the least recently updated one makes room (LRU), so
 * memory per app is bounded by the caps, not by traffic or by how many distinct routes an app has.
 * With the defaults (200 routes, 100 groups) that is at most ~3.5 MB per app (a route ~15 KB, a group ~4 KB).
 */

// Field order of each WindowSet.
const APP = ['sum', 'sum', 'sum', 'sum', 'max'] as const; // requests, slow, exceptions, totalMs, maxMs
const ROUTE = ['sum', 'sum', 'sum', 'max', 'sum', 'sum', 'max'] as const; // count, errors, totalMs, maxMs, slow, slowTotalMs, slowMaxMs
const GROUP = ['sum'] as const; // occurrences

export interface AggregatorLimits {
  maxRoutesPerApp: number;
  maxFingerprintsPerApp: number;
}

interface RouteStats { method: string; route: string; windows: WindowSet; lastSlowAt: number }
interface GroupStats {
  fingerprint: string; type: string; message: string; frames: ApmException['frames'];
  context: ApmException['context']; firstSeen: number; lastSeen: number; windows: WindowSet;
}

export interface AppStats {
  totals: WindowSet;
  routes: Map<string, RouteStats>;
  groups: Map<string, GroupStats>;
  /** routes and groups pushed out by the caps */
  evicted: { routes: number; fingerprints: number };
}

const round = (n: number) => Math.round(n * 100) / 100;
const avg = (total: number, count: number) => (count > 0 ? round(total / count) : 0);

/** Moves `key` to the young end of the map (Map keeps insertion order), evicting the oldest past `cap`. */
function touch<V>(map: Map<string, V>, key: string, make: () => V, cap: number, onEvict: () => void): V {
  let value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
  } else {
    value = make();
    while (map.size >= cap) {
      map.delete(map.keys().next().value!);
      onEvict();
    }
  }
  map.set(key, value);
  return value;
}

export function createApmAggregator(options: { now: () => number; limits: () => AggregatorLimits }) {
  const apps = new Map<string, AppStats>();
  const { now } = options;
  // Client clocks run ahead sometimes: an item "from the future" counts now rather than nowhere.
  const clamp = (at: number, t: number) => Math.min(at, t);

  function statsOf(app: string): AppStats {
    let stats = apps.get(app);
    if (!stats) apps.set(app, (stats = { totals: new WindowSet(APP), routes: new Map(), groups: new Map(), evicted: { routes: 0, fingerprints: 0 } }));
    return stats;
  }
  const routeOf = (stats: AppStats, method: string, route: string) =>
    touch(stats.routes, `${method} ${route}`, () => ({ method, route, windows: new WindowSet(ROUTE), lastSlowAt: 0 }),
      options.limits().maxRoutesPerApp, () => stats.evicted.routes++);

  return {
    addRouteCounts(app: string, item: ApmRouteCounts): void {
      const t = now();
      const at = clamp(item.at, t);
      const stats = statsOf(app);
      for (const r of item.routes) {
        stats.totals.add(at, t, [r.count, 0, 0, r.totalMs, r.maxMs]);
        routeOf(stats, r.method, r.route).windows.add(at, t, [r.count, r.errors, r.totalMs, r.maxMs, 0, 0, 0]);
      }
    },

    addSlow(app: string, item: ApmSlowRequest): void {
      const t = now();
      const at = clamp(item.at, t);
      const stats = statsOf(app);
      stats.totals.add(at, t, [0, 1, 0, 0, 0]);
      const route = routeOf(stats, item.method, item.route);
      route.windows.add(at, t, [0, 0, 0, 0, 1, item.durationMs, item.durationMs]);
      route.lastSlowAt = Math.max(route.lastSlowAt, at);
    },

    addException(app: string, item: ApmException): void {
      const t = now();
      const at = clamp(item.at, t);
      const stats = statsOf(app);
      stats.totals.add(at, t, [0, 0, 1, 0, 0]);
      const group = touch(stats.groups, item.fingerprint, () => ({
        fingerprint: item.fingerprint, type: item.type, message: item.message, frames: item.frames, context: item.context, firstSeen: at, lastSeen: at, windows: new WindowSet(GROUP),
      }), options.limits().maxFingerprintsPerApp, () => stats.evicted.fingerprints++);
      group.windows.add(at, t, [1]);
      group.firstSeen = Math.min(group.firstSeen, at);
      if (at >= group.lastSeen) Object.assign(group, { lastSeen: at, type: item.type, message: item.message, frames: item.frames, context: item.context });
    },

    /** Requests, slow requests and exceptions per minute over the last `minutes` (from the 1 h window). */
    rates(app: string, minutes = 5): { requestsPerMin: number; slowPerMin: number; exceptionsPerMin: number } {
      const stats = apps.get(app);
      if (!stats) return { requestsPerMin: 0, slowPerMin: 0, exceptionsPerMin: 0 };
      const t = now();
      const [requests = 0, slow = 0, exceptions = 0] = stats.totals.ring('1h').total(t, t - minutes * 60_000);
      return { requestsPerMin: round(requests / minutes), slowPerMin: round(slow / minutes), exceptionsPerMin: round(exceptions / minutes) };
    },

    buckets(app: string, period: ApmPeriod): ApmBucket[] {
      const ring: BucketRing | undefined = apps.get(app)?.totals.ring(period);
      if (!ring) return new WindowSet(APP).ring(period).series(now()).map(({ t }) => ({ t, requests: 0, slow: 0, exceptions: 0, avgMs: 0, maxMs: 0 }));
      return ring.series(now()).map(({ t, values: [requests = 0, slow = 0, exceptions = 0, totalMs = 0, maxMs = 0] }) => ({
        t, requests, slow, exceptions, avgMs: avg(totalMs, requests), maxMs,
      }));
    },

    /** Routes by requests in the period, busiest first. */
    routes(app: string, period: ApmPeriod, top = 20) {
      const t = now();
      return [...(apps.get(app)?.routes.values() ?? [])]
        .map((r) => {
          const [count = 0, errors = 0, totalMs = 0, maxMs = 0] = r.windows.ring(period).total(t);
          return { method: r.method, route: r.route, count, errors, avgMs: avg(totalMs, count), maxMs };
        })
        .filter((r) => r.count > 0)
        .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route))
        .slice(0, top);
    },

    /** Routes by slow requests in the period, most first. */
    slowRoutes(app: string, period: ApmPeriod, top = 10) {
      const t = now();
      return [...(apps.get(app)?.routes.values() ?? [])]
        .map((r) => {
          const [, , , , count = 0, totalMs = 0, maxMs = 0] = r.windows.ring(period).total(t);
          return { method: r.method, route: r.route, count, avgMs: avg(totalMs, count), maxMs, lastAt: r.lastSlowAt };
        })
        .filter((r) => r.count > 0)
        .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt)
        .slice(0, top);
    },

    /** Exception groups by occurrences in the period, most first. */
    exceptions(app: string, period: ApmPeriod, top = 10) {
      const t = now();
      return [...(apps.get(app)?.groups.values() ?? [])]
        .map((g) => ({
          fingerprint: g.fingerprint, type: g.type, message: g.message, count: g.windows.ring(period).total(t)[0] ?? 0,
          firstSeen: g.firstSeen, lastSeen: g.lastSeen, frames: g.frames, ...(g.context ? { context: g.context } : {}),
        }))
        .filter((g) => g.count > 0)
        .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen)
        .slice(0, top);
    },

    evicted: (app: string) => apps.get(app)?.evicted ?? { routes: 0, fingerprints: 0 },
    sizes: (app: string) => ({ routes: apps.get(app)?.routes.size ?? 0, fingerprints: apps.get(app)?.groups.size ?? 0 }),
  };
}
export type ApmAggregator = ReturnType<typeof createApmAggregator>;
