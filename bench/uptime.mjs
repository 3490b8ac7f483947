#!/usr/bin/env node
/**
 * Uptime monitors at scale (issue 7) against the BUILT server: N HTTP monitors checking a local
 * target that answers after a fixed 5 ms, every check a fresh connection.
 *
 *   node bench/uptime.mjs [--short] [--cpu-prof]
 *   npm run bench -- uptime
 *
 * Goals: 1,000 monitors × 20 s: ≤ 8 % of one core, ≤ 200 MB RSS, jitter p99 ≤ 20 ms;
 *        2,000 monitors × 10 s: no missed checks, jitter p99 ≤ 100 ms.
 *
 * Each phase gets a fresh target and a fresh server, so memory, database growth and warm-up of one
 * phase do not leak into the next. The target (lib/uptime-target.mjs, its own process) answers
 * `/m/<n>` after a setTimeout of 5 ms with `Connection: close` and keeps each request's arrival time
 * (performance.timeOrigin + now(), µs). The server (`pulse serve`: SQLite in a temporary data dir,
 * history on disk as by default, no local source) is logged into as the admin from
 * PULSE_ADMIN_USER, and the monitors go in with one POST /api/monitors/import (http, timeoutMs 5000,
 * retries 0, keepAlive false). After a warm-up of one interval plus a margin (first runs are spread
 * over the interval by design), over the window:
 *   - server CPU: utime + stime (/proc/<pid>/stat) in % of one core; RSS every second, VmHWM;
 *   - jitter at the target: per monitor, |Δ − interval| between consecutive arrivals, pooled
 *     (a gap over 1.5 intervals is counted as missed checks, not as jitter);
 *   - missed checks: the monitor's slots on the scheduler's grid (slots.ts: phase from the id,
 *     phase + k × interval) inside the window without an arrival, and arrivals against
 *     window / interval per monitor; also each arrival's delay after its slot;
 *   - the scheduler's own lateness (startedAt − scheduledAt of the results from
 *     GET /api/monitors/:id/results; the scheduler's stats() is not on the API) and the results' status;
 *   - database bytes per check: /proc/<pid>/io write_bytes (bytes sent to the block layer) and
 *     wchar (bytes written through syscalls) over the window, and the growth of the data dir's
 *     files, each divided by the checks that reached the target in the window;
 *   - monitor resources by status (GET /api/resources?type=monitor) as a sanity check.
 *
 * Environment (defaults in brackets):
 *   PULSE_BENCH_UPTIME_PHASES     monitors x interval in s [1000x20,2000x10]
 *   PULSE_BENCH_UPTIME_WARMUP_S   from the import to the window [interval + 15; --short interval + 5]
 *   PULSE_BENCH_UPTIME_WINDOW_S   measured window per phase [120; --short 2 intervals]
 *   PULSE_BENCH_UPTIME_DELAY_MS   the target's answer delay [5]
 *   PULSE_BENCH_UPTIME_ADDRESSES  loopback addresses the target listens on, monitors spread over them
 *                                 (127.0.0.1, 127.0.0.2, ...) in case ephemeral ports run short [1]
 *   PULSE_BENCH_UPTIME_SERVER_FLAGS  node flags for the server [none]
 *   PULSE_BENCH_UPTIME_SERVER_DIST   the built server to run [packages/server/dist]; a copy (e.g. a
 *                                 snapshot while others rebuild the tree) needs a node_modules link
 *                                 beside its packages/ so its imports resolve
 * `--cpu-prof` profiles the server and prints where its CPU went inside each window.
 * Prints tables and writes bench/results/uptime.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { machineCpu, startWindow, waitFor } from './lib/agent-procs.mjs';
import { summariseServerProfile } from './lib/proxmox-profile.mjs';
import { analyseArrivals, percentiles } from './lib/uptime-analysis.mjs';
import { filesOf, ioOf, startPulse, startTarget, tcpSummary } from './lib/uptime-procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const env = process.env;
const args = process.argv.slice(2);
const isShort = args.includes('--short');
const isProfiling = args.includes('--cpu-prof');

const PHASES = (env.PULSE_BENCH_UPTIME_PHASES ?? '1000x20,2000x10').split(',').map((p) => {
  const [monitors, intervalS] = p.split('x').map(Number);
  return { monitors, intervalS };
});
const warmupS = (intervalS) => Number(env.PULSE_BENCH_UPTIME_WARMUP_S ?? intervalS + (isShort ? 5 : 15));
const windowS = (intervalS) => Number(env.PULSE_BENCH_UPTIME_WINDOW_S ?? (isShort ? 2 * intervalS : 120));
const DELAY_MS = Number(env.PULSE_BENCH_UPTIME_DELAY_MS ?? 5);
const HOSTS = Array.from({ length: Math.max(1, Number(env.PULSE_BENCH_UPTIME_ADDRESSES ?? 1)) }, (_, i) => `127.0.0.${i + 1}`);
const SERVER_FLAGS = (env.PULSE_BENCH_UPTIME_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean);
const DIST = resolve(env.PULSE_BENCH_UPTIME_SERVER_DIST || join(root, 'packages/server/dist'));
const GOALS = {
  '1000x20': { cpuPercent: 8, rssMB: 200, jitterP99Ms: 20 },
  '2000x10': { missed: 0, jitterP99Ms: 100 },
};
const MB = 1_048_576;

if (!existsSync(join(DIST, 'cli.js'))) {
  console.error(`${DIST}/cli.js is missing: run \`npx tsc -b packages/server\` (or \`node scripts/prepare.mjs\`) first.`);
  process.exit(2);
}
const { phaseOf } = await import(join(DIST, 'monitors/schedule/slots.js'));

const work = mkdtempSync(join(tmpdir(), 'pulse-bench-uptime-'));
const profileDir = join(here, 'results/prof');
const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const watchdog = setTimeout(() => {
  console.error('uptime bench: gave up after 40 minutes');
  process.exit(1);
}, 40 * 60_000);
watchdog.unref();

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

function statusKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { hwm: kb('VmHWM'), rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
}

async function runPhase({ monitors: count, intervalS }) {
  const name = `${count}x${intervalS}`;
  const intervalMs = intervalS * 1000;
  const dataDir = join(work, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const target = await startTarget(join(here, 'lib/uptime-target.mjs'), { hosts: HOSTS, delayMs: DELAY_MS });
  const profile = isProfiling ? join(profileDir, `uptime-${name}-${Date.now()}.cpuprofile`) : undefined;
  const profFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profile.split('/').pop()}`] : [];
  if (profile) mkdirSync(profileDir, { recursive: true });
  const server = await startPulse(root, { dataDir, dist: DIST, nodeFlags: [...SERVER_FLAGS, ...profFlags] });
  const context = () => `--- server ---\n${server.log().slice(-3000)}\n--- target ---\n${target.log().slice(-2000)}`;
  let out;
  let window;
  try {
    const defs = Array.from({ length: count }, (_, n) => ({
      name: `bench-${String(n).padStart(5, '0')}`, type: 'http', url: `http://${HOSTS[n % HOSTS.length]}:${target.port}/m/${n}`,
      intervalS, timeoutMs: Math.min(5000, intervalMs / 2), retries: 0, keepAlive: false,
    }));
    const importStart = performance.now();
    const imported = await server.api('/api/monitors/import', { method: 'POST', body: JSON.stringify({ version: 1, monitors: defs, mode: 'merge' }) });
    const importMs = performance.now() - importStart;
    if (imported.created !== count) throw new Error(`import created ${imported.created} of ${count} monitors: ${JSON.stringify(imported)}`);
    const { monitors: listed } = await server.api('/api/monitors');
    const idByName = new Map(listed.map((m) => [m.name, m.id]));
    const monitors = defs.map((d, n) => {
      const id = idByName.get(d.name);
      return { n, id, intervalMs, phaseMs: phaseOf(id, intervalMs) };
    });
    console.log(`${name}: ${count} monitors imported in ${round(importMs / 1000, 2)} s; warm-up ${warmupS(intervalS)} s, window ${windowS(intervalS)} s`);
    await sleep(warmupS(intervalS) * 1000);
    if (!server.running) throw new Error(`the server died in the warm-up\n${context()}`);

    const stats0 = await server.api('/api/metrics/stats').catch(() => undefined);
    const files0 = filesOf(dataDir);
    const io0 = ioOf(server.pid);
    const m0 = machineCpu();
    const load0 = loadavg();
    await target.mark('start');
    const wall0 = Date.now();
    const t0us = Number(process.hrtime.bigint() / 1000n);
    window = { server: startWindow(server.pid), target: startWindow(target.pid) };
    const tcp = [];
    const tcpTimer = setInterval(() => tcp.push(tcpSummary()), 10_000);
    await sleep(windowS(intervalS) * 1000);
    clearInterval(tcpTimer);
    const serverCpu = window.server.stop();
    const targetCpu = window.target.stop();
    window = undefined;
    await target.mark('end');
    const wall1 = Date.now();
    const t1us = Number(process.hrtime.bigint() / 1000n);
    const io1 = ioOf(server.pid);
    const m1 = machineCpu();
    const files1 = filesOf(dataDir);
    const mem = statusKb(server.pid);
    const stats1 = await server.api('/api/metrics/stats').catch(() => undefined);
    const load1 = loadavg();
    if (!server.running) throw new Error(`the server died during the window\n${context()}`);

    // After the window: what the server says about the same checks.
    const { resources } = await server.api('/api/resources?type=monitor');
    const byStatus = {};
    for (const r of resources) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const lateness = [];
    const resultStatus = { up: 0, down: 0 };
    const reasons = {};
    await pool(monitors, 8, async (m) => {
      const { results } = await server.api(`/api/monitors/${m.id}/results?limit=100`);
      for (const r of results) {
        if (r.scheduledAt < wall0 || r.scheduledAt >= wall1 || r.attempt !== 0) continue;
        lateness.push(r.startedAt - r.scheduledAt);
        resultStatus[r.status]++;
        if (r.reason) reasons[r.reason.code] = (reasons[r.reason.code] ?? 0) + 1;
      }
    });
    const dump = await target.dump(join(work, `arrivals-${name}.json`));
    const arrivals = analyseArrivals(dump, monitors);
    const checks = arrivals.checksInWindow;
    const sum = (files) => Object.values(files).reduce((a, b) => a + b, 0);
    const dbFile = (files) => files['pulse.db'] ?? 0;
    const walFile = (files) => files['pulse.db-wal'] ?? 0;
    const growth = { total: sum(files1) - sum(files0), db: dbFile(files1) - dbFile(files0), wal: walFile(files1) - walFile(files0) };
    out = {
      phase: name, monitors: count, intervalS, importMs: round(importMs), warmupS: warmupS(intervalS),
      server: { ...serverCpu, rssAnonBytes: mem.rssAnon, rssFileBytes: mem.rssFile },
      target: targetCpu,
      machinePercent: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * availableParallelism() * 100,
      loadavg: { start: load0, end: load1 },
      arrivals,
      targetCounters: dump.counters,
      schedulerLatenessMs: percentiles(lateness),
      results: { ...resultStatus, reasons },
      resources: { total: resources.length, byStatus, meanJsonBytes: round(resources.reduce((a, r) => a + JSON.stringify(r).length, 0) / Math.max(1, resources.length)) },
      writes: {
        checks,
        writeBytes: io1.writeBytes - io0.writeBytes,
        wchar: io1.wchar - io0.wchar,
        writeBytesPerCheck: (io1.writeBytes - io0.writeBytes) / Math.max(1, checks),
        wcharPerCheck: (io1.wchar - io0.wchar) / Math.max(1, checks),
        filesGrowth: growth,
        filesGrowthPerCheck: growth.total / Math.max(1, checks),
        filesStart: files0,
        filesEnd: files1,
      },
      history: stats0 && stats1 ? {
        samplesAccepted: stats1.live.samplesAccepted - stats0.live.samplesAccepted,
        samplesDropped: stats1.live.samplesDropped - stats0.live.samplesDropped,
        flushes: stats1.live.flushes - stats0.live.flushes,
        series: stats1.live.series,
        bytesByTier: stats1.live.bytesByTier,
      } : undefined,
      tcp,
    };
    if (profile) out.profileWindowUs = [t0us, t1us];
  } finally {
    window?.server.stop();
    window?.target.stop();
    await server.stop(20_000);
    await target.stop();
  }
  if (profile) {
    await waitFor(profile, () => existsSync(profile) || undefined, 20_000).catch(() => {});
    if (existsSync(profile)) out.profile = { file: profile, ...summariseServerProfile(profile, out.profileWindowUs) };
  }
  return out;
}

const pad = (s, n) => String(s).padEnd(n);
function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  console.log(headers.map((h, i) => pad(h, widths[i])).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(r.map((c, i) => pad(c, widths[i])).join('  '));
}
const ms = (p, key) => (Number.isFinite(p[key]) ? round(p[key], 2) : '–');

const phases = [];
try {
  for (const phase of PHASES) phases.push(await runPhase(phase));
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('\nServer, steady window');
table(['phase', 'window s', 'CPU % core', 'RSS mean MB', 'RSS max MB', 'VmHWM MB', 'RssAnon MB', 'target CPU %', 'machine CPU %'], phases.map((p) => [
  p.phase, round(p.server.wallS), round(p.server.cpuPercent, 2), round(p.server.rssMeanBytes / MB), round(p.server.rssMaxBytes / MB),
  round(p.server.hwmBytes / MB), round(p.server.rssAnonBytes / MB), round(p.target.cpuPercent, 2), round(p.machinePercent),
]));
console.log('\nSchedule (ms): jitter = |Δ − interval| between consecutive arrivals at the target');
table(['phase', 'jitter p50', 'p90', 'p99', 'max', 'arrival − slot p50', 'p99', 'max', 'sched. lateness p50', 'p99', 'max'], phases.map((p) => [
  p.phase, ms(p.arrivals.jitterMs, 'p50'), ms(p.arrivals.jitterMs, 'p90'), ms(p.arrivals.jitterMs, 'p99'), ms(p.arrivals.jitterMs, 'max'),
  ms(p.arrivals.delayAfterSlotMs, 'p50'), ms(p.arrivals.delayAfterSlotMs, 'p99'), ms(p.arrivals.delayAfterSlotMs, 'max'),
  ms(p.schedulerLatenessMs, 'p50'), ms(p.schedulerLatenessMs, 'p99'), ms(p.schedulerLatenessMs, 'max'),
]));
console.log('\nChecks in the window');
table(['phase', 'arrivals', 'window/interval', 'slots', 'slots missed', 'gaps missed', 'extra', 'results up/down', 'resources online', 'connections/requests'], phases.map((p) => [
  p.phase, p.arrivals.checksInWindow, round(p.arrivals.expectedChecks), p.arrivals.slots, p.arrivals.slotsMissed, p.arrivals.gapsMissed, p.arrivals.extraChecks,
  `${p.results.up}/${p.results.down}`, `${p.resources.byStatus.online ?? 0}/${p.resources.total}`, `${p.targetCounters.connections}/${p.targetCounters.requests}`,
]));
console.log('\nDatabase writes per check (window)');
table(['phase', 'write_bytes', 'per check B', 'wchar', 'per check B', 'files growth B', 'per check B', 'pulse.db / -wal growth B', 'history samples', 'flushes'], phases.map((p) => [
  p.phase, p.writes.writeBytes, round(p.writes.writeBytesPerCheck), p.writes.wchar, round(p.writes.wcharPerCheck),
  p.writes.filesGrowth.total, round(p.writes.filesGrowthPerCheck), `${p.writes.filesGrowth.db} / ${p.writes.filesGrowth.wal}`,
  p.history?.samplesAccepted ?? '–', p.history?.flushes ?? '–',
]));
console.log('\nTCP (ss -s, every 10 s in the window): max timewait', phases.map((p) => `${p.phase} ${Math.max(...p.tcp.filter(Boolean).map((t) => t.timewait))}`).join(', '));

const verdicts = [];
for (const p of phases) {
  const goal = GOALS[p.phase];
  if (!goal) continue;
  const check = (what, value, limit, unit) => verdicts.push({ phase: p.phase, what, value: round(value, 2), goal: limit, unit, met: value <= limit });
  if (goal.cpuPercent !== undefined) check('server CPU', p.server.cpuPercent, goal.cpuPercent, '% of one core');
  if (goal.rssMB !== undefined) check('server RSS max (sampled)', p.server.rssMaxBytes / MB, goal.rssMB, 'MB');
  if (goal.jitterP99Ms !== undefined) check('jitter p99 at the target', p.arrivals.jitterMs.p99, goal.jitterP99Ms, 'ms');
  if (goal.missed !== undefined) check('missed checks (slots without an arrival)', p.arrivals.slotsMissed, goal.missed, 'checks');
}
console.log('\nGoals');
table(['phase', 'figure', 'measured', 'goal', 'verdict'], verdicts.map((v) => [v.phase, v.what, `${v.value} ${v.unit}`, `≤ ${v.goal}`, v.met ? 'met' : 'NOT MET']));

for (const p of phases.filter((x) => x.profile)) {
  console.log(`\nServer CPU profile, ${p.phase} window (${round(p.profile.busyMs / 1000, 1)} s busy): by module`);
  table(['module', 'ms', '%'], p.profile.byModule.slice(0, 12).map((r) => [r.module, r.ms, r.pct]));
  console.log('inclusive by Pulse file');
  table(['file', 'ms', '%'], p.profile.inclusiveByFile.slice(0, 15).map((r) => [r.file, r.ms, r.pct]));
  console.log('self time by function');
  table(['function', 'ms', '%'], p.profile.top.slice(0, 20).map((r) => [r.fn, r.ms, r.pct]));
}

const result = {
  at: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(),
  short: isShort, delayMs: DELAY_MS, hosts: HOSTS, serverFlags: SERVER_FLAGS, serverDist: DIST, phases, verdicts,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/uptime.json'), JSON.stringify(result, null, 2));
console.log('\nwrote bench/results/uptime.json');
