import { afterEach, describe, expect, it } from 'vitest';
import { roundSignificant } from './precision.js';
import { DEFAULT_RAW_CHUNK, DEFAULT_RETENTION_MS, ROLLUP_CHUNK_SPAN_MS } from './tiers.js';
import { type MetricStore, type RetentionMs, type Sample, type Tier, TIER_STEP_MS } from './types.js';

export interface ContractStoreOptions {
  now: () => number;
  retention: RetentionMs;
  seriesPerBatch?: number;
  maintainBatches?: number;
}

export interface ContractStore {
  store: MetricStore;
  /** Persistent stores: another store over the same data, as after a crash (the first is not closed). */
  reopen?: () => Promise<MetricStore>;
  cleanup(): Promise<void>;
}

const T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z, a day boundary
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** mulberry32: a tiny seeded PRNG so the random data is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const series = (resource: string, metric: string, t: number[], v: number[]): Sample[] => t.map((at, i) => ({ resource, metric, t: at, v: v[i]! }));
const every = (n: number, step: number, start = T0): number[] => Array.from({ length: n }, (_, i) => start + i * step);

/** Min, max, count and average per bucket, straight from the raw samples. */
function bruteForce(samples: readonly Sample[], step: number) {
  const buckets = new Map<number, { min: number; max: number; sum: number; count: number }>();
  for (const s of samples) {
    const at = Math.floor(s.t / step) * step;
    const b = buckets.get(at) ?? { min: Infinity, max: -Infinity, sum: 0, count: 0 };
    buckets.set(at, { min: Math.min(b.min, s.v), max: Math.max(b.max, s.v), sum: b.sum + s.v, count: b.count + 1 });
  }
  const t = [...buckets.keys()].sort((a, b) => a - b);
  return { t, min: t.map((k) => buckets.get(k)!.min), max: t.map((k) => buckets.get(k)!.max), count: t.map((k) => buckets.get(k)!.count), avg: t.map((k) => buckets.get(k)!.sum / buckets.get(k)!.count) };
}

