import {
  ApmAppView as ApmAppViewSchema, apmPeriods, type ApmAppSummary, type ApmAppView as WireAppView, type ApmBucket, type ApmInstanceView, type ApmPeriod,
} from '@pulse/protocol';

/* The APM view types come from protocol (packages/server/src/apm/CONTRACT.md); the page adds row keys. */

export type { ApmAppSummary, ApmBucket, ApmInstanceView, ApmPeriod };
export const PERIODS = apmPeriods;

type Keyed<T> = T & { id: string };
export type ApmSlowRoute = Keyed<WireAppView['slowRoutes'][number]>;
export type ApmRouteUsage = Keyed<WireAppView['routes'][number]>;
export type ApmExceptionGroup = Keyed<WireAppView['exceptions'][number]>;
export type ApmFrame = ApmExceptionGroup['frames'][number];

/** A view as the page holds it: the wire view with an `id` on every route and exception group. */
export type ApmAppView = Omit<WireAppView, 'slowRoutes' | 'routes' | 'exceptions'> & {
  slowRoutes: ApmSlowRoute[];
  routes: ApmRouteUsage[];
  exceptions: ApmExceptionGroup[];
};

export const isPeriod = (v: unknown): v is ApmPeriod => typeof v === 'string' && (PERIODS as readonly string[]).includes(v);

/**
 * Validates a view from the hub or the API (a trust boundary) and keys its lists: a live update
 * reconciled by `id` then keeps each row's DOM (an open stack stays open) with its group.
 */
export function readAppView(data: unknown): ApmAppView | undefined {
  const parsed = ApmAppViewSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  return {
    ...v,
    slowRoutes: v.slowRoutes.map((r) => ({ ...r, id: `${r.method} ${r.route}` })),
    routes: v.routes.map((r) => ({ ...r, id: `${r.method} ${r.route}` })),
    exceptions: v.exceptions.map((e) => ({ ...e, id: e.fingerprint })),
  };
}
