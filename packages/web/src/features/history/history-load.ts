import type { Api } from '../../lib/api';
import { appendTail, pointsOf, tailFrom, type HistoryResponse, type Points } from './history-points';
import type { HistoryRequest } from './history-window';

/** Coarse tier → finer → raw: after three top-ups there is nothing finer to ask. */
const MAX_TOP_UPS = 3;

function historyPath(id: string, metrics: readonly string[], r: HistoryRequest): string {
  const query = new URLSearchParams({ resource: id });
  for (const m of metrics) query.append('metric', m);
  query.set('from', String(Math.floor(r.from)));
  query.set('to', String(Math.ceil(r.to)));
  query.set('points', String(r.points));
  return `/api/metrics/history?${query}`;
}

/**
 * Each metric's history over the request's range. The server answers each metric from one tier, and
 * a coarse tier is only built once its source tier has finished a whole unit (an hour of minutes, a
 * day of hours), so its newest stretch may be missing. For that stretch, this asks again: a shorter
 * range, so the server picks a finer tier, with points in proportion so the density stays the same.
 */
export async function loadHistory(api: Api, id: string, metrics: readonly string[], request: HistoryRequest, signal?: AbortSignal): Promise<Record<string, Points>> {
  const get = (ms: readonly string[], r: HistoryRequest) => api.get<HistoryResponse>(historyPath(id, ms, r), { signal });
  const out: Record<string, Points> = {};
  for (const s of (await get(metrics, request)).series) out[s.metric] = pointsOf(s);

  const bucketMs = (request.to - request.from) / request.points;
  for (let round = 0; round < MAX_TOP_UPS; round++) {
    const short = metrics.map((m) => [m, out[m] && tailFrom(out[m], request.to, bucketMs)] as const).filter((e): e is readonly [string, number] => e[1] !== undefined);
    if (short.length === 0) break;
    const from = Math.min(...short.map(([, t]) => t));
    const points = Math.max(2, Math.ceil((request.points * (request.to - from)) / (request.to - request.from)));
    const tail = await get(short.map(([m]) => m), { from, to: request.to, points });
    let grew = false;
    for (const s of tail.series) {
      const before = out[s.metric]!;
      out[s.metric] = appendTail(before, pointsOf(s));
      grew ||= out[s.metric] !== before;
    }
    if (!grew) break;
  }
  return out;
}
