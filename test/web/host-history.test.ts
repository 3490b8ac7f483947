import { describe, expect, it } from 'vitest';
import type { Api } from '../../packages/web/src/lib/api.ts';
import { chartsFor } from '../../packages/web/src/features/hosts/history-charts.ts';
import { metricsOf } from '../../packages/web/src/features/history/chart-spec.ts';
import { loadHistory } from '../../packages/web/src/features/history/history-load.ts';
import {
  addSample, appendTail, dropBefore, emptyPoints, pointsOf, tailFrom, typicalSpacing, type HistoryResponse, type Points, type WireSeries,
} from '../../packages/web/src/features/history/history-points.ts';
import { applySample, applySamples, emptyHistory, historyOf } from '../../packages/web/src/features/history/history-state.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const raw = (t: number[], v: number[]): Points => pointsOf({ metric: 'cpu', tier: 'raw', t, v });

describe('history points', () => {
  it('reads a raw answer as points that are their own min and max', () => {
    expect(raw([1, 2], [10, 20])).toEqual({ tier: 'raw', newest: 'raw', t: [1, 2], v: [10, 20], min: [10, 20], max: [10, 20], count: [1, 1] });
  });

  it('keeps the min, max and count of a rollup answer', () => {
    const p = pointsOf({ metric: 'cpu', tier: '1h', t: [0], v: [20], min: [5], max: [97], count: [360] });
    expect(p).toMatchObject({ tier: '1h', min: [5], max: [97], count: [360] });
  });

  it('folds a live sample into the last point while within its bucket, weighted by count', () => {
    const p = pointsOf({ metric: 'cpu', tier: '1h', t: [0], v: [20], min: [10], max: [30], count: [3] });
    const folded = addSample(p, 1_000, 60, HOUR);
    expect(folded).toMatchObject({ t: [0], v: [30], min: [10], max: [60], count: [4] });
    // The input is untouched: a signal holding it sees a new value.
    expect(p.v).toEqual([20]);
  });

  it('starts a new point once a sample is a bucket past the last one', () => {
    expect(addSample(raw([0], [1]), 5_000, 2, 5_000)).toMatchObject({ t: [0, 5_000], v: [1, 2], count: [1, 1] });
  });

  it('ignores a sample the history already holds', () => {
    const p = raw([0, 1_000], [1, 2]);
    expect(addSample(p, 1_000, 9, 100)).toBe(p);
    expect(addSample(p, 500, 9, 100)).toBe(p);
  });

  it('drops points that slid out of the window but keeps the one the line enters from', () => {
    const p = raw([0, 10, 20, 30], [0, 1, 2, 3]);
    expect(dropBefore(p, 25).t).toEqual([20, 30]);
    expect(dropBefore(p, 20).t).toEqual([20, 30]);
    expect(dropBefore(p, 5)).toBe(p);
  });

  it('finds where a coarse tier stops short, and nothing to top up for raw or a recent end', () => {
    const hourly = pointsOf({ metric: 'cpu', tier: '1h', t: [0, HOUR], v: [1, 2] });
    expect(tailFrom(hourly, DAY, 15 * MINUTE)).toBe(2 * HOUR);
    expect(tailFrom(hourly, 2 * HOUR + 20 * MINUTE, 15 * MINUTE)).toBeUndefined();
    expect(tailFrom(raw([0], [1]), DAY, MINUTE)).toBeUndefined();
    expect(tailFrom(emptyPoints('1h'), DAY, MINUTE)).toBeUndefined();
  });

  it('appends only the part of a finer tail that comes after the coarse points', () => {
    const hourly = pointsOf({ metric: 'cpu', tier: '1h', t: [0, HOUR], v: [1, 2] });
    const minutes = pointsOf({ metric: 'cpu', tier: '1m', t: [HOUR + 30 * MINUTE, 2 * HOUR, 2 * HOUR + MINUTE], v: [8, 3, 4] });
    const joined = appendTail(hourly, minutes);
    expect(joined).toMatchObject({ tier: '1h', newest: '1m', t: [0, HOUR, 2 * HOUR, 2 * HOUR + MINUTE], v: [1, 2, 3, 4] });
    // The next top-up continues after the last minute, not after another hour.
    expect(tailFrom(joined, 2 * HOUR + 30 * MINUTE, MINUTE)).toBe(2 * HOUR + 2 * MINUTE);
    expect(appendTail(hourly, pointsOf({ metric: 'cpu', tier: '1m', t: [HOUR], v: [9] }))).toBe(hourly);
  });

  it('tells the usual spacing of points by the median, so one gap does not skew it', () => {
    expect(typicalSpacing([0, 10, 20, 30, 1_000])).toBe(10);
    expect(typicalSpacing([5])).toBe(0);
  });
});