/** One suite every MetricStore implementation must pass; `persistent` ones also survive a restart. */
export function metricStoreContract(name: string, open: (options: ContractStoreOptions) => Promise<ContractStore>, opts: { persistent: boolean }): void {
  describe(`metric store on ${name}`, () => {
    let clock = T0;
    const opened: ContractStore[] = [];
    const start = async (options: Partial<ContractStoreOptions> = {}): Promise<ContractStore> => {
      clock = T0;
      const made = await open({ now: () => clock, retention: DEFAULT_RETENTION_MS, ...options });
      opened.push(made);
      return made;
    };
    afterEach(async () => {
      for (const made of opened.splice(0)) await made.cleanup();
    });

    it('reads back what was appended and flushed, by series and range', async () => {
      const { store } = await start();
      const t = every(100, 10_000);
      store.append(series('host:a', 'cpu', t, t.map((_, i) => i / 10)));
      store.append(series('host:a', 'mem', t, t.map((_, i) => 1e9 + i)));
      clock = T0 + 20 * MIN;
      await store.flush();
      expect(await store.read('host:a', 'cpu', 'raw', T0, T0 + DAY)).toEqual({ t, v: t.map((_, i) => i / 10) });
      expect((await store.read('host:a', 'mem', 'raw', T0 + 10_000, T0 + 30_000)).v).toEqual([1e9 + 1, 1e9 + 2, 1e9 + 3]);
      expect((await store.read('host:b', 'cpu', 'raw', T0, T0 + DAY)).t).toEqual([]);
      expect((await store.read('host:a', 'cpu', '1m', T0, T0 + DAY)).t).toEqual([]);
    });

    it('reads ranges that span many chunks, flushed in pieces', async () => {
      const { store, reopen } = await start();
      const t = every(1000, 5_000);
      const v = t.map((_, i) => Math.sin(i / 10) * 100);
      for (let i = 0; i < t.length; i += 70) {
        store.append(series('vm:1', 'net', t.slice(i, i + 70), v.slice(i, i + 70)));
        clock = t[Math.min(i + 69, t.length - 1)]!;
        await store.flush();
      }
      // Stored to six significant digits (precision.ts); the sine's noise digits are not kept.
      const stored = v.map(roundSignificant);
      expect(await store.read('vm:1', 'net', 'raw', T0, T0 + DAY)).toEqual({ t, v: stored });
      const mid = await store.read('vm:1', 'net', 'raw', t[115]!, t[485]!);
      expect(mid.t).toEqual(t.slice(115, 486));
      expect((await store.stats()).bytesByTier.raw).toBeGreaterThan(0);
      if (reopen) expect((await (await reopen()).read('vm:1', 'net', 'raw', T0, T0 + DAY)).v).toEqual(stored);
    });

    it('knows which series exist, buffered or stored, whatever range is asked', async () => {
      const { store } = await start();
      store.append([{ resource: 'h', metric: 'm', t: T0, v: 1 }]);
      expect(await store.hasSeries('h', 'm')).toBe(true);
      await store.flush();
      expect(await store.hasSeries('h', 'm')).toBe(true);
      expect(await store.hasSeries('h', 'other')).toBe(false);
      expect(await store.hasSeries('x', 'm')).toBe(false);
    });

    it('takes one resource\'s metrics at once, and serves raw samples before they are flushed', async () => {
      const { store } = await start();
      store.appendMetrics('h', T0, { cpu: 12.5, mem: 4e9, bad: Number.NaN });
      store.appendMetrics('h', T0 + 10_000, { cpu: 13 });
      expect(await store.read('h', 'cpu', 'raw', T0, T0 + MIN)).toEqual({ t: [T0, T0 + 10_000], v: [12.5, 13] });
      expect(await store.hasSeries('h', 'bad')).toBe(false);
      await store.flush();
      store.appendMetrics('h', T0 + 20_000, { cpu: 14 });
      expect((await store.read('h', 'cpu', 'raw', T0, T0 + MIN)).v).toEqual([12.5, 13, 14]);
      expect((await store.read('h', 'mem', 'raw', T0, T0 + MIN)).v).toEqual([4e9]);
      expect((await store.stats()).samplesDropped).toBe(1);
    });

    it('drops NaN and infinite values, counts them and never stores them', async () => {
      const { store } = await start();
      store.append([
        { resource: 'h', metric: 'm', t: T0, v: 1 },
        { resource: 'h', metric: 'm', t: T0 + 1000, v: Number.NaN },
        { resource: 'h', metric: 'm', t: T0 + 2000, v: Infinity },
        { resource: 'h', metric: 'm', t: T0 + 3000, v: -Infinity },
        { resource: 'h', metric: 'm', t: T0 + 4000, v: 2 },
      ]);
      await store.flush();
      expect(await store.read('h', 'm', 'raw', T0, T0 + MIN)).toEqual({ t: [T0, T0 + 4000], v: [1, 2] });
      const stats = await store.stats();
      expect(stats.samplesDropped).toBe(3);
      expect(stats.samplesAccepted).toBe(2);
    });

    it('inserts slightly late samples in order, and drops and counts ones older than their chunk or rollup', async () => {
      const { store } = await start();
      clock = T0 + 10 * MIN;
      store.append(series('h', 'm', every(10, 10_000), every(10, 1, 0)));
      await store.flush();
      store.append([{ resource: 'h', metric: 'm', t: T0 + 45_000, v: 99 }, { resource: 'h', metric: 'm', t: T0 + 20_000, v: 7 }]);
      await store.flush();
      const first = await store.read('h', 'm', 'raw', T0, T0 + HOUR);
      expect(first.t).toEqual([...every(5, 10_000), T0 + 45_000, ...every(5, 10_000, T0 + 50_000)]);
      expect(first.v.slice(0, 6)).toEqual([0, 1, 7, 3, 4, 99]);
      // 131 points overflow any chunk (90-120 points); a sample before the new chunk's start is too late.
      store.append(series('h', 'm', every(120, 10_000, T0 + 100_000), every(120, 1, 10)));
      await store.flush();
      store.append([{ resource: 'h', metric: 'm', t: T0 + 5_000, v: -1 }]);
      await store.flush();
      expect((await store.stats()).samplesDropped).toBe(1);
      // Once the hour is rolled up, a sample inside it is too late as well, even after the chunk's end.
      clock = T0 + 3 * HOUR;
      await store.maintain();
      store.append([{ resource: 'h', metric: 'm', t: T0 + 30 * MIN, v: -2 }]);
      await store.flush();
      const after = await store.read('h', 'm', 'raw', T0, T0 + HOUR);
      expect(after.t).toHaveLength(131);
      expect(after.v).not.toContain(-1);
      expect(after.v).not.toContain(-2);
      expect((await store.stats()).samplesDropped).toBe(2);
    });

    it('rolls up 1 m, 1 h and 1 d buckets equal to a brute-force computation over the raw samples', async () => {
      const { store } = await start({ seriesPerBatch: 2 });
      const rand = mulberry32(42);
      const names: [string, string][] = [['host:a', 'cpu'], ['host:a', 'mem'], ['host:b', 'load']];
      const raw = new Map<string, Sample[]>(names.map(([r, m]) => [`${r}/${m}`, []]));
      let level = 50;
      for (let k = 0; k < 3 * 8640; k++) {
        for (const [resource, metric] of names) {
          if (rand() < 0.1) continue; // a missed poll
          // Whole 100 ms of jitter: never within the 50 ms a timestamp is snapped to its rhythm by.
          const t = T0 + k * 10_000 + Math.floor(rand() * 30) * 100;
          if (metric === 'load' && t > T0 + DAY + 5 * HOUR && t < T0 + DAY + 6.5 * HOUR) continue; // an outage
          level = Math.min(100, Math.max(0, level + (rand() - 0.5) * 4));
          const v = metric === 'cpu' ? Math.round(level * 10) / 10 : metric === 'mem' ? Math.floor(rand() * 8e9) : roundSignificant(rand() * 4);
          raw.get(`${resource}/${metric}`)!.push({ resource, metric, t, v });
        }
      }
      const all = [...raw.values()].flat().sort((a, b) => a.t - b.t);
      // Ingest hour by hour with the clock just past each hour, maintaining as the owner's timer would.
      for (let h = 0, i = 0; h < 72; h++) {
        const end = T0 + (h + 1) * HOUR;
        const j = all.findIndex((s) => s.t >= end);
        store.append(all.slice(i, j === -1 ? undefined : j));
        i = j === -1 ? all.length : j;
        clock = end + 30_000;
        await store.flush();
        await store.maintain();
      }
      clock = T0 + 3 * DAY + HOUR;
      const expected = Object.fromEntries(names.map(([r, m]) => [`${r}/${m}`, {
        '1m': bruteForce(raw.get(`${r}/${m}`)!, TIER_STEP_MS['1m']),
        '1h': bruteForce(raw.get(`${r}/${m}`)!, TIER_STEP_MS['1h']),
        '1d': bruteForce(raw.get(`${r}/${m}`)!, TIER_STEP_MS['1d']),
      }]));
      const tiers = ['1m', '1h', '1d'] as const;
      const caughtUp = async (): Promise<boolean> => {
        for (const [r, m] of names) {
          for (const tier of tiers) if ((await store.read(r, m, tier, T0, T0 + 3 * DAY)).t.length < expected[`${r}/${m}`]![tier].t.length) return false;
        }
        return true;
      };
      for (let calls = 0; !(await caughtUp()); calls++) {
        expect(calls, 'maintain() did not catch up').toBeLessThan(200);
        await store.maintain();
      }
      for (const [r, m] of names) {
        for (const tier of tiers) {
          const want = expected[`${r}/${m}`]![tier];
          const got = await store.read(r, m, tier as Tier, T0, T0 + 3 * DAY);
          expect({ t: got.t, min: got.min, max: got.max, count: got.count }, `${r}/${m} ${tier}`).toEqual({ t: want.t, min: want.min, max: want.max, count: want.count });
          // Averages are kept to six significant digits at each tier (precision.ts), each rounding off by at
          // most 5 in 10^6 of the bucket's magnitude; three tiers deep stays within 2 in 10^5.
          got.v.forEach((avg, i) => expect(Math.abs(avg - want.avg[i]!)).toBeLessThanOrEqual(2e-5 * Math.max(Math.abs(want.min[i]!), Math.abs(want.max[i]!))));
        }
      }
      expect(expected['host:b/load']!['1d'].t).toHaveLength(3);
    });

    it('trims each tier to its retention once the next tier has rolled it up', async () => {
      const retention = { raw: DAY, '1m': 2 * DAY, '1h': 20 * DAY, '1d': 30 * DAY };
      const { store } = await start({ retention, maintainBatches: 100 });
      // 110 days: long enough for the first 120-day-aligned 1 d chunk (ending at T0 + 70 d) to expire.
      const days = 110;
      for (let d = 0; d < days; d++) {
        // Two busy hours a day keep the test quick; the empty hours are skipped, not rolled one by one.
        const t = every(48, 150_000, T0 + d * DAY);
        store.append(series('h', 'm', t, t.map((_, i) => i % 7)));
        clock = T0 + (d + 1) * DAY + MIN;
        await store.maintain();
      }
      clock = T0 + days * DAY + HOUR;
      for (let i = 0; i < 5; i++) await store.maintain();
      const now = clock;
      // Retention drops whole chunks, so a tier may keep up to one chunk's span beyond it.
      const span: Record<Tier, number> = { raw: DEFAULT_RAW_CHUNK.maxSpanMs, ...ROLLUP_CHUNK_SPAN_MS };
      for (const tier of ['raw', '1m', '1h', '1d'] as const) {
        const got = await store.read('h', 'm', tier, 0, now);
        expect(got.t.length, tier).toBeGreaterThan(0);
        expect(got.t[0]!, `${tier} kept everything`).toBeGreaterThan(T0);
        expect(got.t[0]!, tier).toBeGreaterThanOrEqual(now - retention[tier] - span[tier]);
        expect(got.t[got.t.length - 1]!, tier).toBeGreaterThanOrEqual(now - (tier === 'raw' ? DAY : 2 * DAY));
      }
    });

    it('reports series, bytes per tier, samples, flushes and bytes written in the last hour', async () => {
      const { store } = await start();
      expect(await store.stats()).toEqual({ series: 0, bytesByTier: { raw: 0, '1m': 0, '1h': 0, '1d': 0 }, samplesAccepted: 0, samplesDropped: 0, bytesWrittenLastHour: 0, flushes: 0 });
      const t = every(360, 10_000);
      store.append([...series('a', 'x', t, t.map((_, i) => i)), ...series('b', 'y', t, t.map((_, i) => i * 2))]);
      clock = T0 + HOUR;
      await store.flush();
      const flushed = await store.stats();
      expect(flushed).toMatchObject({ series: 2, samplesAccepted: 720, samplesDropped: 0, flushes: 1 });
      expect(flushed.bytesWrittenLastHour).toBeGreaterThan(0);
      // 360 points fill two chunks per series; the open third is written at a checkpoint.
      expect(flushed.bytesByTier.raw).toBeGreaterThan(0);
      // Past the 1 m grace and the 30 min checkpoint age, still within the hour of the flush.
      clock = T0 + HOUR + 35 * MIN;
      await store.maintain();
      const rolled = await store.stats();
      expect(rolled.bytesByTier['1m']).toBeGreaterThan(0);
      expect(rolled.bytesByTier.raw).toBeGreaterThan(flushed.bytesByTier.raw);
      expect(rolled.bytesWrittenLastHour).toBeGreaterThan(flushed.bytesWrittenLastHour);
      clock = T0 + 4 * HOUR;
      expect((await store.stats()).bytesWrittenLastHour).toBe(0);
    });

    it.skipIf(!opts.persistent)('replays flushed samples after a restart without close, and starts clean after close', async () => {
      const { store, reopen } = await start();
      const t = every(50, 10_000);
      store.append(series('h', 'm', t, t.map((_, i) => i * 1.5)));
      clock = T0 + 10 * MIN;
      await store.flush();
      const second = await reopen!();
      expect(await second.read('h', 'm', 'raw', T0, T0 + HOUR)).toEqual({ t, v: t.map((_, i) => i * 1.5) });
      second.append(series('h', 'm', [T0 + 500_000], [7]));
      await second.close();
      const third = await reopen!();
      expect((await third.read('h', 'm', 'raw', T0, T0 + HOUR)).t).toEqual([...t, T0 + 500_000]);
      expect((await third.stats()).series).toBe(1);
    });
  });
}
