#!/usr/bin/env node
/**
 * Memory the metric store (packages/server/src/history) holds per series, through the BUILT server
 * (`npx tsc -b` first), at the scale of the memory goal: 500 Proxmox nodes and 2,500 guests plus their
 * storages and disks, 6,400 resources and ~50,000 series, each reporting every 10 s.
 *
 *   node bench/history-memory.mjs                 (or: npm run bench -- history-memory; ~1-2 min)
 *   BENCH_HISTORY_MEMORY_MIN=5 node bench/history-memory.mjs      (a short run: chunks half full)
 *
 * Environment (defaults in brackets):
 *   BENCH_HISTORY_MEMORY_MIN        [30]    simulated minutes fed: longer than a raw chunk's span (at most
 *                                           120 points = 20 min at 10 s), so every series has closed a chunk
 *                                           and its open one is somewhere between empty and full, as in a
 *                                           server that has run for a while
 *   BENCH_HISTORY_MEMORY_RESOURCES  [6400]  resources (the mix below scales with it)
 *   BENCH_HISTORY_DIR               [os tmpdir]  where the temporary database goes (removed at the end)
 *   BENCH_HISTORY_DIST              [packages/server/dist]  the built server to measure (a baseline copy)
 *
 * The store runs over SQLite in a temporary directory as the server builds it (openDatabase +
 * createSqlMetricStore), fed by appendMetrics (what the recorder calls for every registry sample), each
 * resource at its own phase in the 10 s interval, flushed every 5 s (the default flush_interval_ms) and
 * maintained every 60 s of simulated time. The resource and metric names are made before the first
 * measurement and held by the bench: in the server they are shared with the registry, so they are not the
 * store's. After the run: global.gc() (the child runs with --expose-gc), then process.memoryUsage()
 * less the same figures taken after the store opened and before the first sample. Also the time spent in
 * appendMetrics (bench/history.mjs is the throughput benchmark; this is a sanity check).
 *
 * Prints a table and writes bench/results/history-memory.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.BENCH_HISTORY_DIST || join(here, '../packages/server/dist');
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const MINUTES = env('BENCH_HISTORY_MEMORY_MIN', 30);
const RESOURCES = env('BENCH_HISTORY_MEMORY_RESOURCES', 6400);

const SECOND = 1000;
const STEP_MS = 10 * SECOND;
const FLUSH_MS = 5 * SECOND;
const MAINTAIN_MS = 60 * SECOND;
const T0 = Date.UTC(2026, 10, 29, 0, 0, 0);

/** Metric names as the Proxmox normalisers write them (packages/server/src/sources/proxmox/normalize). */
const KINDS = [
  { share: 500 / 6400, id: (i) => `pve:bench:node/pve${i}`, metrics: ['cpu', 'cpu.iowait', 'cpus', 'load1', 'load5', 'load15', 'mem.used', 'mem.total', 'mem.percent', 'mem.available', 'swap.used', 'swap.total', 'disk.used', 'disk.total', 'disk.percent', 'uptime'] },
  { share: 2500 / 6400, id: (i) => `pve:bench:${i % 3 ? 'qemu' : 'lxc'}/${100 + i}`, metrics: ['cpu', 'cpus', 'mem.used', 'mem.total', 'mem.percent', 'disk.used', 'disk.total', 'disk.percent', 'net.in', 'net.out', 'disk.read', 'disk.write', 'uptime'] },
  { share: 1700 / 6400, id: (i) => `pve:bench:storage/pve${i % 500}/store${Math.floor(i / 500)}`, metrics: ['disk.used', 'disk.total', 'disk.percent'] },
  { share: 1700 / 6400, id: (i) => `pve:bench:disk/pve${i % 500}/sd${String.fromCharCode(97 + Math.floor(i / 500))}`, metrics: ['disk.wearout', 'disk.size', 'temperature'] },
];

/** xorshift32 → [0, 1): the same values on every run. */
function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Resources with their metrics, a phase in the 10 s interval, and a value generator per metric. */
function createFleet() {
  const rand = rng(7);
  const fleet = [];
  for (const kind of KINDS) {
    const n = Math.round(RESOURCES * kind.share);
    for (let i = 0; i < n; i++) {
      const level = kind.metrics.map(() => rand());
      fleet.push({ id: kind.id(i), metrics: kind.metrics, phase: Math.floor(rand() * STEP_MS), level, values: {} });
    }
  }
  fleet.sort((a, b) => a.phase - b.phase);
  return { fleet, rand };
}

