import { describe, expect, it } from 'vitest';
import { barGeometry, bucketStack, failedPhaseOf, waterfallFromMetrics, waterfallOf } from '../../packages/web/src/features/monitors/waterfall.ts';

const rows = (w: ReturnType<typeof waterfallOf>) => w.rows.map((r) => [r.key, r.startMs, r.durationMs, r.skipped]);

describe('waterfall of one check', () => {
  it('starts each phase where the one before ended, in ms', () => {
    const w = waterfallOf({ dnsUs: 12_000, connectUs: 8_500, tlsUs: 21_000, ttfbUs: 140_250, downloadUs: 18_250, totalUs: 200_000 });
    expect(rows(w)).toEqual([
      ['dns', 0, 12, false],
      ['connect', 12, 8.5, false],
      ['tls', 20.5, 21, false],
      ['ttfb', 41.5, 140.25, false],
      ['download', 181.75, 18.25, false],
    ]);
    expect(w.totalMs).toBe(200);
  });

  it('keeps the row of a phase that did not happen, with no width, and does not shift the others', () => {
    const w = waterfallOf({ connectUs: 400, ttfbUs: 50_000, downloadUs: 1_000, totalUs: 51_400 });
    expect(rows(w)).toEqual([
      ['dns', 0, 0, true],
      ['connect', 0, 0.4, false],
      ['tls', 0.4, 0, true],
      ['ttfb', 0.4, 50, false],
      ['download', 50.4, 1, false],
    ]);
    expect(barGeometry(w.rows[0]!, w.totalMs).width).toBe(0);
  });

  it('labels a reused connection: DNS, connect and TLS of 0 did not happen', () => {
    const w = waterfallOf({ dnsUs: 0, connectUs: 0, tlsUs: 0, ttfbUs: 30_000, downloadUs: 2_000, totalUs: 32_000 }, true);
    expect(w.reused).toBe(true);
    expect(w.rows.filter((r) => r.skipped).map((r) => r.key)).toEqual(['dns', 'connect', 'tls']);
    expect(w.rows.find((r) => r.key === 'ttfb')).toMatchObject({ startMs: 0, durationMs: 30 });
  });

  it('shows time outside the phases as "Other" only when it is more than a sliver', () => {
    expect(waterfallOf({ ttfbUs: 100_000, totalUs: 100_300 }).rows.some((r) => r.key === 'other')).toBe(false);
    const w = waterfallOf({ connectUs: 1_000, ttfbUs: 80_000, totalUs: 100_000 });
    expect(w.rows.at(-1)).toMatchObject({ key: 'other', startMs: 81, durationMs: 19 });
  });

  it('gives the phase a check gave up in the rest of its time', () => {
    const w = waterfallOf({ connectUs: 460, totalUs: 2_000_000 }, false, failedPhaseOf({ code: 'timeout.ttfb', message: '' }));
    const ttfb = w.rows.find((r) => r.key === 'ttfb')!;
    expect(ttfb).toMatchObject({ failed: true, skipped: false, startMs: 0.46 });
    expect(ttfb.durationMs).toBeCloseTo(1999.54, 6);
    expect(w.rows.some((r) => r.key === 'other')).toBe(false);
  });

  it('reads the failed phase from the reason', () => {
    expect(failedPhaseOf({ code: 'timeout.connect', message: '' })).toBe('connect');
    expect(failedPhaseOf({ code: 'tls.expired', message: '' })).toBe('tls');
    expect(failedPhaseOf({ code: 'tcp.refused', message: '' })).toBe('connect');
    expect(failedPhaseOf({ code: 'http.status', message: '', phase: 'ttfb' })).toBe('ttfb');
    expect(failedPhaseOf({ code: 'timeout.total', message: '' })).toBeUndefined();
    expect(failedPhaseOf(undefined)).toBeUndefined();
  });

  it('builds the same from resource metrics (ms) when no result is at hand', () => {
    const w = waterfallFromMetrics({ dns: 1.5, connect: 2, tls: 3.25, ttfb: 40, download: 3.25, rt: 50 })!;
    expect(rows(w).map((r) => r[1])).toEqual([0, 1.5, 3.5, 6.75, 46.75]);
    expect(waterfallFromMetrics({ rt: 12 })).toBeUndefined();
  });

  it('places bars as shares of the total, a hairline at least for a phase that took any time', () => {
    const w = waterfallOf({ dnsUs: 1, connectUs: 50_000, ttfbUs: 50_000, totalUs: 100_001 });
    expect(barGeometry(w.rows[1]!, w.totalMs).left).toBeCloseTo(0.001, 3);
    expect(barGeometry(w.rows[1]!, w.totalMs).width).toBeCloseTo(50, 1);
    expect(barGeometry(w.rows[0]!, w.totalMs).width).toBe(0.4);
  });
});

describe('stacked phases over time', () => {
  it('averages each phase per span and marks spans with no points', () => {
    const dns = { t: [0, 10, 50], v: [2, 4, 6] };
    const ttfb = { t: [5, 55], v: [100, 200] };
    const buckets = bucketStack([dns, ttfb], 0, 100, 4);
    expect(buckets.map((b) => b.values)).toEqual([[3, 100], [0, 0], [6, 200], [0, 0]]);
    expect(buckets.map((b) => b.filled)).toEqual([true, false, true, false]);
    expect(buckets[0]).toMatchObject({ from: 0, to: 25 });
  });

  it('puts a point at the very end into the last span and ignores points outside', () => {
    const b = bucketStack([{ t: [-5, 100, 101], v: [1, 7, 9] }], 0, 100, 2);
    expect(b.map((x) => x.values[0])).toEqual([0, 7]);
  });
});