describe('host history with live samples', () => {
  const request = { from: 0, to: HOUR, points: 720 }; // 5 s a point

  it('slides a live window with each sample and folds it into the point it belongs to', () => {
    const h = historyOf(request, true, { cpu: raw([HOUR - 1_000], [10]), 'mem.percent': raw([HOUR - 1_000], [50]) });
    const next = applySample(h, { t: HOUR + 2_000, metrics: { cpu: 30, 'mem.percent': 52 } });
    expect(next).toMatchObject({ from: 2_000, to: HOUR + 2_000 });
    expect(next.series['cpu']).toMatchObject({ t: [HOUR - 1_000], v: [20], max: [30] });
    const later = applySample(next, { t: HOUR + 6_000, metrics: { cpu: 40 } });
    expect(later.series['cpu']!.t).toEqual([HOUR - 1_000, HOUR + 6_000]);
    // A metric the sample lacks stays as it was.
    expect(later.series['mem.percent']!.t).toEqual([HOUR - 1_000]);
  });

  it('leaves a zoom as it is: zoomed charts are not live', () => {
    const h = historyOf(request, false, { cpu: raw([0], [1]) });
    expect(applySample(h, { t: HOUR + 1, metrics: { cpu: 5 } })).toBe(h);
  });

  it('keeps samples that arrived while loading, in time order, and skips those the answer holds', () => {
    const loaded = historyOf(request, true, { cpu: raw([HOUR - 10_000], [10]) });
    const merged = applySamples(loaded, [
      { t: HOUR + 6_000, metrics: { cpu: 3 } },
      { t: HOUR - 20_000, metrics: { cpu: 99 } },
      { t: HOUR, metrics: { cpu: 2 } },
    ]);
    expect(merged.series['cpu']!.t).toEqual([HOUR - 10_000, HOUR, HOUR + 6_000]);
    expect(merged.series['cpu']!.v).toEqual([10, 2, 3]);
  });

  it('shows live samples alone when the history could not be read', () => {
    const h = applySample(emptyHistory(request, true, ['cpu']), { t: HOUR + 1_000, metrics: { cpu: 7 } });
    expect(h.series['cpu']!.v).toEqual([7]);
  });
});

describe('loading history', () => {
  /** A fake API that answers from a table of (metric → tier → points) and records what was asked. */
  function fakeApi(answer: (q: URLSearchParams) => WireSeries[]) {
    const asked: URLSearchParams[] = [];
    const api: Api = {
      get: async <T>(path: string) => {
        const q = new URL(path, 'http://x').searchParams;
        asked.push(q);
        return { resource: q.get('resource')!, from: Number(q.get('from')), to: Number(q.get('to')), series: answer(q) } satisfies HistoryResponse as T;
      },
      post: async () => { throw new Error('unused'); },
      delete: async () => { throw new Error('unused'); },
    };
    return { api, asked };
  }
  const now = 30 * DAY;
  const request = { from: now - 7 * DAY, to: now, points: 700 };
  const hours = Array.from({ length: 24 * 6 }, (_, i) => request.from + i * HOUR); // ends a day short

  it('asks for every metric of the host in one request', async () => {
    const { api, asked } = fakeApi((q) => q.getAll('metric').map((metric) => ({ metric, tier: 'raw', t: [1], v: [2] })));
    const out = await loadHistory(api, 'host:a b', ['cpu', 'mem.percent'], { from: 0, to: HOUR, points: 500 });
    expect(Object.keys(out)).toEqual(['cpu', 'mem.percent']);
    expect(asked).toHaveLength(1);
    expect(Object.fromEntries(asked[0]!)).toMatchObject({ resource: 'host:a b', from: '0', to: String(HOUR), points: '500' });
    expect(asked[0]!.getAll('metric')).toEqual(['cpu', 'mem.percent']);
  });

  it('tops up a coarse tier that stops short from finer ones, at the same density', async () => {
    const { api, asked } = fakeApi((q) => {
      const from = Number(q.get('from'));
      if (from === request.from) return [{ metric: 'cpu', tier: '1h', t: hours, v: hours.map(() => 1) }];
      if (from === hours.at(-1)! + HOUR) return [{ metric: 'cpu', tier: '1m', t: [from, now - 50 * MINUTE], v: [2, 3] }];
      return [{ metric: 'cpu', tier: 'raw', t: [now - 40 * MINUTE, now - 5_000], v: [4, 5] }];
    });
    const out = await loadHistory(api, 'h', ['cpu'], request);
    expect(asked).toHaveLength(3);
    expect(Number(asked[1]!.get('from'))).toBe(now - DAY);
    expect(Number(asked[1]!.get('points'))).toBe(100); // a seventh of the range, a seventh of the points
    expect(Number(asked[2]!.get('from'))).toBe(now - 49 * MINUTE);
    expect(out['cpu']).toMatchObject({ tier: '1h', newest: 'raw' });
    expect(out['cpu']!.v.slice(-4)).toEqual([2, 3, 4, 5]);
  });

  it('stops topping up when a finer tier has nothing newer', async () => {
    const { api, asked } = fakeApi((q) =>
      Number(q.get('from')) === request.from ? [{ metric: 'cpu', tier: '1h', t: hours, v: hours.map(() => 1) }] : [{ metric: 'cpu', tier: '1m', t: [], v: [] }],
    );
    await loadHistory(api, 'h', ['cpu'], request);
    expect(asked).toHaveLength(2);
  });
});

describe('host charts', () => {
  it('draws only the charts and lines a host reports', () => {
    const charts = chartsFor(new Set(['cpu', 'mem.percent', 'net.rx', 'uptime']));
    expect(charts.map((c) => c.key)).toEqual(['cpu', 'memory', 'network']);
    expect(charts[2]!.lines.map((l) => l.metric)).toEqual(['net.rx']);
    expect(metricsOf(charts)).toEqual(['cpu', 'mem.percent', 'net.rx']);
  });
});
