import type { Resource } from '@pulse/protocol';
import type { StackedBarColumn } from '../../ui/StackedBarChart';
import type { Tone } from '../../ui/tone';
import type { ApmAppSummary, ApmAppView, ApmBucket, ApmInstanceView, ApmPeriod } from './app-types';

export const periodLabel: Record<ApmPeriod, string> = { '1h': '1 h', '6h': '6 h', '24h': '24 h', '7d': '7 days' };

export const appHref = (app: string, period?: ApmPeriod) => `/apps/${encodeURIComponent(app)}${period && period !== '1h' ? `?period=${period}` : ''}`;

/** Health colour: what a score of 0-100 should make someone feel. */
export function healthTone(score: number | undefined): Tone {
  if (score === undefined || !Number.isFinite(score)) return 'unknown';
  if (score >= 90) return 'ok';
  if (score >= 70) return 'warn';
  return 'crit';
}

/** "12/min", "0.4/min", "<0.1/min": rates whose small values still say "it happens". */
export function formatPerMin(v: number | undefined | null): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  if (v < 0.1) return '<0.1';
  if (v < 10) return v.toFixed(1).replace(/\.0$/, '');
  return Math.round(v).toLocaleString('en-US');
}

/** Milliseconds as people read latencies: "840 ms", "1.2 s", "12 s". */
export function formatLatency(ms: number | undefined | null): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2).replace(/\.?0+$/, '')} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** A bucket's width as words: 60_000 → "1 min", 10_080_000 → "2 h 48 min". */
export function formatBucket(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The span the 60 buckets cover, [first start, last end]. */
export function bucketRange(buckets: readonly ApmBucket[], bucketMs: number, now: number): [number, number] {
  if (!buckets.length) return [now - 60 * bucketMs, now];
  return [buckets[0]!.t, buckets[buckets.length - 1]!.t + bucketMs];
}

/**
 * Requests as stacked bars, fast below and slow on top (slow requests are also requests, so the
 * bar's height stays the request count). A bucket that has not started yet draws nothing.
 */
export function requestColumns(buckets: readonly ApmBucket[], bucketMs: number, now: number): StackedBarColumn[] {
  return buckets.map((b) => {
    const slow = Math.min(b.slow, b.requests);
    return { from: b.t, to: b.t + bucketMs, values: [Math.max(0, b.requests - slow), slow], filled: b.t <= now };
  });
}

export function exceptionColumns(buckets: readonly ApmBucket[], bucketMs: number, now: number): StackedBarColumn[] {
  return buckets.map((b) => ({ from: b.t, to: b.t + bucketMs, values: [b.exceptions], filled: b.t <= now }));
}

/** Response times per bucket for a line chart: avg and max, null where a bucket saw no request. */
export function latencySeries(buckets: readonly ApmBucket[], bucketMs: number) {
  const t: number[] = [];
  const avg: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const b of buckets) {
    t.push(b.t + bucketMs / 2);
    const has = b.requests > 0;
    avg.push(has && typeof b.avgMs === 'number' ? b.avgMs : null);
    max.push(has && typeof b.maxMs === 'number' ? b.maxMs : null);
  }
  return { t, avg, max };
}

export interface HealthFactor {
  key: 'instances' | 'exceptions' | 'slow' | 'eventloop';
  label: string;
  /** the figure behind it, e.g. "12% of requests" */
  value: string;
  /** points this input takes off the score, and the most it can take */
  points: number;
  max: number;
  tone: Tone;
  /** what to look at when it hurts */
  hint?: string;
}

export interface HealthExplanation {
  score: number;
  tone: Tone;
  /** worst first */
  factors: HealthFactor[];
  /** one line: "Lowered by slow requests (−12) and lost instances (−20)." */
  summary: string;
}

export type HealthInput = Pick<ApmAppView, 'health' | 'instances' | 'requestsPerMin' | 'slowPerMin' | 'exceptionsPerMin'> & {
  instanceCounts?: { online: number; lost: number };
};

const pct = (v: number) => (v >= 10 ? `${Math.round(v)}%` : `${v.toFixed(1).replace(/\.0$/, '')}%`);
const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Why the score is what it is: the four penalties of the server's formula (packages/server/src/apm/
 * health.ts — lost instances up to 40, exceptions up to 30, slow requests up to 20, event loop up
 * to 10), recomputed from the view's own figures so each input shows the points it costs. The
 * score shown is always the server's; this only explains it.
 */
