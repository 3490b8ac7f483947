#!/usr/bin/env node
/**
 * The metric history store (packages/server/src/history, SQLite) against the common design — a plain
 * one-row-per-sample SQLite table — on the same generated data in the same run, through the BUILT
 * server (`npx tsc -b` first).
 *
 *   node bench/history.mjs                       (or: npm run bench -- history; 6-9 min on 2 vCPUs)
 *   BENCH_HISTORY_RESOURCES=1000 node bench/history.mjs     (a smaller fleet; per-hour write figures
 *                                                           for 3,000 hosts are then extrapolated, labelled)
 *
 * Environment (defaults in brackets):
 *   BENCH_HISTORY_RESOURCES           [3000]  hosts (× 10 metrics at 10 s) Pulse ingests
 *   BENCH_HISTORY_BASELINE_RESOURCES  [300]   hosts the baseline ingests, and Pulse again at that scale
 *                                             for a like-for-like ratio. The baseline writes one 4 KiB page
 *                                             per series per flush (~10 GiB per simulated hour at 300
 *                                             hosts): at 3,000 it would take over 10 minutes and ~100 GiB
 *                                             of writes, so its 3,000-host figures are ×10, labelled.
 *   BENCH_HISTORY_WARMUP_MIN          [30]    simulated minutes ingested before the measured window
 *   BENCH_HISTORY_MEASURE_MIN         [60]    simulated minutes measured
 *   BENCH_HISTORY_TEXT                [0]     1: also run the text-keyed baseline (resource, metric TEXT)
 *   BENCH_HISTORY_REPS                [1]     multiplier on query repetitions
 *   BENCH_HISTORY_DIR                 [os tmpdir]  where the temporary databases go (removed at the end)
 *   BENCH_HISTORY_DIST                [packages/server/dist]  the built server to measure (a baseline copy)
 *
 * Phases, each in its own child process (so /proc/self/io, the heap and timings are its own):
 *
 * 1. ingest — a fleet of hosts (bench/lib/history-data.mjs: cpu %, load, memory and disk bytes, network
 *    rates rounded and unrounded, uptime, a constant) reports every 10 s at its own phase with a few ms of
 *    jitter, on a simulated clock (the store's injectable `now`), starting at a UTC midnight. Every 5 s of
 *    simulated time the samples of those 5 s are appended (one append per host tick) and flushed, as the
 *    server's default flush_interval_ms does; every 60 s maintain() runs. The baseline inserts the same
 *    samples, one transaction per 5 s flush. Measured over the window after the warm-up: time spent inside
 *    the store (append + flush + maintain; generating the data is excluded), the bytes the process wrote
 *    (/proc/self/io: wchar = bytes handed to write(2); write_bytes = bytes dirtied in the page cache for the
 *    disk, page-granular, WAL and checkpoints included; cancelled_write_bytes = those dropped before
 *    writeback because the file was deleted — SQLite's statement journals in /var/tmp), and the files'
 *    sizes. At the end: file size after close and a checkpoint, bytes per tier, where the file's pages go
 *    (dbstat), and bench/lib/history-whatif.mjs re-encodes a sample of the chunks to show where the bytes go.
 *    Only the daily 1 h / 1 d rollups are not inside the measured hour; the query phase measures them.
 * 2. query — the 100 series of 10 hosts, with a year of history ending at a fixed "now" (14:00 UTC).
 *    Pulse: the last 8 days are ingested for real through append/flush/maintain (every 5 simulated minutes
 *    here: the stored layout does not depend on it), so raw, 1 m and 1 h are what the server would hold;
 *    the 357 days before are seeded as 1 h and 1 d rollup chunks built with the store's own rollup and
 *    encoder from the same generated 10 s data, with the rollup progress a running server would have, and
 *    the store's maintain() trims 1 h to 90 days. Baseline: every 10 s sample of the 100 series for the
 *    last 7 days, plus a whole year at 10 s for ONE series (a year of 100 series at 10 s is 315 M rows,
 *    ~7 GiB — the design cannot sensibly hold it, so its 100-series year is 100 × the 1-series year,
 *    labelled, not measured). The query is the chart request: 600 points over 7 d or 1 y. Pulse through
 *    readHistory (what GET /api/metrics/history runs: tier choice and downsampling); baseline one
 *    GROUP BY over 600 time buckets per series returning min/max/avg/count, by better-sqlite3 directly (no
 *    query builder). 100 series = 10 requests of 10 metrics, one after another.
 *
 * Prints tables and writes bench/results/history.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openBaseline } from './lib/history-baseline.mjs';
import { METRICS, createFleet, resourceId } from './lib/history-data.mjs';
import { codecWhatIf } from './lib/history-whatif.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// BENCH_HISTORY_DIST runs another build (a copy of packages/server/dist beside a node_modules link) for a before/after.
const dist = process.env.BENCH_HISTORY_DIST || join(here, '../packages/server/dist');
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const RESOURCES = env('BENCH_HISTORY_RESOURCES', 3000);
const BASELINE_RESOURCES = env('BENCH_HISTORY_BASELINE_RESOURCES', 300);
const WARMUP_MIN = env('BENCH_HISTORY_WARMUP_MIN', 30);
const MEASURE_MIN = env('BENCH_HISTORY_MEASURE_MIN', 60);
const WITH_TEXT = env('BENCH_HISTORY_TEXT', 0) === 1;
const REPS = env('BENCH_HISTORY_REPS', 1);
const FULL_RESOURCES = 3000;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FLUSH_MS = 5 * SECOND;
const MAINTAIN_MS = MINUTE;
/** Ingest starts at a midnight, so its hours are ordinary hours (no daily rollup inside them). */
const T0_INGEST = Date.UTC(2026, 10, 29, 0, 0, 0);
/** The query phase's "now": mid-afternoon, so the day in progress is 14 h old. */
const NOW_Q = Date.UTC(2026, 10, 29, 14, 0, 0);
const REAL_DAYS = 8;
/** Flush + maintain cadence while building the query database (the layout does not depend on it; time does). */
const BUILD_STEP_MS = 5 * MINUTE;
const QUERY_RESOURCES = 10;
const POINTS = 600;
const RANGES = { '7d': 7 * DAY, '1y': 365 * DAY };

