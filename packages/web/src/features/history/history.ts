import { MetricSample } from '@pulse/protocol';
import { createEffect, createSignal, on, onCleanup, untrack, type Accessor } from 'solid-js';
import type { Live } from '../../app/live';
import type { Api } from '../../lib/api';
import { loadHistory } from './history-load';
import { applySample, applySamples, emptyHistory, historyOf, type ResourceHistory } from './history-state';
import { requestFor, type HistoryWindow } from './history-window';

/**
 * Samples kept from the hub: the server writes history on a flush (every 5 s by default), so the
 * newest few seconds of any answer, and whatever arrives while it loads, come from these.
 */
const RECENT_MS = 2 * 60_000;

export type HistoryStatus = 'loading' | 'ready' | 'error';

export interface ResourceHistoryOptions {
  id: string;
  metrics: readonly string[];
  window: Accessor<HistoryWindow>;
  /** The charts' plot width in CSS px, once laid out: the number of points worth loading. */
  plotWidth: Accessor<number | undefined>;
  live: Live;
  api: Api;
  now?: () => number;
}

/**
 * A resource's charted metrics over the chosen window: loaded over HTTP whenever the window changes, and
 * for a window ending now, extended by every sample on `resource:<id>`. While a new window loads, the
 * previous one stays on screen.
 */
export function createResourceHistory(options: ResourceHistoryOptions) {
  const { id, metrics, live, api } = options;
  const now = options.now ?? Date.now;
  const [history, setHistory] = createSignal<ResourceHistory>();
  const [status, setStatus] = createSignal<HistoryStatus>('loading');
  const [error, setError] = createSignal<string>();
  let recent: MetricSample[] = [];

  const onSample = (data: unknown) => {
    if (data === null || data === undefined) return;
    const parsed = MetricSample.safeParse(data);
    if (!parsed.success) return console.error(`resource:${id}: unreadable sample, skipped`, parsed.error);
    const sample = parsed.data;
    recent = [...recent.filter((s) => s.t > sample.t - RECENT_MS), sample];
    setHistory((h) => h && applySample(h, sample));
  };
  const subscription = live.subscribe(`resource:${id}`, {
    onSnapshot: onSample,
    onPublication: onSample,
    onError: (err: unknown) => console.error(`resource:${id}: subscription failed`, err),
  });
  onCleanup(() => subscription.unsubscribe());

  let controller: AbortController | undefined;
  onCleanup(() => controller?.abort());
  const [attempt, setAttempt] = createSignal(0);

  async function load(window: HistoryWindow, width: number) {
    controller?.abort();
    const mine = (controller = new AbortController());
    const request = requestFor(window, now(), width);
    setStatus('loading');
    try {
      const series = await loadHistory(api, id, metrics, request, mine.signal);
      if (mine.signal.aborted) return;
      setHistory(applySamples(historyOf(request, window.live, series), recent));
      setError(undefined);
      setStatus('ready');
    } catch (err) {
      if (mine.signal.aborted || (err as Error).name === 'AbortError') return;
      console.warn(`resource:${id}: history unavailable`, err);
      // A window ending now still fills from live samples; a zoom has nothing to show.
      setHistory(applySamples(emptyHistory(request, window.live, metrics), recent));
      setError((err as Error).message || 'The server did not answer.');
      setStatus('error');
    }
  }

  createEffect(
    on([options.window, () => options.plotWidth() !== undefined, attempt], ([window, laidOut]) => {
      // Resizing the page does not reload: the points loaded for the first width still draw fine.
      if (laidOut) void load(window, untrack(options.plotWidth)!);
    }),
  );

  return {
    history: history as Accessor<ResourceHistory | undefined>,
    status,
    error,
    retry: () => setAttempt((n) => n + 1),
  };
}
