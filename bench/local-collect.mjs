#!/usr/bin/env node
/**
 * Cost of the local host source, against the BUILT code (`npx tsc -b packages/server` first).
 *
 *   node bench/local-collect.mjs
 *
 * 1. Wall time of one collect() over N calls, after a warm-up: once with the PID scan forced on every
 *    call, once with the default 10 s scan cadence on a simulated 1 s interval (the clock is injected
 *    and advanced 1 s per call, so every 10th call scans, as it would in production).
 * 2. CPU share of the source running on its timer at 1 s and 2 s, each in its own child process so
 *    nothing else pollutes process.cpuUsage(), minus an idle child running an empty timer at the same
 *    interval (Node's own timer and GC overhead). Children run in parallel to keep the total short.
 *
 * Prints a table and writes bench/results/local-collect.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalSource } from '../packages/server/dist/sources/local/index.js';

const N = 2000;
const WARMUP = 200;
const CPU_WINDOW_MS = 20_000;
const here = dirname(fileURLToPath(import.meta.url));
const quietLogger = { warn: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`) };

/** Child: run the source (or an empty timer) at intervalMs for durationMs and report its CPU use. */
async function runChild(kind, intervalMs, durationMs) {
  const source = kind === 'source' ? createLocalSource({ intervalMs, logger: quietLogger }) : undefined;
  let ticks = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let timer;
  if (source) source.start(() => { ticks += 1; });
  else timer = setInterval(() => { ticks += 1; }, intervalMs);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  source?.stop();
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  process.stdout.write(JSON.stringify({ kind, intervalMs, wallMs, userUs: cpu.user, systemUs: cpu.system, ticks }));
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function timeCollect(label, options) {
  let clock = Date.now();
  const source = createLocalSource({ intervalMs: 1000, logger: quietLogger, now: () => clock, ...options });
  for (let i = 0; i < WARMUP; i += 1) { clock += 1000; source.collect(); }
  const samples = new Float64Array(N);
  for (let i = 0; i < N; i += 1) {
    clock += 1000;
    const start = process.hrtime.bigint();
    source.collect();
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    label, calls: N,
    medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99), maxMs: sorted[sorted.length - 1],
  };
}

function runChildProcess(kind, intervalMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, String(intervalMs), String(CPU_WINDOW_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${kind} child exited ${code}`))));
  });
}

const cpuPercent = (r) => ((r.userUs + r.systemUs) / (r.wallMs * 1000)) * 100;

async function main() {
  const started = Date.now();
  const host = createLocalSource({ intervalMs: 1000, logger: quietLogger }).collect();
  const machine = {
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
    node: process.version,
    pids: readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length,
    filesystems: host.details.filesystems.length,
    disks: host.details.disks.length,
    interfaces: host.details.interfaces.length,
  };

  const collect = [
    timeCollect('PID scan every call', { processScanMs: 0 }),
    timeCollect('default 10 s scan cadence (1 s interval)', {}),
  ];

  const children = await Promise.all([
    runChildProcess('source', 1000), runChildProcess('idle', 1000),
    runChildProcess('source', 2000), runChildProcess('idle', 2000),
  ]);
  const cpu = [1000, 2000].map((intervalMs) => {
    const source = children.find((c) => c.kind === 'source' && c.intervalMs === intervalMs);
    const idle = children.find((c) => c.kind === 'idle' && c.intervalMs === intervalMs);
    return {
      intervalMs, windowMs: Math.round(source.wallMs), collections: source.ticks,
      sourcePercent: cpuPercent(source), idlePercent: cpuPercent(idle),
      netPercent: cpuPercent(source) - cpuPercent(idle),
    };
  });

  const f = (x, digits = 3) => x.toFixed(digits);
  console.log(`\nlocal source collect() — ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, `
    + `${machine.pids} pids, ${machine.filesystems} fs, ${machine.disks} disks, ${machine.interfaces} nics\n`);
  console.table(Object.fromEntries(collect.map((r) => [r.label, {
    'calls': r.calls, 'median ms': f(r.medianMs), 'p90 ms': f(r.p90Ms), 'p99 ms': f(r.p99Ms), 'max ms': f(r.maxMs),
  }])));
  console.table(Object.fromEntries(cpu.map((r) => [`every ${r.intervalMs / 1000} s`, {
    'window s': f(r.windowMs / 1000, 1), 'collections': r.collections,
    'source CPU %': f(r.sourcePercent), 'idle baseline %': f(r.idlePercent), 'net CPU %': f(r.netPercent),
  }])));
  const goalMet = collect.every((r) => r.medianMs < 2);
  console.log(`goal: median < 2 ms — ${goalMet ? 'met' : 'NOT met'}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'local-collect.json'), `${JSON.stringify({
    bench: 'local-collect', at: new Date().toISOString(), machine, collect, cpu, goal: { medianMsBelow: 2, met: goalMet },
  }, null, 2)}\n`);
}

if (process.argv[2] === '--child') await runChild(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main();
