import { MetricSample } from '@pulse/protocol';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Live } from '../../app/live';
import type { Api } from '../../lib/api';

export const HISTORY_WINDOW_MS = 60 * 60_000;

/** Metrics charted on the host page. */
export const HISTORY_METRICS = ['cpu', 'mem.percent'] as const;
type Charted = (typeof HISTORY_METRICS)[number];

/** Aligned columns: one time axis and one value column per metric, `null` where it was missing. */
export interface History {
  t: number[];
  values: Record<Charted, (number | null)[]>;
}

interface SeriesResponse {
  series: Record<string, { t: number[]; v: number[] } | undefined>;
}

const empty = (): History => ({ t: [], values: { cpu: [], 'mem.percent': [] } });

/** Merges rows keyed by time, drops what fell out of the window, and returns fresh arrays. */
export function mergeHistory(base: History, rows: Map<number, Partial<Record<Charted, number>>>, now: number): History {
  const byTime = new Map<number, Partial<Record<Charted, number>>>();
  base.t.forEach((t, i) => {
    const row: Partial<Record<Charted, number>> = {};
    for (const m of HISTORY_METRICS) {
      const v = base.values[m][i];
      if (v !== null && v !== undefined) row[m] = v;
    }
    byTime.set(t, row);
  });
  for (const [t, row] of rows) byTime.set(t, { ...byTime.get(t), ...row });
  const cutoff = now - HISTORY_WINDOW_MS;
  const times = [...byTime.keys()].filter((t) => t >= cutoff).sort((a, b) => a - b);
  const out = empty();
  out.t = times;
  for (const m of HISTORY_METRICS) out.values[m] = times.map((t) => byTime.get(t)?.[m] ?? null);
  return out;
}

function rowsFromSeries(res: SeriesResponse): Map<number, Partial<Record<Charted, number>>> {
  const rows = new Map<number, Partial<Record<Charted, number>>>();
  for (const m of HISTORY_METRICS) {
    const s = res.series[m];
    if (!s) continue;
    s.t.forEach((t, i) => {
      const v = s.v[i];
      if (typeof v === 'number') rows.set(t, { ...rows.get(t), [m]: v });
    });
  }
  return rows;
}

function rowFromSample(sample: MetricSample): Map<number, Partial<Record<Charted, number>>> {
  const row: Partial<Record<Charted, number>> = {};
  for (const m of HISTORY_METRICS) {
    const v = sample.metrics[m];
    if (typeof v === 'number') row[m] = v;
  }
  return new Map([[sample.t, row]]);
}

/**
 * The last hour of a host's charted metrics: loaded once over HTTP, then extended by every sample
 * on `resource:<id>`. Samples that arrive while the history loads are kept, not lost.
 */
export function createHostHistory(id: string, live: Live, api: Api, now: () => number = Date.now) {
  const [history, setHistory] = createSignal<History>(empty());
  const [status, setStatus] = createSignal<'loading' | 'ready' | 'error'>('loading');

  const onSample = (data: unknown) => {
    if (data === null || data === undefined) return;
    const parsed = MetricSample.safeParse(data);
    if (!parsed.success) return console.error(`resource:${id}: unreadable sample, skipped`, parsed.error);
    setHistory((h) => mergeHistory(h, rowFromSample(parsed.data), now()));
  };
  const subscription = live.subscribe(`resource:${id}`, {
    onSnapshot: onSample,
    onPublication: onSample,
    onError: (err: unknown) => console.error(`resource:${id}: subscription failed`, err),
  });
  onCleanup(() => subscription.unsubscribe());

  const controller = new AbortController();
  onCleanup(() => controller.abort());
  const query = `metrics=${HISTORY_METRICS.join(',')}&window=${HISTORY_WINDOW_MS / 1000}`;
  api
    .get<SeriesResponse>(`/api/resources/${encodeURIComponent(id)}/series?${query}`, { signal: controller.signal })
    .then((res) => {
      setHistory((h) => mergeHistory(h, rowsFromSeries(res), now()));
      setStatus('ready');
    })
    .catch((err: unknown) => {
      if ((err as Error).name === 'AbortError') return;
      console.warn(`resource:${id}: history unavailable`, err);
      // Live samples still fill the charts from now on.
      setStatus('error');
    });

  return { history: history as Accessor<History>, status };
}
