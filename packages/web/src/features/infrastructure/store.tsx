import { applyResourcePatch, Resource, ResourceDiff } from '@pulse/protocol';
import { batch, createContext, createSignal, onCleanup, onMount, useContext, type Accessor, type ParentProps } from 'solid-js';
import { createStore, produce, reconcile, unwrap } from 'solid-js/store';
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
  /**
   * The list as plain objects, untracked. Each keeps its identity across updates (they are changed
   * in place), so a view that reads every field of hundreds of resources (Workloads) can read these
   * after `revision()` and not make the store track, and notify, each field it touched.
   */
  raw(): readonly Resource[];
  /** Grows by one after every change to the list. */
  revision: Accessor<number>;
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
  const [revision, setRevision] = createSignal(0);
  // Where each resource sits in state.resources, so a patch lands on its entry without a search.
  const position = new Map<string, number>();
  const reindex = () => {
    position.clear();
    state.resources.forEach((r, i) => position.set(r.id, i));
  };
  // The store gets its own copies: it changes its objects in place, `current` never.
  const copy = <T,>(value: T): T => structuredClone(value);
  /** An object or list replaces the old one exactly (keys it lacks go); anything else is set. */
  const replacing = (value: unknown) => (typeof value === 'object' && value !== null ? reconcile(copy(value)) : value);

  /** After a snapshot: the whole list anew. */
  const replaceAll = () => {
    setState('resources', reconcile(copy([...current.values()]), { key: 'id' }));
    reindex();
    setRevision((n) => n + 1);
  };

  /**
   * One diff onto the store, field by field: the top-level fields a patch names, each `details` key
   * replaced whole, `metrics` merged key by key (the protocol's rules). Reconciling the whole list
   * instead walks every field of every resource on each report: tens of ms with hundreds of containers.
   */
  const applyDiff = (diff: ResourceDiff) =>
    batch(() => {
      if (diff.remove.length) {
        const gone = new Set(diff.remove);
        setState('resources', (list) => list.filter((r) => !gone.has(r.id)));
        reindex();
      }
      for (const patch of diff.upsert) {
        const next = current.get(patch.id);
        if (!next) continue;
        const i = position.get(patch.id);
        if (i === undefined) {
          position.set(patch.id, state.resources.length);
          setState('resources', state.resources.length, copy(next));
          continue;
        }
        for (const [field, value] of Object.entries(patch)) {
          if (field === 'id' || value === undefined) continue;
          // Merged: the store copies the figures into its own object.
          if (field === 'metrics') setState('resources', i, 'metrics', value as Record<string, number>);
          else if (field === 'details') for (const [key, v] of Object.entries(value as Record<string, unknown>)) setState('resources', i, 'details', key, replacing(v));
          else setState('resources', i, field as 'name', replacing(value) as string);
        }
      }
      setRevision((n) => n + 1);
    });

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
      replaceAll();
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
        if (cpu !== undefined && cpu !== null && watched.has(patch.id) && state.trends[patch.id]) {
          appendTrend(patch.id, sampleTime(patch.lastSeen), cpu);
        }
      }
      applyDiff(parsed.data);
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
    raw: () => unwrap(state.resources),
    revision,
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

/** How long a row must stay on screen before it asks for its sparkline's history. */
const TREND_SETTLE_MS = 250;

/**
 * Watches `id`'s CPU trend once the row showing it has stayed mounted a moment. Rows mount only
 * when scrolled into view, so only visible rows ask; the delay keeps a fast scroll through hundreds
 * of rows from asking for every row it passes.
 */
export function useTrendWhenSettled(id: string): void {
  const store = useResources();
  onMount(() => {
    const timer = setTimeout(() => store.watchTrend(id), TREND_SETTLE_MS);
    onCleanup(() => clearTimeout(timer));
  });
}
