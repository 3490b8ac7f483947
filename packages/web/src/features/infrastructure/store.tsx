import { applyResourcePatch, Resource, ResourceDiff } from '@pulse/protocol';
import { createContext, onCleanup, useContext, type ParentProps } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { Api } from '../../lib/api';
import type { Live } from '../../app/live';
import { useLive } from '../../app/live';
import { useSession } from '../auth/session';

/** CPU points for a row's sparkline, oldest first. */
export interface Trend {
  t: number[];
  v: number[];
}

interface State {
  resources: Resource[];
  ready: boolean;
  error?: string;
  trends: Record<string, Trend>;
}

export const TREND_WINDOW_MS = 10 * 60_000;

export interface ResourcesStore {
  readonly state: State;
  get(id: string): Resource | undefined;
  /** Loads the last 10 min of CPU for `id` once; live points are appended from then on. */
  watchTrend(id: string): void;
}

/** Sample time of a patch: the server's clock when it looks like ms, so points line up with history. */
function sampleTime(lastSeen: number | undefined): number {
  return lastSeen !== undefined && lastSeen > 1e12 ? lastSeen : Date.now();
}

export function createResourcesStore(live: Live, api: Api): ResourcesStore & { dispose(): void } {
  const [state, setState] = createStore<State>({ resources: [], ready: false, trends: {} });
  // The plain objects patches apply to; the store mirrors them so views update key by key.
  const current = new Map<string, Resource>();
  const watched = new Set<string>();
  const publish = () => setState('resources', reconcile([...current.values()], { key: 'id' }));

  const appendTrend = (id: string, t: number, v: number) =>
    setState(
      'trends',
      id,
      produce((trend: Trend) => {
        if (trend.t.length && t <= trend.t[trend.t.length - 1]!) return;
        trend.t.push(t);
        trend.v.push(v);
        let drop = 0;
        while (drop < trend.t.length && trend.t[drop]! < t - TREND_WINDOW_MS) drop++;
        if (drop) {
          trend.t.splice(0, drop);
          trend.v.splice(0, drop);
        }
      }),
    );

  const subscription = live.subscribe('resources', {
    onSnapshot(data) {
      const list = (data as { resources?: unknown } | null)?.resources;
      if (!Array.isArray(list)) {
        console.error('resources: unreadable snapshot', data);
        return setState('error', 'The server sent a resource list this dashboard cannot read. Reload the page.');
      }
      current.clear();
      // One malformed resource should not hide the others.
      for (const item of list) {
        const parsed = Resource.safeParse(item);
        if (parsed.success) current.set(parsed.data.id, parsed.data);
        else console.error('resources: skipped an unreadable resource', item, parsed.error);
      }
      publish();
      setState({ ready: true, error: undefined });
    },
    onPublication(data) {
      const parsed = ResourceDiff.safeParse(data);
      if (!parsed.success) return console.error('resources: unreadable diff, skipped', parsed.error);
      for (const id of parsed.data.remove) current.delete(id);
      for (const patch of parsed.data.upsert) {
        const next = applyResourcePatch(current.get(patch.id), patch);
        if (next) current.set(patch.id, next);
        const cpu = patch.metrics?.['cpu'];
        if (cpu !== undefined && watched.has(patch.id) && state.trends[patch.id]) {
          appendTrend(patch.id, sampleTime(patch.lastSeen), cpu);
        }
      }
      publish();
    },
    onError(err: unknown) {
      console.error('resources: subscription failed', err);
      setState('error', err instanceof Error ? err.message : 'The live resource feed failed.');
    },
  });

  async function loadTrend(id: string) {
    setState('trends', id, { t: [], v: [] });
    try {
      const res = await api.get<{ series: Record<string, { t: number[]; v: number[] } | undefined> }>(
        `/api/resources/${encodeURIComponent(id)}/series?metrics=cpu&window=${TREND_WINDOW_MS / 1000}`,
      );
      const cpu = res.series['cpu'];
      if (!cpu) return;
      const since = state.trends[id]?.t[0] ?? Infinity;
      // Live points that arrived while the history was loading stay after it.
      setState('trends', id, (live) => {
        const t: number[] = [];
        const v: number[] = [];
        cpu.t.forEach((time, i) => {
          if (time < since && cpu.v[i] !== undefined) {
            t.push(time);
            v.push(cpu.v[i]!);
          }
        });
        return { t: [...t, ...live.t], v: [...v, ...live.v] };
      });
    } catch (err) {
      // A row without history still shows live points; nothing to tell the user.
      console.warn(`resources: no CPU history for ${id}`, err);
    }
  }

  return {
    state,
    get: (id) => state.resources.find((r) => r.id === id),
    watchTrend(id) {
      if (watched.has(id)) return;
      watched.add(id);
      void loadTrend(id);
    },
    dispose: () => subscription.unsubscribe(),
  };
}

const ResourcesContext = createContext<ResourcesStore>();

/** One resource list for the signed-in app, kept live while it is open. */
export function ResourcesProvider(props: ParentProps) {
  const store = createResourcesStore(useLive(), useSession().api);
  onCleanup(() => store.dispose());
  return <ResourcesContext.Provider value={store}>{props.children}</ResourcesContext.Provider>;
}

export function useResources(): ResourcesStore {
  const ctx = useContext(ResourcesContext);
  if (!ctx) throw new Error('useResources outside <ResourcesProvider>');
  return ctx;
}
