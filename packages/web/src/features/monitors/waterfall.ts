import type { CheckTimings } from '@pulse/protocol';

/*
 * One HTTP check drawn as a waterfall: each phase a bar that starts where the one before ended.
 * The check reports each phase's own duration (µs, absent when it did not happen: no TLS on
 * http://, nothing before the request on a reused connection); offsets are their running sum.
 */

export const PHASES = [
  { key: 'dns', label: 'DNS', color: '--chart-3' },
  { key: 'connect', label: 'Connect', color: '--accent' },
  { key: 'tls', label: 'TLS', color: '--chart-2' },
  { key: 'ttfb', label: 'Waiting (TTFB)', color: '--warn' },
  { key: 'download', label: 'Download', color: '--ok' },
] as const;

export type PhaseKey = (typeof PHASES)[number]['key'];

export interface WaterfallRow {
  key: PhaseKey | 'other';
  label: string;
  color: string;
  /** ms from the start of the check */
  startMs: number;
  durationMs: number;
  /** did not happen (a reused connection has no DNS, connect or TLS) */
  skipped: boolean;
  /** the phase the check failed or timed out in: it lasts until the check gave up */
  failed?: boolean;
}

export interface Waterfall {
  rows: WaterfallRow[];
  totalMs: number;
  reused: boolean;
}

const US_KEYS: Record<PhaseKey, keyof CheckTimings> = { dns: 'dnsUs', connect: 'connectUs', tls: 'tlsUs', ttfb: 'ttfbUs', download: 'downloadUs' };

/** Time not in any phase (writing the request, checking the body) shows as its own bar past this share of the total. */
const OTHER_MIN_SHARE = 0.02;

/**
 * The bars of one check. Phases that did not happen keep their row (so every waterfall reads the same
 * way) with no width; the total is the check's own, and time it spent outside the phases is a last
 * "Other" bar when it is more than a sliver.
 */
export function waterfallOf(timings: Partial<CheckTimings> & { totalUs?: number }, reused = false, failedIn?: string): Waterfall {
  const phases = PHASES.map((p) => {
    const us = timings[US_KEYS[p.key]];
    return { ...p, ms: typeof us === 'number' && Number.isFinite(us) && us >= 0 ? us / 1000 : undefined };
  });
  const measured = phases.reduce((sum, p) => sum + (p.ms ?? 0), 0);
  const total = typeof timings.totalUs === 'number' && Number.isFinite(timings.totalUs) ? Math.max(timings.totalUs / 1000, measured) : measured;
  // A check that gave up in a phase it never finished reports no time for it: it lasted the rest.
  const failed = phases.find((p) => p.key === failedIn);
  if (failed && failed.ms === undefined) failed.ms = Math.max(0, total - measured);
  let at = 0;
  const rows: WaterfallRow[] = [];
  for (const p of phases) {
    rows.push({
      key: p.key, label: p.label, color: p.color, startMs: at, durationMs: p.ms ?? 0,
      skipped: p.ms === undefined || (reused && p.ms === 0 && p.key !== 'ttfb' && p.key !== 'download'),
      ...(p === failed ? { failed: true } : {}),
    });
    at += p.ms ?? 0;
  }
  const rest = total - at;
  if (rest > 0 && rest >= total * OTHER_MIN_SHARE && rest >= 0.5) {
    rows.push({ key: 'other', label: 'Other', color: '--unknown', startMs: at, durationMs: rest, skipped: false });
  }
  return { rows, totalMs: total, reused };
}

/** The phase a failed check stopped in, from its reason (`timeout.ttfb`, or the phase it names). */
export function failedPhaseOf(reason: { code: string; phase?: string } | undefined): PhaseKey | undefined {
  if (!reason) return undefined;
  const fromCode = reason.code.startsWith('timeout.') ? reason.code.slice('timeout.'.length) : undefined;
  const phase = fromCode ?? reason.phase ?? (reason.code.startsWith('tls.') ? 'tls' : reason.code.startsWith('tcp.') ? 'connect' : reason.code.startsWith('dns.') ? 'dns' : undefined);
  return PHASES.some((p) => p.key === phase) ? (phase as PhaseKey) : undefined;
}

/** The same from a resource's latest metrics (ms per phase, `rt` the total), for when no result list is at hand. */
export function waterfallFromMetrics(metrics: Record<string, number | undefined>, reused = false, failedIn?: string): Waterfall | undefined {
  const us = (k: string) => (typeof metrics[k] === 'number' ? Math.round(metrics[k]! * 1000) : undefined);
  if (PHASES.every((p) => metrics[p.key] === undefined)) return undefined;
  return waterfallOf({ dnsUs: us('dns'), connectUs: us('connect'), tlsUs: us('tls'), ttfbUs: us('ttfb'), downloadUs: us('download'), totalUs: us('rt') }, reused, failedIn);
}

/** A bar's left edge and width as percentages of the total, at least a hairline wide when it happened. */
export function barGeometry(row: WaterfallRow, totalMs: number): { left: number; width: number } {
  if (totalMs <= 0) return { left: 0, width: 0 };
  const left = Math.min(100, (row.startMs / totalMs) * 100);
  const width = row.skipped ? 0 : Math.max(row.durationMs > 0 ? 0.4 : 0, Math.min(100 - left, (row.durationMs / totalMs) * 100));
  return { left, width };
}

/** The points of several phase series averaged into `buckets` equal spans of [from, to]: one stacked bar each. */
export interface StackBucket {
  from: number;
  to: number;
  /** average ms per phase in the span; 0 where it reported none */
  values: number[];
  /** whether any phase had a point in the span */
  filled: boolean;
}

export function bucketStack(series: readonly { t: readonly number[]; v: readonly number[] }[], from: number, to: number, buckets: number): StackBucket[] {
  const n = Math.max(1, Math.floor(buckets));
  const span = (to - from) / n;
  const sums = series.map(() => new Array<number>(n).fill(0));
  const counts = series.map(() => new Array<number>(n).fill(0));
  series.forEach((s, k) => {
    for (let i = 0; i < Math.min(s.t.length, s.v.length); i++) {
      const t = s.t[i]!;
      if (t < from || t > to || !Number.isFinite(s.v[i]!)) continue;
      const b = Math.min(n - 1, Math.floor((t - from) / span));
      sums[k]![b]! += s.v[i]!;
      counts[k]![b]!++;
    }
  });
  return Array.from({ length: n }, (_, b) => ({
    from: from + b * span,
    to: from + (b + 1) * span,
    values: series.map((_, k) => (counts[k]![b]! ? sums[k]![b]! / counts[k]![b]! : 0)),
    filled: series.some((_, k) => counts[k]![b]! > 0),
  }));
}
