import { spanLabel } from '../../ui/time-labels';

/*
 * Which stretch of time the history charts show: a preset range ending now, which slides as live
 * samples arrive, or a span the user dragged out on a chart (a zoom), which stays put.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGES = [
  { key: '1h', label: '1h', spanMs: HOUR, title: 'Last hour' },
  { key: '6h', label: '6h', spanMs: 6 * HOUR, title: 'Last 6 hours' },
  { key: '24h', label: '24h', spanMs: DAY, title: 'Last 24 hours' },
  { key: '7d', label: '7d', spanMs: 7 * DAY, title: 'Last 7 days' },
  { key: '30d', label: '30d', spanMs: 30 * DAY, title: 'Last 30 days' },
  { key: '1y', label: '1y', spanMs: 365 * DAY, title: 'Last year' },
] as const;

export type RangeKey = (typeof RANGES)[number]['key'];
export const DEFAULT_RANGE: RangeKey = '1h';

const byKey = new Map<string, (typeof RANGES)[number]>(RANGES.map((r) => [r.key, r]));

/** The range named in a URL (`?range=7d`); anything else, including nothing, is the default. */
export function parseRange(value: string | undefined): RangeKey {
  return byKey.get(value ?? '')?.key ?? DEFAULT_RANGE;
}

/** A span the user zoomed into, in ms since the epoch. */
export interface Zoom {
  from: number;
  to: number;
}

export type HistoryWindow = { live: true; spanMs: number } | { live: false; from: number; to: number };

export function windowOf(range: RangeKey, zoom: Zoom | null): HistoryWindow {
  return zoom ? { live: false, from: zoom.from, to: zoom.to } : { live: true, spanMs: byKey.get(range)!.spanMs };
}

export interface HistoryRequest {
  from: number;
  to: number;
  /** Points per series: one per pixel of plot is as fine as a chart can show. */
  points: number;
}

/** The server refuses fewer than 2 or more than 5,000 points. */
const POINTS = { min: 2, max: 5_000 };

export function requestFor(window: HistoryWindow, now: number, plotWidthPx: number): HistoryRequest {
  const points = Math.min(POINTS.max, Math.max(POINTS.min, Math.round(plotWidthPx)));
  if (window.live) return { from: now - window.spanMs, to: now, points };
  return { from: window.from, to: window.to, points };
}

/** Below a minute a chart of 2 s samples would hold too few points to read. */
export const MIN_ZOOM_MS = MINUTE;

/**
 * A span dragged on a chart showing [shown.from, shown.to], as a zoom: inside what was shown, never
 * past now (the future has no samples), and at least MIN_ZOOM_MS wide, grown about its middle.
 */
export function zoomTo(a: number, b: number, shown: Zoom, now: number): Zoom {
  const lo = shown.from;
  const hi = Math.min(shown.to, now);
  let from = Math.max(lo, Math.min(a, b));
  let to = Math.min(hi, Math.max(a, b));
  if (to - from < MIN_ZOOM_MS) {
    const mid = (from + to) / 2;
    from = Math.max(lo, mid - MIN_ZOOM_MS / 2);
    to = Math.min(hi, from + MIN_ZOOM_MS);
    from = Math.max(lo, to - MIN_ZOOM_MS);
  }
  return { from: Math.round(from), to: Math.round(to) };
}

/** What the charts show, in words: "Last 7 days", or the zoomed span. */
export function windowTitle(range: RangeKey, zoom: Zoom | null, now: number): string {
  return zoom ? spanLabel(zoom.from, zoom.to, now) : byKey.get(range)!.title;
}