/** Values shaped like a collector's: percentages with 2 decimals, byte counts, rates as unrounded floats, constants. */
function fill(r, rand) {
  for (let k = 0; k < r.metrics.length; k++) {
    const m = r.metrics[k];
    let x = r.level[k] = Math.min(1, Math.max(0, r.level[k] + (rand() - 0.5) * 0.02));
    let v;
    if (m.endsWith('.total') || m === 'cpus' || m === 'disk.size') v = Math.round(r.level[k] * 64) * 2 ** 30;
    else if (m.endsWith('.percent') || m === 'cpu' || m === 'cpu.iowait') v = Math.round(x * 10_000) / 100;
    else if (m.startsWith('load')) v = Math.round(x * 1600) / 100;
    else if (m.startsWith('net.') || m === 'disk.read' || m === 'disk.write') v = x * 1e7 * (0.5 + rand());
    else if (m === 'uptime') v = r.uptime = (r.uptime ?? Math.floor(rand() * 1e7)) + 10;
    else if (m === 'temperature' || m === 'disk.wearout') v = Math.round(20 + x * 40);
    else v = Math.floor(x * 2 ** 36 / 4096) * 4096;
    r.values[m] = v;
  }
}

const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
};
function settle() {
  for (let i = 0; i < 3; i++) global.gc();
  return mem();
}

async function child() {
  const { openDatabase } = await import(join(dist, 'store/database.js'));
  const { createSqlMetricStore } = await import(join(dist, 'history/metric-store-sql.js'));
  const { DEFAULT_RETENTION_MS } = await import(join(dist, 'history/tiers.js'));
  const dir = mkdtempSync(join(process.env.BENCH_HISTORY_DIR || tmpdir(), 'pulse-bench-history-memory-'));
  try {
    const file = join(dir, 'pulse.db');
    let clock = T0;
    const db = await openDatabase({ url: `sqlite:${file}`, dataDir: dir });
    const logger = { warn: (o, m) => process.stderr.write(`warn: ${m}\n`), error: (o, m) => process.stderr.write(`error: ${m} ${o?.err ?? ''}\n`) };
    const store = createSqlMetricStore({ db, now: () => clock, retention: DEFAULT_RETENTION_MS, logger });
    await store.stats();
    const { fleet, rand } = createFleet();
    for (const r of fleet) fill(r, rand);
    const before = settle();
    let appendMs = 0;
    let flushMs = 0;
    let samples = 0;
    let at = 0; // next resource due, in phase order
    let round = 0;
    for (let until = T0 + FLUSH_MS; until <= T0 + MINUTES * 60_000; until += FLUSH_MS) {
      for (;;) {
        const r = fleet[at];
        const t = T0 + round * STEP_MS + r.phase + (at % 7);
        if (t > until) break;
        fill(r, rand);
        const a = performance.now();
        store.appendMetrics(r.id, t, r.values);
        appendMs += performance.now() - a;
        samples += r.metrics.length;
        if (++at === fleet.length) [at, round] = [0, round + 1];
      }
      clock = until;
      const f = performance.now();
      await store.flush();
      if ((until - T0) % MAINTAIN_MS === 0) await store.maintain();
      flushMs += performance.now() - f;
    }
    const after = settle();
    const { series } = await store.stats();
    await store.close();
    await db.close();
    return { series, resources: fleet.length, minutes: MINUTES, samples, appendMs, flushMs, before, after };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  if (!existsSync(join(dist, 'history/metric-store-sql.js'))) throw new Error(`${dist} is missing: run \`npx tsc -b\` first`);
  const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`child exited ${run.status}`);
  const r = JSON.parse(run.stdout);
  const d = (k) => r.after[k] - r.before[k];
  const perSeries = (x) => (x / r.series).toFixed(0);
  const MB = (x) => (x / 1e6).toFixed(1);
  const heap = d('heapUsed');
  const external = d('external');
  const figures = { heap, external, arrayBuffers: d('arrayBuffers'), rss: d('rss'), heapPlusExternal: heap + external };
  console.log(`\nbench/history-memory — ${r.series.toLocaleString('en-US')} series on ${r.resources.toLocaleString('en-US')} resources, ${r.minutes} simulated min at 10 s, `
    + `${r.samples.toLocaleString('en-US')} samples; dist ${dist}`);
  console.table({
    'heapUsed': { 'MB': MB(heap), 'B/series': perSeries(heap) },
    'external (incl. arrayBuffers)': { 'MB': MB(external), 'B/series': perSeries(external) },
    '  of which arrayBuffers': { 'MB': MB(figures.arrayBuffers), 'B/series': perSeries(figures.arrayBuffers) },
    'heap + external': { 'MB': MB(heap + external), 'B/series': perSeries(heap + external) },
    'rss (incl. SQLite, allocator)': { 'MB': MB(figures.rss), 'B/series': perSeries(figures.rss) },
  });
  console.log(`appendMetrics ${(r.appendMs / r.samples * 1e6).toFixed(0)} ns/sample; flush + maintain ${(r.flushMs / 1000).toFixed(1)} s in all`);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'history-memory.json'), `${JSON.stringify({ bench: 'history-memory', at: new Date().toISOString(), dist, ...r, delta: figures }, null, 2)}\n`);
}

if (process.argv[2] === '--child') process.stdout.write(JSON.stringify(await child()));
else main();