const quietLogger = { warn: (obj, msg) => process.stderr.write(`warn: ${msg} ${JSON.stringify(obj)}\n`), error: (obj, msg) => process.stderr.write(`error: ${msg} ${JSON.stringify(obj)}\n`) };
const log = (msg) => process.stderr.write(`[history ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** Digest of the built history and store code the children import, to catch a rebuild in the middle of a run. */
function distDigest() {
  const h = createHash('sha256');
  for (const sub of ['history', 'store', 'store/migrations']) {
    const d = join(dist, sub);
    for (const f of readdirSync(d).filter((x) => x.endsWith('.js')).sort()) h.update(f).update(readFileSync(join(d, f)));
  }
  return h.digest('hex').slice(0, 16);
}

function readIo() {
  const out = {};
  for (const line of readFileSync('/proc/self/io', 'utf8').trim().split('\n')) {
    const [k, v] = line.split(':');
    out[k.trim()] = Number(v);
  }
  return out;
}
const ioDelta = (a, b) => ({ wchar: b.wchar - a.wchar, writeBytes: b.write_bytes - a.write_bytes, cancelledWriteBytes: b.cancelled_write_bytes - a.cancelled_write_bytes, syscw: b.syscw - a.syscw });
const sizeOf = (f) => (existsSync(f) ? statSync(f).size : 0);
const fileSizes = (file) => ({ db: sizeOf(file), wal: sizeOf(`${file}-wal`) });

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const summary = (ms) => ({ n: ms.length, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), max: Math.max(...ms), mean: ms.reduce((a, b) => a + b, 0) / ms.length });

/** Page use of a closed database file: checkpoint, then dbstat per table/index and the free list. */
function analyzeFile(file, extra) {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true });
  const pageCount = db.pragma('page_count', { simple: true });
  const freePages = db.pragma('freelist_count', { simple: true });
  const objects = db.prepare('SELECT name, sum(pgsize) AS bytes, sum(payload) AS payload, sum(unused) AS unused, count(*) AS pages FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
  const more = extra ? extra(db) : {};
  db.close();
  return { pageSize, pageCount, freePages, fileBytes: sizeOf(file), walBytes: sizeOf(`${file}-wal`), objects, ...more };
}

/** Stored chunks per tier (points and encoded bytes) and raw bytes per point by metric, from the metric_* tables. */
function chunkFigures(db) {
  const tiers = db.prepare('SELECT tier, count(*) AS chunks, sum(points) AS points, sum(length(data)) AS bytes FROM metric_chunks GROUP BY tier').all();
  const byMetric = db.prepare(`SELECT s.metric AS metric, sum(c.points) AS points, sum(length(c.data)) AS bytes, count(*) AS chunks
    FROM metric_chunks c JOIN metric_series s ON s.id = c.series_id WHERE c.tier = 'raw' GROUP BY s.metric ORDER BY bytes DESC`).all();
  const head = db.prepare('SELECT count(*) AS rows, coalesce(sum(length(data)), 0) AS bytes FROM metric_head').get();
  return { tiers, rawByMetric: byMetric, head };
}

// ---------------------------------------------------------------- phase 1: ingest

async function openOurs(file, now) {
  const { openDatabase } = await import(join(dist, 'store/database.js'));
  const { createSqlMetricStore } = await import(join(dist, 'history/metric-store-sql.js'));
  const { DEFAULT_RETENTION_MS } = await import(join(dist, 'history/tiers.js'));
  const db = await openDatabase({ url: `sqlite:${file}`, dataDir: dirname(file) });
  const store = createSqlMetricStore({ db, now, retention: DEFAULT_RETENTION_MS, logger: quietLogger });
  return { db, store, retention: DEFAULT_RETENTION_MS };
}

async function ingestChild(kind, file, resources) {
  let clock = T0_INGEST;
  const ours = kind === 'ours' ? await openOurs(file, () => clock) : undefined;
  const base = kind === 'ours' ? undefined : openBaseline(file, kind === 'baseline-text' ? 'text' : 'id');
  const fleet = createFleet({ resources, start: T0_INGEST });
  const ids = Array.from({ length: resources }, (_, r) => resourceId(r));
  const windows = [{ name: 'warm-up', minutes: WARMUP_MIN }, { name: 'measured', minutes: MEASURE_MIN }].filter((w) => w.minutes > 0);
  const phases = [];
  let total = 0;
  let step = 0;
  for (const w of windows) {
    const acc = { samples: 0, genMs: 0, appendMs: 0, flushMs: 0, maintainMs: 0 };
    const flushTimes = [];
    const maintainTimes = [];
    const io0 = readIo();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const steps = (w.minutes * MINUTE) / FLUSH_MS;
    for (let s = 1; s <= steps; s++) {
      const until = T0_INGEST + ++step * FLUSH_MS;
      let t = performance.now();
      const batch = [];
      for (let x = fleet.next(until); x; x = fleet.next(until)) {
        const resource = ids[x.resource];
        const samples = new Array(METRICS.length);
        for (let k = 0; k < METRICS.length; k++) samples[k] = { resource, metric: METRICS[k], t: x.t, v: x.values[k] };
        batch.push(samples);
        acc.samples += METRICS.length;
      }
      acc.genMs += performance.now() - t;
      clock = until;
      if (ours) {
        t = performance.now();
        for (const samples of batch) ours.store.append(samples);
        acc.appendMs += performance.now() - t;
        t = performance.now();
        await ours.store.flush();
        const f = performance.now() - t;
        acc.flushMs += f;
        flushTimes.push(f);
        if ((until - T0_INGEST) % MAINTAIN_MS === 0) {
          t = performance.now();
          await ours.store.maintain();
          const m = performance.now() - t;
          acc.maintainMs += m;
          maintainTimes.push(m);
        }
      } else {
        t = performance.now();
        base.writeBatch(batch);
        const f = performance.now() - t;
        acc.flushMs += f;
        flushTimes.push(f);
      }
    }
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const io = ioDelta(io0, readIo());
    total += acc.samples;
    const storeMs = acc.appendMs + acc.flushMs + acc.maintainMs;
    const stats = ours ? await ours.store.stats() : undefined;
    phases.push({
      name: w.name, minutes: w.minutes, ...acc, storeMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
      samplesPerSecond: acc.samples / (storeMs / 1000),
      flush: summary(flushTimes), maintain: maintainTimes.length ? summary(maintainTimes) : undefined,
      io, sizes: fileSizes(file), loggedBytesWrittenLastHour: stats?.bytesWrittenLastHour,
    });
    log(`${kind} × ${resources} hosts: ${w.name} ${w.minutes} min: ${acc.samples.toLocaleString()} samples in ${(storeMs / 1000).toFixed(1)} s store time `
      + `(${Math.round(acc.samples / (storeMs / 1000)).toLocaleString()}/s), wrote ${(io.writeBytes / 2 ** 20).toFixed(1)} MiB, `
      + `flush p50 ${summary(flushTimes).p50.toFixed(1)} p99 ${summary(flushTimes).p99.toFixed(1)} ms`);
  }
  const out = { kind, resources, series: resources * METRICS.length, phases, samples: total };
  if (ours) {
    // Live state: open chunks are still in the head log. Checkpoint from a second connection to size it.
    const live = new Database(file);
    live.pragma('wal_checkpoint(TRUNCATE)');
    out.live = { ...fileSizes(file), ...chunkFigures(live), freePages: live.pragma('freelist_count', { simple: true }), pageSize: live.pragma('page_size', { simple: true }) };
    live.close();
    out.stats = await ours.store.stats();
    const io0 = readIo();
    const t = performance.now();
    await ours.store.close();
    out.close = { ms: performance.now() - t, io: ioDelta(io0, readIo()) };
    out.statsAfterClose = await ours.store.stats();
    await ours.db.close();
    out.file = analyzeFile(file, chunkFigures);
    out.whatIf = await codecWhatIf(file, dist, 30);
  } else {
    base.close();
    out.file = analyzeFile(file);
  }
  return out;
}

// ---------------------------------------------------------------- phase 2: query

const queryPlan = () => {
  const reps = (n) => Math.max(3, Math.round(n * REPS));
  return [
    { name: '1 series, 7 d', range: '7d', resources: 1, metrics: ['cpu'], reps: { ours: reps(300), baseline: reps(60) } },
    { name: '100 series, 7 d', range: '7d', resources: QUERY_RESOURCES, metrics: METRICS, reps: { ours: reps(60), baseline: reps(5) } },
    { name: '1 series, 1 y', range: '1y', resources: 1, metrics: ['cpu'], reps: { ours: reps(300), baseline: reps(5) } },
    { name: '100 series, 1 y', range: '1y', resources: QUERY_RESOURCES, metrics: METRICS, reps: { ours: reps(60), baseline: 0 } },
  ];
};

const STEP_OF_TIER = { raw: 10 * SECOND, '1m': MINUTE, '1h': HOUR, '1d': DAY };

/** side 'ours': answers carry their tier; 'baseline': buckets are `width` wide. */
async function timeQueries(side, run) {
  const results = [];
  for (const q of queryPlan()) {
    const from = NOW_Q - RANGES[q.range];
    const reps = q.reps[side];
    if (reps === 0) {
      results.push({ name: q.name, extrapolated: true });
      continue;
    }
    let answer;
    for (let i = 0; i < (reps >= 20 ? 3 : 1); i++) answer = await run(q, from, NOW_Q); // warm-up
    const ms = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      answer = await run(q, from, NOW_Q);
      ms.push(performance.now() - t);
    }
    const series = answer.flat();
    const newest = Math.max(...series.map((s) => s.t.at(-1) ?? -Infinity));
    // A bucket's t is its start; its data runs one step (tier step, or the baseline's bucket width) on.
    const step = side === 'ours' ? Math.max(...series.map((s) => STEP_OF_TIER[s.tier])) : Math.ceil((NOW_Q - from + 1) / POINTS);
    results.push({
      name: q.name, range: q.range, series: series.length, ...summary(ms),
      points: series.reduce((n, s) => n + s.t.length, 0) / series.length,
      tiers: [...new Set(series.map((s) => s.tier ?? 'rows'))],
      newestAgeHours: (NOW_Q - newest) / HOUR,
      dataEndsHoursBeforeNow: Math.max(0, NOW_Q - Math.min(NOW_Q, newest + step)) / HOUR,
      coveredSamples: series.reduce((n, s) => n + (s.count ? s.count.reduce((a, b) => a + b, 0) : s.t.length), 0) / series.length,
    });
    log(`${side}: ${q.name}: p50 ${summary(ms).p50.toFixed(2)} ms, p99 ${summary(ms).p99.toFixed(2)} ms over ${reps}`);
  }
  return results;
}

/** 10 s ticks of the query fleet from `start` to `end`, calling onTick(resource, t, values). */
function replay(fleet, end, onTick) {
  for (let x = fleet.next(end); x; x = fleet.next(end)) onTick(x.resource, x.t, x.values);
}

async function queryOursChild(file) {
  const { encodeRollupChunk } = await import(join(dist, 'history/chunk-format.js'));
  const { rollupBuckets } = await import(join(dist, 'history/rollup.js'));
  const { ROLLUP_CHUNK_SPAN_MS } = await import(join(dist, 'history/tiers.js'));
  const { readHistory } = await import(join(dist, 'history/history-query.js'));
  const seedStart = NOW_Q - 366 * DAY;
  const realStart = NOW_Q - REAL_DAYS * DAY;
  const realDay = Math.floor(realStart / DAY) * DAY;
  let clock = realStart;
  const { db, store, retention } = await openOurs(file, () => clock);
  await store.stats(); // runs the migrations and recovery before the seed connection writes

  // Seed: hourly buckets of every series from the generated 10 s data, in 10-day windows like the store's.
  const t0 = performance.now();
  const fleet = createFleet({ resources: QUERY_RESOURCES, start: seedStart, seed: 2 });
  const seed = new Database(file);
  const addSeries = seed.prepare('INSERT INTO metric_series (resource, metric) VALUES (?, ?)');
  const seriesId = [];
  for (let r = 0; r < QUERY_RESOURCES; r++) seriesId.push(METRICS.map((m) => Number(addSeries.run(resourceId(r), m).lastInsertRowid)));
  const putChunk = seed.prepare('INSERT INTO metric_chunks (series_id, tier, start_t, end_t, points, data) VALUES (?, ?, ?, ?, ?, ?)');
  const span = ROLLUP_CHUNK_SPAN_MS['1h'];
  const n = QUERY_RESOURCES * METRICS.length;
  const cur = { hour: new Float64Array(n).fill(-1), sum: new Float64Array(n), min: new Float64Array(n), max: new Float64Array(n), count: new Float64Array(n) };
  const windows = Array.from({ length: n }, () => ({ start: -1, t: [], avg: [], min: [], max: [], count: [] }));
  let seededChunks = 0;
  let seededBuckets = 0;
  const days = Array.from({ length: n }, () => ({ t: [], avg: [], min: [], max: [], count: [] }));
  const idOf = (k) => seriesId[Math.floor(k / METRICS.length)][k % METRICS.length];
  const writeWindow = (k) => {
    const w = windows[k];
    if (w.t.length === 0) return;
    putChunk.run(idOf(k), '1h', w.start, w.t.at(-1), w.t.length, Buffer.from(encodeRollupChunk(w)));
    seededChunks++;
    seededBuckets += w.t.length;
    // The 1 d buckets of the window's days, by the store's own rollup of 1 h buckets. A 10-day window
    // holds whole days, so no day is split across two calls.
    const d = rollupBuckets(w, DAY);
    for (const key of ['t', 'avg', 'min', 'max', 'count']) days[k][key].push(...d[key]);
    for (const key of ['t', 'avg', 'min', 'max', 'count']) w[key] = [];
  };
  const closeBucket = (k) => {
    if (cur.hour[k] < 0) return;
    const w = windows[k];
    const windowStart = Math.floor(cur.hour[k] / span) * span;
    if (w.start !== windowStart) {
      writeWindow(k);
      w.start = windowStart;
    }
    w.t.push(cur.hour[k]); w.avg.push(cur.sum[k] / cur.count[k]); w.min.push(cur.min[k]); w.max.push(cur.max[k]); w.count.push(cur.count[k]);
  };
  seed.exec('BEGIN');
  // Seeded hours end where the real ingest starts; the 1 h bucket holding realStart is left to the store.
  replay(fleet, Math.floor(realStart / HOUR) * HOUR - 1, (r, t, values) => {
    const hour = Math.floor(t / HOUR) * HOUR;
    for (let m = 0; m < METRICS.length; m++) {
      const k = r * METRICS.length + m;
      const v = values[m];
      if (cur.hour[k] !== hour) {
        closeBucket(k);
        cur.hour[k] = hour; cur.sum[k] = 0; cur.count[k] = 0; cur.min[k] = v; cur.max[k] = v;
      }
      cur.sum[k] += v;
      cur.count[k]++;
      if (v < cur.min[k]) cur.min[k] = v;
      if (v > cur.max[k]) cur.max[k] = v;
    }
  });
  for (let k = 0; k < n; k++) {
    closeBucket(k);
    writeWindow(k);
    // 1 d chunks for the whole days before the real ingest, in the store's 120-day windows; the day the
    // real ingest starts in is rolled up by the store from its (seeded + real) 1 h buckets.
    const dSpan = ROLLUP_CHUNK_SPAN_MS['1d'];
    const d = days[k];
    for (let i = 0; i < d.t.length; ) {
      const start = Math.floor(d.t[i] / dSpan) * dSpan;
      let j = i;
      const part = { t: [], avg: [], min: [], max: [], count: [] };
      for (; j < d.t.length && d.t[j] < start + dSpan && d.t[j] < realDay; j++) for (const key of Object.keys(part)) part[key].push(d[key][j]);
      if (part.t.length) {
        putChunk.run(idOf(k), '1d', start, part.t.at(-1), part.t.length, Buffer.from(encodeRollupChunk(part)));
        seededChunks++;
        seededBuckets += part.t.length;
      }
      if (j === i || d.t[j] >= realDay) break;
      i = j;
    }
  }
  // Rollup progress as a server running since then would have it: 1 h and 1 d done up to the day the
  // real ingest starts (1 m has no seeded data; the store starts it from the first raw chunk).
  const setState = seed.prepare('INSERT INTO metric_rollups (tier, done_until, series_cursor) VALUES (?, ?, 0)');
  setState.run('1h', realDay);
  setState.run('1d', realDay);
  seed.exec('COMMIT');
  seed.close();
  const seedMs = performance.now() - t0;
  log(`ours: seeded ${seededChunks} 1 h and 1 d chunks (${seededBuckets.toLocaleString()} buckets) in ${(seedMs / 1000).toFixed(1)} s`);

  // Real ingest of the last 8 days on the simulated clock, flush + maintain every simulated minute.
  const ids = Array.from({ length: QUERY_RESOURCES }, (_, r) => resourceId(r));
  const t1 = performance.now();
  let samples = 0;
  const hourly = [];
  const daily = [];
  for (let until = realStart + BUILD_STEP_MS; until <= NOW_Q; until += BUILD_STEP_MS) {
    replay(fleet, until, (r, t, values) => {
      const batch = new Array(METRICS.length);
      for (let m = 0; m < METRICS.length; m++) batch[m] = { resource: ids[r], metric: METRICS[m], t, v: values[m] };
      store.append(batch);
      samples += METRICS.length;
    });
    clock = until;
    await store.flush();
    // The first maintain after minute 2 of an hour rolls the hour up to 1 m; after midnight also the day to 1 h and 1 d.
    const rollsUp = until % HOUR === BUILD_STEP_MS;
    const io0 = rollsUp ? readIo() : undefined;
    await store.maintain();
    if (rollsUp) (until % DAY === BUILD_STEP_MS ? daily : hourly).push(ioDelta(io0, readIo()));
  }
  const ingestMs = performance.now() - t1;
  log(`ours: ingested ${REAL_DAYS} days (${samples.toLocaleString()} samples) with flush + maintain every ${BUILD_STEP_MS / MINUTE} min in ${(ingestMs / 1000).toFixed(1)} s`);
  clock = NOW_Q;
  const stats = await store.stats();
  const query = await timeQueries('ours', async (q, from, to) => {
    const out = [];
    for (let r = 0; r < q.resources; r++) out.push(await readHistory(store, { resource: ids[r], metrics: q.metrics, from, to, points: POINTS }, NOW_Q, retention));
    return out;
  });
  await store.close();
  await db.close();
  const avgWrite = (list) => list.reduce((a, d) => a + d.writeBytes, 0) / Math.max(1, list.length);
  return {
    kind: 'query-ours', seed: { ms: seedMs, chunks: seededChunks, buckets: seededBuckets, from: seedStart, to: realStart },
    ingest: { ms: ingestMs, samples, from: realStart, to: NOW_Q },
    maintainIo: { hourlyRollupAvgWriteBytes: avgWrite(hourly), dailyRollupAvgWriteBytes: avgWrite(daily), days: daily.length },
    stats, query, file: analyzeFile(file, chunkFigures),
  };
}

async function queryBaselineChild(file) {
  const base = openBaseline(file, 'id');
  const seedStart = NOW_Q - 366 * DAY;
  const yearFrom = NOW_Q - RANGES['1y'] - HOUR;
  const weekFrom = NOW_Q - RANGES['7d'] - HOUR;
  const fleet = createFleet({ resources: QUERY_RESOURCES, start: seedStart, seed: 2 });
  const ids = Array.from({ length: QUERY_RESOURCES }, (_, r) => resourceId(r));
  const t0 = performance.now();
  let rows = 0;
  let batch = [];
  const flush = () => {
    base.insertRows(batch);
    rows += batch.length;
    batch = [];
  };
  // Same data as Pulse's query database: all 100 series for the last 7 days, host 0's cpu for the year.
  replay(fleet, NOW_Q, (r, t, values) => {
    if (t < yearFrom) return;
    if (t < weekFrom) {
      if (r === 0) batch.push([ids[0], METRICS[0], t, values[0]]);
    } else {
      for (let m = 0; m < METRICS.length; m++) batch.push([ids[r], METRICS[m], t, values[m]]);
    }
    if (batch.length >= 100_000) flush();
  });
  flush();
  const buildMs = performance.now() - t0;
  log(`baseline: inserted ${rows.toLocaleString()} rows in ${(buildMs / 1000).toFixed(1)} s`);
  const query = await timeQueries('baseline', async (q, from, to) => {
    const out = [];
    for (let r = 0; r < q.resources; r++) out.push(base.chart(ids[r], q.metrics, from, to, POINTS));
    return out;
  });
  base.close();
  return { kind: 'query-baseline', build: { ms: buildMs, rows }, query, file: analyzeFile(file) };
}

// ---------------------------------------------------------------- parent

function runChild(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child ${args.join(' ')} exited ${code}`))));
  });
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const fx = (d) => (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(d));
const f1 = fx(1);
const f2 = fx(2);
const f3 = fx(3);
const int = (x) => (x === undefined || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const bytes = (x) => (x >= GiB ? `${(x / GiB).toFixed(2)} GiB` : `${(x / MiB).toFixed(1)} MiB`);

/** The measured window of one ingest run, per hour and per sample, and the file it left. */
function ingestFigures(x) {
  const m = x.phases.at(-1);
  const perHour = 60 / m.minutes;
  const scale = FULL_RESOURCES / x.resources;
  const file = x.file;
  const raw = x.kind === 'ours' ? file.tiers.find((t) => t.tier === 'raw') : undefined;
  return {
    kind: x.kind, hosts: x.resources, series: x.series, samplesHeld: x.samples,
    samplesPerSecond: m.samplesPerSecond, storeSeconds: m.storeMs / 1000, measuredSamples: m.samples,
    flush: m.flush, maintain: m.maintain,
    writeBytesPerHour: m.io.writeBytes * perHour,
    netWriteBytesPerHour: (m.io.writeBytes - m.io.cancelledWriteBytes) * perHour,
    wcharPerHour: m.io.wchar * perHour,
    writeBytesPerHourAt3000: m.io.writeBytes * perHour * scale,
    netWriteBytesPerHourAt3000: (m.io.writeBytes - m.io.cancelledWriteBytes) * perHour * scale,
    extrapolated: scale !== 1,
    writeBytesPerSample: m.io.writeBytes / m.samples,
    netWriteBytesPerSample: (m.io.writeBytes - m.io.cancelledWriteBytes) / m.samples,
    loggedBytesPerSample: m.loggedBytesWrittenLastHour === undefined ? undefined : m.loggedBytesWrittenLastHour / m.samples,
    fileBytes: file.fileBytes, fileBytesPerSample: file.fileBytes / x.samples,
    freeBytes: file.freePages * file.pageSize,
    rawEncodedBytesPerSample: raw ? raw.bytes / raw.points : undefined,
  };
}

function summarize(r) {
  const ingest = Object.fromEntries(Object.entries(r.ingest).map(([k, x]) => [k, ingestFigures(x)]));
  const same = ingest.oursAtBaselineScale ?? ingest.ours;
  const baseline = ingest.baseline;
  const ratios = {
    fileBytesPerSample: baseline.fileBytesPerSample / same.fileBytesPerSample,
    fileBytesPerSampleFullScale: baseline.fileBytesPerSample / ingest.ours.fileBytesPerSample,
    rawTierBytesPerSample: baseline.fileBytesPerSample / ingest.ours.rawEncodedBytesPerSample,
    writeBytesPerHour: baseline.writeBytesPerHour / same.writeBytesPerHour,
    netWriteBytesPerHour: baseline.netWriteBytesPerHour / same.netWriteBytesPerHour,
    samplesPerSecond: same.samplesPerSecond / baseline.samplesPerSecond,
  };
  // Per tier at full retention, from the query database (100 series, a year ending at NOW_Q).
  const qo = r.query.ours;
  const qTiers = Object.fromEntries(qo.file.tiers.map((t) => [t.tier, t]));
  const iTiers = Object.fromEntries(r.ingest.ours.file.tiers.map((t) => [t.tier, t]));
  const samplesPerPoint = { raw: 1, '1m': 6, '1h': 360, '1d': 8640 };
  const perTier = Object.fromEntries(['raw', '1m', '1h', '1d'].map((tier) => {
    const q = qTiers[tier] ?? { points: 0, bytes: 0, chunks: 0 };
    const i = iTiers[tier];
    return [tier, {
      pointsPerSeries: q.points / (QUERY_RESOURCES * METRICS.length), bytesPerSeries: q.bytes / (QUERY_RESOURCES * METRICS.length),
      bytesPerPoint: q.bytes / q.points, bytesPerRawSampleCovered: q.bytes / q.points / samplesPerPoint[tier],
      statsBytes: qo.stats.bytesByTier[tier],
      ingestBytesPerPoint: i ? i.bytes / i.points : undefined,
    }];
  }));
  const series = QUERY_RESOURCES * METRICS.length;
  const footprint = {
    oursFileBytesPerSeries: qo.file.fileBytes / series,
    oursEncodedBytesPerSeries: Object.values(qTiers).reduce((n, t) => n + t.bytes, 0) / series,
    baselineBytesPerSeries7d: baseline.fileBytesPerSample * 7 * 8640,
    baselineBytesPerSeries1y: baseline.fileBytesPerSample * 365 * 8640,
  };
  const query = {};
  const byName = (list) => Object.fromEntries(list.map((q) => [q.name, q]));
  const qOurs = byName(r.query.ours.query);
  const qBase = byName(r.query.baseline.query);
  for (const name of Object.keys(qOurs)) {
    let b = qBase[name];
    if (b.extrapolated) {
      const one = qBase['1 series, 1 y'];
      b = { ...b, p50: one.p50 * 100, p99: one.p99 * 100, points: one.points, dataEndsHoursBeforeNow: one.dataEndsHoursBeforeNow, note: '100 × the measured 1-series year (the scan is linear in rows; not measured)' };
    }
    query[name] = { ours: qOurs[name], baseline: b, p50Ratio: b.p50 / qOurs[name].p50, p99Ratio: b.p99 / qOurs[name].p99 };
  }
  return { ingest, ratios, perTier, footprint, query, whatIf: r.ingest.ours.whatIf };
}

function printSummary(r, s) {
  console.log(`\nbench/history — ${r.machine.nproc} × ${r.machine.cpuModel}, Node ${r.machine.node}, SQLite ${r.machine.sqlite}`);
  console.log(`ingest: hosts × 10 metrics at 10 s, flush every 5 s and maintain every 60 s of simulated time; `
    + `${WARMUP_MIN} min warm-up, then ${MEASURE_MIN} min measured. Baseline: plain table, ${BASELINE_RESOURCES} hosts.\n`);
  console.table(Object.fromEntries(Object.values(s.ingest).map((x) => [`${x.kind} × ${x.hosts}`, {
    'samples/s': int(x.samplesPerSecond),
    'flush p50/p99/max ms': `${f1(x.flush.p50)} / ${f1(x.flush.p99)} / ${f1(x.flush.max)}`,
    'written/h': bytes(x.writeBytesPerHour),
    'net of cancelled/h': bytes(x.netWriteBytesPerHour),
    'written/h @3000': `${bytes(x.writeBytesPerHourAt3000)}${x.extrapolated ? ' (extrap.)' : ''}`,
    'written B/sample': f1(x.writeBytesPerSample),
    'file': bytes(x.fileBytes),
    'file B/sample': f2(x.fileBytesPerSample),
  }])));
  const ra = s.ratios;
  console.log(`baseline ÷ Pulse at the same scale: file bytes per sample ${f1(ra.fileBytesPerSample)}× (goal ≥ 10×: ${ra.fileBytesPerSample >= 10 ? 'met' : 'NOT met'}); `
    + `Pulse raw tier alone ${f1(ra.rawTierBytesPerSample)}×; bytes written per hour ${f1(ra.writeBytesPerHour)}×; ingest rate ${f1(ra.samplesPerSecond)}× faster`);
  console.log('\nPulse per tier at full retention (query database: 100 series, a year of history):');
  console.table(Object.fromEntries(Object.entries(s.perTier).map(([tier, t]) => [tier, {
    'points/series': int(t.pointsPerSeries), 'KiB/series': f1(t.bytesPerSeries / 1024), 'B/point': f2(t.bytesPerPoint),
    'B per raw sample covered': f3(t.bytesPerRawSampleCovered), 'B/point in ingest run': f2(t.ingestBytesPerPoint),
  }])));
  const fp = s.footprint;
  console.log(`footprint per series: Pulse ${f1(fp.oursFileBytesPerSeries / 1024)} KiB of file (${f1(fp.oursEncodedBytesPerSeries / 1024)} KiB of chunks) for 1 d raw + 7 d 1 m + 90 d 1 h + 1 y 1 d; `
    + `baseline ${f1(fp.baselineBytesPerSeries7d / 1024)} KiB for 7 d of raw rows, ${f1(fp.baselineBytesPerSeries1y / MiB)} MiB for a year`);
  console.log('\nchart queries (600 points), Pulse through readHistory vs the baseline GROUP BY:');
  console.table(Object.fromEntries(Object.entries(s.query).map(([name, q]) => [name, {
    'Pulse p50 / p99 ms': `${f2(q.ours.p50)} / ${f2(q.ours.p99)}`,
    'Pulse tier, points': `${q.ours.tiers.join(',')}, ${int(q.ours.points)}`,
    'Pulse data ends, h before now': f1(q.ours.dataEndsHoursBeforeNow),
    'baseline p50 / p99 ms': `${f1(q.baseline.p50)} / ${f1(q.baseline.p99)}${q.baseline.note ? ' (extrap.)' : ''}`,
    'baseline points': int(q.baseline.points),
    'baseline ÷ Pulse p50': f1(q.p50Ratio),
  }])));
  const w = s.whatIf;
  if (w) {
    console.log(`\nwhere Pulse's raw bytes go (all metrics of every ${w.sampleEvery}th host of the ingest run, re-encoded with the store's codec; B/point):`);
    const rows = { ...w.raw, all: w.rawTotal };
    console.table(Object.fromEntries(Object.entries(rows).map(([metric, m]) => [metric, {
      stored: f2(m.stored / m.points), 'timestamps + header alone': f2(m.timestampsOnly / m.points),
      't rounded to 1 s': f2(m.tRoundedTo1s / m.points), 'values rounded to 2 dp': f2(m.valuesRounded / m.points),
    }])));
    const q = w.rollup1m;
    if (q.buckets) console.log(`1 m buckets: ${f2(q.stored / q.buckets)} B each — avg ${f2(q.avg / q.buckets)}, min ${f2(q.min / q.buckets)}, max ${f2(q.max / q.buckets)}, `
      + `count ${f2(q.count / q.buckets)} (each stream with its own header and timestamps); avg rounded to 4 dp: ${f2(q.avgRounded4 / q.buckets)}`);
  }
}

async function main() {
  const started = Date.now();
  if (!existsSync(join(dist, 'history/metric-store-sql.js'))) throw new Error('packages/server/dist is missing: run `npx tsc -b` first');
  const machine = {
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
    node: process.version,
    sqlite: (() => { const d = new Database(':memory:'); const v = d.prepare('select sqlite_version() AS v').get().v; d.close(); return v; })(),
    loadavgAtStart: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    commit = 'unknown';
  }
  const digest = distDigest();
  const base = process.env.BENCH_HISTORY_DIR || tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'pulse-bench-history-'));
  const r = {
    bench: 'history', at: new Date().toISOString(), machine, commit, distDigest: digest,
    config: { resources: RESOURCES, baselineResources: BASELINE_RESOURCES, warmupMin: WARMUP_MIN, measureMin: MEASURE_MIN, flushMs: FLUSH_MS, maintainMs: MAINTAIN_MS, t0: T0_INGEST, queryNow: NOW_Q, points: POINTS, baselineLayout: 'series_id WITHOUT ROWID' },
    ingest: {}, query: {},
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  process.on('SIGTERM', () => { cleanup(); process.exit(143); });
  try {
    const runs = [['ours', 'ours', RESOURCES]];
    if (BASELINE_RESOURCES !== RESOURCES) runs.push(['oursAtBaselineScale', 'ours', BASELINE_RESOURCES]);
    runs.push(['baseline', 'baseline', BASELINE_RESOURCES]);
    if (WITH_TEXT) runs.push(['baselineText', 'baseline-text', BASELINE_RESOURCES]);
    for (const [key, kind, hosts] of runs) {
      const file = join(dir, `ingest-${key}.db`);
      r.ingest[key] = await runChild(['ingest', kind, file, String(hosts)]);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
    r.query.ours = await runChild(['query-ours', join(dir, 'query-ours.db')]);
    r.query.baseline = await runChild(['query-baseline', join(dir, 'query-baseline.db')]);
  } finally {
    cleanup();
  }
  r.machine.loadavgAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const children = [...Object.values(r.ingest), ...Object.values(r.query)];
  r.mixedBuilds = children.some((c) => c.distDigest !== digest);
  r.summary = summarize(r);
  r.totalSeconds = (Date.now() - started) / 1000;
  printSummary(r, r.summary);
  if (r.mixedBuilds) console.log('\nWARNING: packages/server/dist changed during the run (a rebuild?); the phases ran different builds. Run again.');
  console.log(`\ncommit ${r.commit}, dist ${r.distDigest}; total ${r.totalSeconds.toFixed(0)} s; load average ${r.machine.loadavgAtStart} at start, ${r.machine.loadavgAtEnd} at the end`);
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'history.json'), `${JSON.stringify(r, null, 2)}\n`);
}

if (process.argv[2] === '--child') {
  const [mode, a, b, c] = process.argv.slice(3);
  const digest = distDigest();
  const result = mode === 'ingest' ? await ingestChild(a, b, Number(c) || RESOURCES) : mode === 'query-ours' ? await queryOursChild(a) : await queryBaselineChild(a);
  process.stdout.write(JSON.stringify({ ...result, distDigest: digest }));
} else {
  await main();
}
