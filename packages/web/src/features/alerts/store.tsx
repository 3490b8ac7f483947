import { Alert } from '@pulse/protocol';
import { createContext, createMemo, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { Live } from '../../app/live';
import { useLive } from '../../app/live';
import { useSession } from '../auth/session';
import { countAlerts, mergeActive, type AlertCounts } from './alert-model';
import { createAlertsApi, type AlertsApi } from './alerts-api';

interface State {
  /** open alerts: pending, firing, acknowledged */
  alerts: Alert[];
  ready: boolean;
  /** the server has no `alerts` channel (an older server), or refused it */
  unavailable?: string;
  error?: string;
}

export interface AlertsStore {
  readonly state: State;
  counts: Accessor<AlertCounts>;
  /** open alerts of one resource */
  forResource(resourceId: string): Alert[];
  get(id: string): Alert | undefined;
  /** An alert as an action (ack, snooze) answered it, before the hub's upsert arrives. */
  apply(alert: Alert): void;
  api: AlertsApi;
}

/** Reads a list of alerts, skipping any this dashboard cannot read rather than dropping them all. */
function readAlerts(list: unknown, what: string): Alert[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Alert[] = [];
  for (const item of list) {
    const parsed = Alert.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else console.error(`alerts: skipped an unreadable alert in a ${what}`, item, parsed.error);
  }
  return out;
}

export function createAlertsStore(live: Live, api: AlertsApi): AlertsStore & { dispose(): void } {
  const [state, setState] = createStore<State>({ alerts: [], ready: false });
  const set = (next: Alert[]) => setState('alerts', reconcile(next, { key: 'id' }));

  const subscription = live.subscribe('alerts', {
    onSnapshot(data) {
      const list = readAlerts((data as { alerts?: unknown } | null)?.alerts, 'snapshot');
      if (!list) {
        console.error('alerts: unreadable snapshot', data);
        return setState('error', 'The server sent an alert list this dashboard cannot read. Reload the page.');
      }
      set(mergeActive([], list));
      setState({ ready: true, error: undefined, unavailable: undefined });
    },
    onPublication(data) {
      const upsert = readAlerts((data as { upsert?: unknown } | null)?.upsert, 'update');
      if (!upsert) return console.error('alerts: unreadable update, skipped', data);
      set(mergeActive(state.alerts, upsert));
    },
    onError(err) {
      if (err.code === 'channel.unknown') setState({ unavailable: 'This server has no alerts yet.', ready: true });
      else if (err.code === 'channel.forbidden' || err.code === 'auth.forbidden') setState({ unavailable: 'Your account may not see alerts.', ready: true });
      else {
        console.error('alerts: subscription failed', err);
        setState('error', err.message || 'The live alert feed failed.');
      }
    },
  });

  const counts = createMemo(() => countAlerts(state.alerts));
  return {
    state,
    counts,
    forResource: (id) => state.alerts.filter((a) => a.resourceId === id),
    get: (id) => state.alerts.find((a) => a.id === id),
    apply: (alert) => set(mergeActive(state.alerts, [alert])),
    api,
    dispose: () => subscription.unsubscribe(),
  };
}

const AlertsContext = createContext<AlertsStore>();

/** The open alerts for the signed-in app, live from the hub's `alerts` channel. */
export function AlertsProvider(props: ParentProps) {
  const session = useSession();
  const store = createAlertsStore(useLive(), createAlertsApi(session.api, () => session.info()?.csrfToken));
  onCleanup(() => store.dispose());
  return <AlertsContext.Provider value={store}>{props.children}</AlertsContext.Provider>;
}

export function useAlerts(): AlertsStore {
  const ctx = useContext(AlertsContext);
  if (!ctx) throw new Error('useAlerts outside <AlertsProvider>');
  return ctx;
}
