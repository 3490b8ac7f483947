import type { ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import type { BoundedQueue } from './queue.js';
import { LIMITS } from './wire.js';

/** Running totals for one method + route; created once per route, then only mutated. */
interface RouteTotals {
  method: string;
  route: string;
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

/** Route name every route past `maxRoutes` is counted under, so a router that puts raw values in
 * its templates cannot grow the map (and the batch) without bound. */
export const OTHER_ROUTES = '(other)';

export interface RequestRecorderOptions {
  instanceId: string;
  slowThresholdMs: number;
  slowSampleRate: number;
  maxRoutes: number;
  slow: BoundedQueue<ApmSlowRequest>;
  now: () => number;
  random: () => number;
  /** called after a slow request is queued, so the sender can flush a full batch early */
  onQueued: () => void;
}

/**
 * Counts every request per route and queues the slow ones. `record` is the per-request cost of the
 * SDK: two Map lookups keyed by the strings the framework already holds (no key is built per
 * request) and a few additions; it allocates only for a new route or a slow request.
 */
export class RequestRecorder {
  readonly #byRoute = new Map<string, Map<string, RouteTotals>>();
  readonly #o: RequestRecorderOptions;
  #routes = 0;
  #since: number;

  constructor(options: RequestRecorderOptions) {
    this.#o = options;
    this.#since = options.now();
  }

  record(method: string, route: string, status: number, durationMs: number): void {
    let byMethod = this.#byRoute.get(route);
    if (byMethod === undefined) byMethod = this.#addRoute(route);
    let t = byMethod.get(method);
    if (t === undefined) t = this.#addMethod(byMethod, method, route);
    t.count++;
    if (status >= 500) t.errors++;
    t.totalMs += durationMs;
    if (durationMs > t.maxMs) t.maxMs = durationMs;
    if (durationMs >= this.#o.slowThresholdMs) this.#recordSlow(t, status, durationMs);
  }

  #addRoute(route: string): Map<string, RouteTotals> {
    const key = this.#routes >= this.#o.maxRoutes ? OTHER_ROUTES : route;
    let byMethod = this.#byRoute.get(key);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.#byRoute.set(key, byMethod);
    }
    return byMethod;
  }

  #addMethod(byMethod: Map<string, RouteTotals>, method: string, route: string): RouteTotals {
    if (this.#routes < this.#o.maxRoutes) {
      this.#routes++;
      const t = totals(method, route.slice(0, LIMITS.stringBytes));
      byMethod.set(method, t);
      return t;
    }
    // past the cap: fold into `(other)`, reached through its own map so later requests find it
    const other = this.#addRoute(OTHER_ROUTES);
    let t = other.get(method);
    if (t === undefined) {
      t = totals(method, OTHER_ROUTES);
      other.set(method, t);
    }
    return t;
  }

  #recordSlow(t: RouteTotals, status: number, durationMs: number): void {
    const o = this.#o;
    if (o.slowSampleRate < 1 && o.random() >= o.slowSampleRate) {
      o.slow.countDropped();
      return;
    }
    o.slow.push({ at: o.now(), instanceId: o.instanceId, method: t.method.slice(0, 16), route: t.route, status, durationMs });
    o.onQueued();
  }

  /** The interval's totals (routes with requests only), and a fresh interval; null when idle. */
  cut(): ApmRouteCounts | null {
    const now = this.#o.now();
    const intervalS = Math.max(0.001, (now - this.#since) / 1000);
    this.#since = now;
    const routes: ApmRouteCounts['routes'] = [];
    for (const byMethod of this.#byRoute.values()) {
      for (const t of byMethod.values()) {
        if (t.count === 0) continue;
        routes.push({ method: t.method.slice(0, 16), route: t.route, count: t.count, errors: t.errors, totalMs: round(t.totalMs), maxMs: round(t.maxMs) });
        t.count = 0; t.errors = 0; t.totalMs = 0; t.maxMs = 0;
      }
    }
    if (routes.length === 0) return null;
    return { at: now, instanceId: this.#o.instanceId, intervalS, routes };
  }
}

function totals(method: string, route: string): RouteTotals {
  return { method, route, count: 0, errors: 0, totalMs: 0, maxMs: 0 };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