export function explainHealth(view: HealthInput): HealthExplanation {
  const online = view.instanceCounts?.online ?? view.instances.filter((i) => i.online).length;
  const lost = view.instanceCounts?.lost ?? view.instances.filter((i) => !i.online).length;
  const total = online + lost;
  const rpm = view.requestsPerMin;
  const tone = (points: number, max: number): Tone => (points <= 0 ? 'ok' : points >= max / 2 ? 'crit' : 'warn');
  const factor = (f: Omit<HealthFactor, 'tone' | 'points'> & { points: number }): HealthFactor => {
    const points = round1(f.points);
    return { ...f, points, tone: tone(points, f.max) };
  };

  const exShare = rpm > 0 ? (view.exceptionsPerMin / rpm) * 100 : 0;
  const slowShare = rpm > 0 ? (view.slowPerMin / rpm) * 100 : 0;
  const loops = view.instances.filter((i) => i.online).map((i) => i.eventLoopP99Ms).filter((v) => Number.isFinite(v));
  const worst = loops.length ? Math.max(...loops) : undefined;

  const factors: HealthFactor[] = [
    factor({
      key: 'instances',
      label: 'Lost instances',
      value: total === 0 ? 'none reporting' : lost === 0 ? (total === 1 ? '1 online' : `all ${total} online`) : `${lost} of ${total} lost`,
      points: total > 0 ? (40 * lost) / total : 0,
      max: 40,
      hint: lost > 0 ? 'A process stopped sending heartbeats: it crashed, was stopped, or cannot reach Pulse.' : undefined,
    }),
    factor({
      key: 'exceptions',
      label: 'Exceptions',
      value: view.exceptionsPerMin === 0 ? 'none' : rpm > 0 ? `${pct(exShare)} of requests` : `${formatPerMin(view.exceptionsPerMin)}/min`,
      points: rpm > 0 ? clamp(exShare * 3, 30) : clamp(view.exceptionsPerMin * 3, 30),
      max: 30,
      hint: view.exceptionsPerMin > 0 ? 'The exception groups below show where; the most frequent comes first.' : undefined,
    }),
    factor({
      key: 'slow',
      label: 'Slow requests',
      value: view.slowPerMin === 0 ? 'none' : rpm > 0 ? `${pct(slowShare)} of requests` : `${formatPerMin(view.slowPerMin)}/min`,
      points: rpm > 0 ? clamp(slowShare, 20) : 0,
      max: 20,
      hint: view.slowPerMin > 0 ? 'The slow routes below take the longest; their max shows the worst case.' : undefined,
    }),
    factor({
      key: 'eventloop',
      label: 'Event loop p99',
      value: worst === undefined ? 'not reported' : loops.length > 1 ? `${formatLatency(worst)} at worst` : formatLatency(worst),
      points: worst === undefined ? 0 : clamp(((worst - 50) / 450) * 10, 10),
      max: 10,
      hint: worst !== undefined && worst > 50 ? 'Synchronous work blocks the event loop: every request on that process waits.' : undefined,
    }),
  ];

  factors.sort((a, b) => b.points - a.points);
  const hurting = factors.filter((f) => f.points > 0);
  const names: Record<HealthFactor['key'], string> = { instances: 'lost instances', exceptions: 'exceptions', slow: 'slow requests', eventloop: 'event-loop delay' };
  const list = hurting.map((f) => `${names[f.key]} (−${formatPoints(f.points)})`);
  const joined = list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  const summary = hurting.length ? `Lowered by ${joined}.` : 'Nothing lowers it now.';
  return { score: Math.round(view.health), tone: healthTone(view.health), factors, summary };
}

/** Penalty points, whole where they are near whole: 12, 0.4, 3.5. */
export function formatPoints(points: number): string {
  return points >= 10 || Number.isInteger(points) ? String(Math.round(points)) : points.toFixed(1);
}

/** Online first, then by host name and pid, so the list does not reshuffle as figures change. */
export function sortInstances(list: readonly ApmInstanceView[]): ApmInstanceView[] {
  return [...list].sort((a, b) => Number(b.online) - Number(a.online) || a.hostname.localeCompare(b.hostname) || a.pid - b.pid);
}

const share = (part: number | undefined, whole: number | undefined) =>
  typeof part === 'number' && typeof whole === 'number' && whole > 0 ? (part / whole) * 100 : undefined;

/** The gauges of one instance, as percentages for bars. */
export function instanceGauges(i: ApmInstanceView) {
  return {
    /** process CPU is of one core and can pass 100 on a busy multi-threaded process; the bar stops at 100 */
    cpu: i.cpu,
    rssOfHost: share(i.rss, i.hostMemTotal),
    heap: share(i.heapUsed, i.heapTotal),
    hostMem: share(i.hostMemUsed, i.hostMemTotal),
  };
}

export function eventLoopTone(ms: number | undefined): Tone {
  if (ms === undefined) return 'unknown';
  return ms >= 500 ? 'crit' : ms >= 100 ? 'warn' : 'ok';
}

/**
 * Instances online and lost per app, from the live resource list (`app:<app>/<id>`, type `app`),
 * so the cards' counts move between two loads of the app list.
 */
export function liveInstanceCounts(resources: readonly Resource[]): Map<string, { online: number; lost: number }> {
  const out = new Map<string, { online: number; lost: number }>();
  for (const r of resources) {
    if (r.type !== 'app') continue;
    const app = typeof r.details?.['app'] === 'string' ? (r.details['app'] as string) : r.id.match(/^app:([^/]+)\//)?.[1];
    if (!app) continue;
    const c = out.get(app) ?? { online: 0, lost: 0 };
    if (r.status === 'offline') c.lost++;
    else c.online++;
    out.set(app, c);
  }
  return out;
}

/** The app list as cards show it: live instance counts where known; by name, apps with nothing online last. */
export function appCards(apps: readonly ApmAppSummary[], live: Map<string, { online: number; lost: number }>): ApmAppSummary[] {
  return apps
    .map((a) => ({ ...a, instances: live.get(a.app) ?? a.instances }))
    .sort((a, b) => Number(a.instances.online === 0) - Number(b.instances.online === 0) || a.app.localeCompare(b.app) || a.environment.localeCompare(b.environment));
}
