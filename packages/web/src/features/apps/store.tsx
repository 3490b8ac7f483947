import { createContext, onCleanup, useContext, type ParentProps } from 'solid-js';
import { useLive } from '../../app/live';
import { useSession } from '../auth/session';
import { createAppsApi } from './apps-api';
import { createAppsStore, type AppsStore } from './apps-store';

export { appChannel, type AppsStore, type LiveApp } from './apps-store';

const AppsContext = createContext<AppsStore>();

/** Live APM figures per app, subscribed only while a page shows that app. */
export function AppsProvider(props: ParentProps) {
  const store = createAppsStore(useLive(), createAppsApi(useSession().api));
  onCleanup(() => store.dispose());
  return <AppsContext.Provider value={store}>{props.children}</AppsContext.Provider>;
}

export function useApps(): AppsStore {
  const ctx = useContext(AppsContext);
  if (!ctx) throw new Error('useApps outside <AppsProvider>');
  return ctx;
}
