import type { MetricSample } from '@pulse/protocol';
import { addSample, dropBefore, emptyPoints, type Points } from './history-points';
import type { HistoryRequest } from './history-window';

/** What the history charts draw: a stretch of time and each metric's points in it. */
export interface ResourceHistory {
  /** The x range, ms since the epoch. */
  from: number;
  to: number;
  /** The range ends now: live samples extend it and it slides along with them. */
  live: boolean;
  /** The time one point stands for (the range over the points asked for); live samples fold into it. */
  bucketMs: number;
  series: Record<string, Points>;
}

export function historyOf(request: HistoryRequest, live: boolean, series: Record<string, Points>): ResourceHistory {
  return { from: request.from, to: request.to, live, bucketMs: Math.max(1, (request.to - request.from) / request.points), series };
}

/** Nothing loaded: what a live range shows when its history could not be read, until samples arrive. */
export function emptyHistory(request: HistoryRequest, live: boolean, metrics: readonly string[]): ResourceHistory {
  return historyOf(request, live, Object.fromEntries(metrics.map((m) => [m, emptyPoints()])));
}

/**
 * A live sample at the right edge of a live range, which slides so it ends at the sample; a zoom
 * (not live) stays as it is.
 */
export function applySample(h: ResourceHistory, sample: MetricSample): ResourceHistory {
  if (!h.live) return h;
  const to = Math.max(h.to, sample.t);
  const from = to - (h.to - h.from);
  const series: Record<string, Points> = {};
  for (const [metric, points] of Object.entries(h.series)) {
    const v = sample.metrics[metric];
    const added = typeof v === 'number' && Number.isFinite(v) ? addSample(points, sample.t, v, h.bucketMs) : points;
    series[metric] = dropBefore(added, from);
  }
  return { ...h, from, to, series };
}

/** Applies samples in time order; used for those that arrived while the history was loading. */
export function applySamples(h: ResourceHistory, samples: readonly MetricSample[]): ResourceHistory {
  return [...samples].sort((a, b) => a.t - b.t).reduce(applySample, h);
}
