import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { ApiRequestError } from '../../lib/api';
import type { ApmAppView, ApmPeriod } from './app-types';
import { isMissingApm } from './apps-api';
import type { AppsStore } from './apps-store';

export const REFRESH_MS = 30_000;

export interface AppViewSource {
  /** the view to draw: the current one, or the last one while the next period loads */
  view: Accessor<ApmAppView | undefined>;
  /** what is drawn belongs to another period or app and is being replaced */
  stale: Accessor<boolean>;
  /** live through the hub, or loaded from the API every 30 s */
  mode: Accessor<'live' | 'polled'>;
  updatedAt: Accessor<number | undefined>;
  error: Accessor<string | undefined>;
  notFound: Accessor<boolean>;
  /** the server has no APM API */
  missing: Accessor<boolean>;
  /** why the last hour is not live, when it could be */
  liveUnavailable: Accessor<string | undefined>;
}

/**
 * Where an app page's figures come from. The last hour is live on the hub's `app:<name>` channel,
 * through the apps store (one subscription however many views watch); longer periods are loaded
 * from the API and refreshed every 30 s, since the server aggregates them in coarse buckets anyway.
 * A server without the live channel gets the API for the last hour too.
 */
export function createAppViewSource(app: Accessor<string>, period: Accessor<ApmPeriod>, store: AppsStore, now: () => number = Date.now): AppViewSource {
  const liveApp = () => store.live(app());
  const polling = () => period() !== '1h' || !!liveApp()?.unavailable || !!liveApp()?.unknown;

  createEffect(
    on([app, () => period() === '1h'], ([name, isLive]) => {
      if (!isLive) return;
      const release = store.watch(name);
      onCleanup(release);
    }),
  );

  const [polled, setPolled] = createSignal<{ key: string; view: ApmAppView; at: number }>();
  const [pollError, setPollError] = createSignal<{ key: string; message: string; notFound: boolean; missing: boolean }>();
  const key = () => `${app()}|${period()}`;

  createEffect(
    on([app, period, polling], ([name, p, isPolled]) => {
      if (!isPolled) return;
      const mine = `${name}|${p}`;
      let controller: AbortController | undefined;
      const load = async () => {
        controller?.abort();
        const c = (controller = new AbortController());
        try {
          const view = await store.api.view(name, p, c.signal);
          if (c.signal.aborted) return;
          setPolled({ key: mine, view, at: now() });
          setPollError(undefined);
          // The hub said it knew no such app, but the API has it now: go live.
          if (p === '1h' && store.live(name)?.unknown) store.retry(name);
        } catch (err) {
          if (c.signal.aborted || (err as Error).name === 'AbortError') return;
          const notFound = err instanceof ApiRequestError && err.status === 404 && !isMissingApm(err);
          setPollError({ key: mine, message: (err as Error).message || 'The server did not answer.', notFound, missing: isMissingApm(err) });
        }
      };
      void load();
      const timer = setInterval(() => void load(), REFRESH_MS);
      onCleanup(() => {
        clearInterval(timer);
        controller?.abort();
      });
    }),
  );

  const current = createMemo((): ApmAppView | undefined => {
    if (!polling()) return liveApp()?.view;
    const p = polled();
    return p && p.key === key() ? p.view : undefined;
  });
  const shown = createMemo<{ app: string; view: ApmAppView | undefined }>(
    (prev) => {
      const view = current();
      if (view) return { app: app(), view };
      return prev.app === app() ? prev : { app: app(), view: undefined };
    },
    { app: '', view: undefined },
  );
  const myError = () => {
    const e = pollError();
    return polling() && e && e.key === key() ? e : undefined;
  };

  return {
    view: () => shown().view,
    stale: () => !current() && !!shown().view,
    mode: () => (polling() ? 'polled' : 'live'),
    updatedAt: () => (polling() ? (polled()?.key === key() ? polled()?.at : undefined) : liveApp()?.updatedAt),
    error: () => (polling() ? myError()?.message : liveApp()?.error),
    notFound: () => !!myError()?.notFound,
    missing: () => !!myError()?.missing,
    liveUnavailable: () => (period() === '1h' ? liveApp()?.unavailable : undefined),
  };
}
