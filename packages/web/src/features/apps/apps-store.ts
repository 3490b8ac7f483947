import { createStore, reconcile } from 'solid-js/store';
import type { Live } from '../../app/live';
import { readAppView, type ApmAppView } from './app-types';
import type { AppsApi } from './apps-api';

export interface LiveApp {
  /** the last hour, as the hub's `app:<name>` channel last sent it */
  view?: ApmAppView;
  ready: boolean;
  /** when the last snapshot or update arrived (ms) */
  updatedAt?: number;
  /** the hub knows no such app (yet): the page asks the API, and `retry`s once the app appears */
  unknown?: boolean;
  /** the hub refuses the channel (no right to see it): the page falls back to the API */
  unavailable?: string;
  error?: string;
}

interface State {
  apps: Record<string, LiveApp>;
}

export interface AppsStore {
  readonly state: State;
  /**
   * Keeps `app:<name>` subscribed while at least one view watches it; call the answer to stop.
   * Pages watch through this, so two views of one app share one subscription.
   */
  watch(app: string): () => void;
  /** Subscribes a watched app again, e.g. once the API has it after the hub said it knew no such app. */
  retry(app: string): void;
  live(app: string): LiveApp | undefined;
  api: AppsApi;
}

export const appChannel = (app: string) => `app:${app}`;

export function createAppsStore(live: Live, api: AppsApi, now: () => number = Date.now): AppsStore & { dispose(): void } {
  const [state, setState] = createStore<State>({ apps: {} });
  const watched = new Map<string, { count: number; unsubscribe: () => void }>();

  const apply = (app: string, data: unknown, what: string) => {
    const view = readAppView(data);
    if (!view) {
      console.error(`apps: unreadable ${what} on ${appChannel(app)}`, data);
      return setState('apps', app, { error: 'The server sent an app view this dashboard cannot read. Reload the page.' });
    }
    // Keyed, so an instance, route or exception group keeps its DOM (and an open stack stays open).
    setState('apps', app, 'view', reconcile(view, { key: 'id', merge: false }));
    setState('apps', app, { ready: true, updatedAt: now(), error: undefined, unavailable: undefined, unknown: undefined });
  };

  function subscribe(app: string) {
    if (!state.apps[app]) setState('apps', app, { ready: false });
    const sub = live.subscribe(appChannel(app), {
      onSnapshot: (data) => apply(app, data, 'snapshot'),
      onPublication: (data) => apply(app, data, 'update'),
      onError(err) {
        // The hub has no snapshot for an app it has not heard from (or, on an older server, no APM at all).
        if (err.code === 'channel.unknown') setState('apps', app, { unknown: true, ready: true });
        else if (err.code === 'channel.forbidden' || err.code === 'auth.forbidden') setState('apps', app, { unavailable: 'Your account may not see live app figures.', ready: true });
        else {
          console.error(`apps: ${appChannel(app)} failed`, err);
          setState('apps', app, { error: err.message || 'The live app feed failed.' });
        }
      },
    });
    return () => sub.unsubscribe();
  }

  return {
    state,
    watch(app) {
      const entry = watched.get(app);
      if (entry) entry.count++;
      else watched.set(app, { count: 1, unsubscribe: subscribe(app) });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const e = watched.get(app);
        if (!e || --e.count > 0) return;
        e.unsubscribe();
        watched.delete(app);
        // Figures of an hour nobody watches go stale at once; a later watch starts from its snapshot.
        setState('apps', app, undefined!);
      };
    },
    retry(app) {
      const e = watched.get(app);
      if (!e) return;
      e.unsubscribe();
      setState('apps', app, { unknown: undefined, unavailable: undefined, error: undefined });
      e.unsubscribe = subscribe(app);
    },
    live: (app) => state.apps[app],
    api,
    dispose() {
      for (const e of watched.values()) e.unsubscribe();
      watched.clear();
    },
  };
}
