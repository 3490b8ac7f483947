#!/usr/bin/env node
/**
 * What reading the two Proxmox answers of every poll cycle costs the BUILT server (`node
 * scripts/prepare.mjs --force-build` or `npx tsc -b` first): one /cluster/resources and one
 * /nodes/{node}/status per node, through readAnswer as the poller calls it, with the zod schemas
 * (ClusterResources, NodeStatus), with z.compile() of the same schemas, and with the compiled readers
 * the poller uses (CompiledClusterResources, CompiledNodeStatus; answers/fast-reader.ts).
 *
 *   node bench/proxmox-answers.mjs          (or: npm run bench -- proxmox-answers; ~30 s)
 *
 * The answers come from tools/proxmox-sim (PVE 9, the estate of bench/proxmox.mjs), through
 * JSON.stringify/parse as the client receives them.
 *
 * Time per read: the mean over many reads after a warm-up. Bytes allocated per read: V8 has no
 * allocation counter, so the child runs with a 512 MB young generation (--min/--max-semi-space-size)
 * and --expose-gc; after a forced GC a few reads run back to back and the growth of heapUsed is what
 * they allocated, garbage included, as long as no GC ran in between: a PerformanceObserver watches
 * for one, and a window it saw a GC in is measured again with fewer reads.
 *
 * Environment (defaults in brackets):
 *   BENCH_PROXMOX_ANSWERS_NODES   simulated nodes [500]
 *   BENCH_PROXMOX_ANSWERS_GUESTS  simulated guests [2500]
 *   BENCH_PROXMOX_ANSWERS_DIST    the built server to measure [packages/server/dist]; a copy elsewhere
 *                                 needs a node_modules link beside its packages/ so its imports resolve
 *
 * Prints a table and writes bench/results/proxmox-answers.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createPveModel } from '../tools/proxmox-sim/index.mjs';
import { pveGuestRoutes } from '../tools/proxmox-sim/pve-answers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.BENCH_PROXMOX_ANSWERS_DIST || join(here, '../packages/server/dist');
const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const NODES = env('BENCH_PROXMOX_ANSWERS_NODES', 500);
const GUESTS = env('BENCH_PROXMOX_ANSWERS_GUESTS', 2500);
const YOUNG_MB = 512;

/** The answers of one cycle, as the client hands them over. */
function answers() {
  const model = createPveModel({ nodes: NODES, guests: GUESTS, version: 9, now: () => Date.UTC(2025, 7, 5, 8) });
  const routes = pveGuestRoutes(model);
  const answer = (template, params = {}) => JSON.parse(JSON.stringify(routes.find((r) => r.template === template).handle({ params, query: new URLSearchParams(), member: 'pve1', fingerprint: 'AB:CD' })));
  return {
    resources: answer('/cluster/resources'),
    statuses: model.nodes.map((n) => ({ path: `/nodes/${n.name}/status`, data: answer('/nodes/{node}/status', { node: n.name }) })),
  };
}

async function child() {
  const A = await import(pathToFileURL(join(dist, 'sources/proxmox/answers/index.js')).href);
  if (!A.CompiledClusterResources) throw new Error(`${dist} predates the compiled readers: run \`node scripts/prepare.mjs --force-build\``);
  const { resources, statuses } = answers();
  const compiledByZod = { resources: A.listOf(z.compile(A.ClusterResource)), status: z.compile(A.NodeStatus) };

  const gcs = [];
  new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e) => e.startTime))).observe({ entryTypes: ['gc'] });
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  /** Bytes allocated per call of `read`, from heapUsed growth over `reads` calls with no GC in between. */
  async function allocated(read, reads) {
    for (let n = reads; n >= 1; n = Math.floor(n / 2)) {
      global.gc();
      global.gc();
      await tick();
      const t0 = performance.now();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < n; i++) read();
      const after = process.memoryUsage().heapUsed;
      const t1 = performance.now();
      await tick();
      if (!gcs.some((t) => t >= t0 && t <= t1)) return (after - before) / n;
    }
    return Number.NaN;
  }

  function timed(read, ms) {
    let reads = 0;
    const start = performance.now();
    while (performance.now() - start < ms || reads < 5) {
      read();
      reads++;
    }
    return (performance.now() - start) / reads;
  }

  const cases = {
    '/cluster/resources, zod': () => A.readAnswer(A.ClusterResources, resources, '/cluster/resources'),
    '/cluster/resources, z.compile()': () => A.readAnswer(compiledByZod.resources, resources, '/cluster/resources'),
    '/cluster/resources, compiled reader': () => A.readAnswer(A.CompiledClusterResources, resources, '/cluster/resources'),
    [`${statuses.length} × node status, zod`]: () => { for (const s of statuses) A.readAnswer(A.NodeStatus, s.data, s.path); },
    [`${statuses.length} × node status, z.compile()`]: () => { for (const s of statuses) A.readAnswer(compiledByZod.status, s.data, s.path); },
    [`${statuses.length} × node status, compiled reader`]: () => { for (const s of statuses) A.readAnswer(A.CompiledNodeStatus, s.data, s.path); },
  };
  // the readers must agree before their figures mean anything
  const same = (a, b) => JSON.stringify(a.value) === JSON.stringify(b.value) && a.dropped === b.dropped;
  if (!same(A.readAnswer(A.CompiledClusterResources, resources, 'r'), A.readAnswer(A.ClusterResources, resources, 'r'))) throw new Error('compiled /cluster/resources differs from zod');
  if (!statuses.every((s) => same(A.readAnswer(A.CompiledNodeStatus, s.data, 'r'), A.readAnswer(A.NodeStatus, s.data, 'r')))) throw new Error('compiled node status differs from zod');

  const results = {};
  for (const [name, read] of Object.entries(cases)) {
    for (let i = 0; i < 30; i++) read();
    results[name] = { msPerRead: timed(read, 3000), bytesPerRead: await allocated(read, 6) };
  }
  return { rows: resources.length, statuses: statuses.length, results };
}

function main() {
  if (!existsSync(join(dist, 'sources/proxmox/answers/index.js'))) throw new Error(`${dist} is missing: run \`node scripts/prepare.mjs --force-build\` first`);
  const flags = ['--expose-gc', `--min-semi-space-size=${YOUNG_MB}`, `--max-semi-space-size=${YOUNG_MB}`];
  const run = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: process.env });
  if (run.status !== 0) throw new Error(`child exited ${run.status}`);
  const r = JSON.parse(run.stdout);
  const MB = 1_048_576;
  console.log(`\nbench/proxmox-answers — ${NODES} nodes, ${GUESTS} guests: /cluster/resources of ${r.rows.toLocaleString('en-US')} rows, ${r.statuses} node statuses; dist ${dist}`);
  const table = {};
  for (const [name, f] of Object.entries(r.results)) {
    table[name] = { 'ms / read': f.msPerRead.toFixed(2), 'MB allocated / read': (f.bytesPerRead / MB).toFixed(2), 'MB/s at one read per 10 s': (f.bytesPerRead / MB / 10).toFixed(2) };
  }
  console.table(table);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'proxmox-answers.json'), `${JSON.stringify({ bench: 'proxmox-answers', at: new Date().toISOString(), dist, nodes: NODES, guests: GUESTS, ...r }, null, 2)}\n`);
}

if (process.argv[2] === '--child') process.stdout.write(JSON.stringify(await child()));
else main();
