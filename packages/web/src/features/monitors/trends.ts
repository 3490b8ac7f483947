import { createEffect, on } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { Api } from '../../lib/api';
import { readNumber } from '../../lib/read-json';
import type { ResourcesStore, Trend } from '../infrastructure/store';
import { resourceIdOf } from './monitor-model';

export const RT_WINDOW_MS = 60 * 60_000;

/**
 * Response-time sparklines for the monitors list: the last hour of `rt` of each monitor a row shows,
 * loaded once from the server's recent series, then extended from the live resource list as new
 * checks land (a check is new when the resource's `lastCheckAt` moves on).
 */
export function createRtTrends(store: ResourcesStore, api: Api) {
  const [trends, setTrends] = createStore<Record<string, Trend>>({});
  const watched = new Set<string>();

  const append = (id: string, t: number, v: number) =>
    setTrends(
      id,
      produce((trend: Trend) => {
        if (trend.t.length && t <= trend.t[trend.t.length - 1]!) return;
        trend.t.push(t);
        trend.v.push(v);
        let drop = 0;
        while (drop < trend.t.length && trend.t[drop]! < t - RT_WINDOW_MS) drop++;
        if (drop) {
          trend.t.splice(0, drop);
          trend.v.splice(0, drop);
        }
      }),
    );

  // Every change to the list: the watched monitors' newest check, if it is newer than their last point.
  createEffect(
    on(store.revision, () => {
      if (!watched.size) return;
      for (const r of store.raw()) {
        if (r.type !== 'monitor' || !watched.has(r.id)) continue;
        const rt = readNumber(r.metrics['rt']);
        const at = readNumber(r.details['lastCheckAt']) ?? r.lastSeen;
        if (rt !== undefined && trends[r.id]) append(r.id, at, rt);
      }
    }),
  );

  async function load(rid: string) {
    setTrends(rid, { t: [], v: [] });
    try {
      const res = await api.get<{ series: Record<string, { t: number[]; v: number[] } | undefined> }>(
        `/api/resources/${encodeURIComponent(rid)}/series?metrics=rt&window=${RT_WINDOW_MS / 1000}`,
      );
      const rt = res.series['rt'];
      if (!rt) return;
      setTrends(rid, (live) => {
        const since = live.t[0] ?? Infinity;
        const t: number[] = [];
        const v: number[] = [];
        rt.t.forEach((time, i) => {
          if (time < since && rt.v[i] !== undefined) {
            t.push(time);
            v.push(rt.v[i]!);
          }
        });
        return { t: [...t, ...live.t], v: [...v, ...live.v] };
      });
    } catch {
      // A row without history still draws the checks that arrive from now on.
    }
  }

  return {
    trend: (monitorId: string): Trend | undefined => trends[resourceIdOf(monitorId)],
    watch(monitorId: string) {
      const rid = resourceIdOf(monitorId);
      if (watched.has(rid)) return;
      watched.add(rid);
      void load(rid);
    },
  };
}

export type RtTrends = ReturnType<typeof createRtTrends>;
