#!/usr/bin/env node
/**
 * A large simulated Proxmox VE cluster polled by the BUILT server (issue 6): what polling 500 nodes
 * and 2,500 guests every 10 s costs the server, what it asks of each node, and how long a change in
 * the cluster takes to reach a browser.
 *
 *   node bench/proxmox.mjs [--short] [--cpu-prof]
 *   npm run bench -- proxmox
 *
 * The simulator (tools/proxmox-sim/cli.mjs: PVE 9, one HTTPS listener, an API token, a loopback
 * control port for its request counters and guest changes) and `pulse serve` (no local source, a
 * temporary data dir, the admin from PULSE_ADMIN_USER) each run as their own process. The bench logs
 * in, subscribes to `resources` with @pulse/client as the web app does, adds the connection through
 * POST /api/connections (token auth, the sim's fingerprint pinned) and waits until every node shows.
 *
 * After the warm-up (every slower cadence is read once at first sight, then staggered), over the
 * window: the server's utime + stime from /proc/<pid>/stat in % of one core and its RSS (sampled
 * every second, VmHWM at the end); the sim's request counters, per node and per path; the poll
 * cadence (lastPollAt in GET /api/connections) and each cycle's start-to-diff time (the diffs'
 * lastSeen is the cycle's start); the history store's writes (GET /api/metrics/stats). Spread over
 * the window, a running guest is stopped through the control port at a random point of the poll
 * cycle and the time until the client receives the diff with it offline is taken.
 *
 * Environment (defaults in brackets):
 *   PULSE_BENCH_PVE_NODES     simulated nodes [500]
 *   PULSE_BENCH_PVE_GUESTS    simulated guests [2500]
 *   PULSE_BENCH_PVE_INTERVAL_MS  the connection's intervalMs [10000]
 *   PULSE_BENCH_PVE_WARMUP_S  from adding the connection to the window [60; --short 25]
 *   PULSE_BENCH_PVE_WINDOW_S  measured window [180; --short 45]. RSS goes on rising for ~15 minutes (the
 *                             history's open chunks fill, SQLite's page cache warms), so the steady state
 *                             needs 1500 (docs/BENCHMARKS.md records both)
 *   PULSE_BENCH_PVE_PROBES    guest stops timed to the browser [10; --short 3]
 *   PULSE_BENCH_PVE_HUB_QUEUE_BYTES  the server's PULSE_HUB_MAX_QUEUE_BYTES [67108864; `default` for the
 *                             server's own 1 MiB, under which the first diff of this estate (~2 MB)
 *                             closes the browser as a slow consumer, every cycle]
 *   PULSE_BENCH_PVE_SERVER_FLAGS  node flags for the server after bin/pulse's own, e.g. --max-semi-space-size=16 [none]
 *   (the server starts through bin/pulse as `npm start` does; the MALLOC_* variables and PULSE_HEAP_GROWTH_PERCENT
 *   in the bench's environment reach it)
 *   PULSE_BENCH_PVE_SERVER_DIST   the built server to run [packages/server/dist]; a baseline copy needs a
 *                             node_modules link beside its packages/ so its imports resolve
 * `--cpu-prof` profiles the server (CPU inside the window; --heap-prof: what was allocated and still
 * live when it stopped) and prints where its CPU and memory went.
 * Prints tables and writes bench/results/proxmox.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startWindow, waitFor } from './lib/agent-procs.mjs';
import { startPulse, startSim, TOKEN } from './lib/proxmox-procs.mjs';
import { summariseHeapProfile, summariseServerProfile } from './lib/proxmox-profile.mjs';
import { byTemplate, pathRates } from './lib/proxmox-requests.mjs';
import { watchResources } from './lib/proxmox-watch.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const env = process.env;
const args = process.argv.slice(2);
const isShort = args.includes('--short');
const isProfiling = args.includes('--cpu-prof');

const NODES = Number(env.PULSE_BENCH_PVE_NODES ?? 500);
const GUESTS = Number(env.PULSE_BENCH_PVE_GUESTS ?? 2500);
const INTERVAL_MS = Number(env.PULSE_BENCH_PVE_INTERVAL_MS ?? 10_000);
const WARMUP_S = Number(env.PULSE_BENCH_PVE_WARMUP_S ?? (isShort ? 25 : 60));
const WINDOW_S = Number(env.PULSE_BENCH_PVE_WINDOW_S ?? (isShort ? 45 : 180));
const PROBES = Number(env.PULSE_BENCH_PVE_PROBES ?? (isShort ? 3 : 10));
const HUB_QUEUE = env.PULSE_BENCH_PVE_HUB_QUEUE_BYTES ?? String(64 * 1_048_576);
const SERVER_FLAGS = (env.PULSE_BENCH_PVE_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean);
const GOALS = { rssMB: 200, cpuPercent: 10 };
const CONNECTION = 'bench';
const SOURCE = `pve:${CONNECTION}`;
const MB = 1_048_576;

for (const path of [join(root, 'packages/server/dist/cli.js'), join(root, 'packages/client/dist/index.js')]) {
  if (!existsSync(path)) {
    console.error(`${path} is missing: run \`node scripts/prepare.mjs\` first.`);
    process.exit(2);
  }
}
const { PVE_CADENCE } = await import('../packages/server/dist/sources/proxmox/poll/pve-background.js');

const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const quantile = (xs, q) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const spread = (xs) => ({ n: xs.length, min: Math.min(...xs), median: quantile(xs, 0.5), p90: quantile(xs, 0.9), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length) });
const watchdog = setTimeout(() => {
  console.error('proxmox bench: gave up after 30 minutes');
  process.exit(1);
}, 30 * 60_000);
watchdog.unref();

const work = mkdtempSync(join(tmpdir(), 'pulse-bench-proxmox-'));
const profileDir = join(here, 'results/prof');
const profileFile = join(profileDir, `server-proxmox-${Date.now()}.cpuprofile`);
const heapFile = profileFile.replace(/\.cpuprofile$/, '.heapprofile');
const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
console.log(`proxmox bench: ${availableParallelism()} × ${cpuModel}, Node ${process.version}; ${NODES} nodes, ${GUESTS} guests (PVE 9), `
  + `polled every ${INTERVAL_MS / 1000} s; ${WARMUP_S} s warm-up + ${WINDOW_S} s window, ${PROBES} change probes; hub queue ${HUB_QUEUE === 'default' ? 'the default' : `${Number(HUB_QUEUE) / 1_048_576} MiB`}${SERVER_FLAGS.length ? `; server flags ${SERVER_FLAGS.join(' ')}` : ''}${isProfiling ? '; profiling the server' : ''}`);
if (isProfiling) mkdirSync(profileDir, { recursive: true });

const output = {
  bench: 'proxmox', at: new Date().toISOString(), node: process.version, cpu: cpuModel, cores: availableParallelism(),
  nodes: NODES, guests: GUESTS, pveVersion: 9, intervalMs: INTERVAL_MS, warmupS: WARMUP_S, windowS: WINDOW_S, hubMaxQueueBytes: HUB_QUEUE, serverFlags: SERVER_FLAGS, goals: GOALS,
};
let sim;
let server;
let watcher;
let failed = false;
try {
  const started = performance.now();
  sim = await startSim(root, { nodes: NODES, guests: GUESTS, version: 9 });
  const profFlags = [...SERVER_FLAGS, ...(isProfiling ? [
    '--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileFile.split('/').pop()}`,
    '--heap-prof', `--heap-prof-dir=${profileDir}`, `--heap-prof-name=${heapFile.split('/').pop()}`,
  ] : [])];
  server = await startPulse(root, { dataDir: join(work, 'data'), nodeFlags: profFlags, env: HUB_QUEUE === 'default' ? {} : { PULSE_HUB_MAX_QUEUE_BYTES: HUB_QUEUE } });
  const context = () => `--- server ---\n${server.log().slice(-3000)}\n--- sim ---\n${sim.log().slice(-2000)}`;
  watcher = await watchResources(server, SOURCE);
  // the same server before it watches anything: what the estate itself costs is the difference
  const idleStatus = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const idleRssMB = Number(/^VmRSS:\s+(\d+)/m.exec(idleStatus)?.[1]) / 1024;
  console.log(`  sim and server up in ${((performance.now() - started) / 1000).toFixed(1)} s; adding the connection…`);

  // ---- warm-up: the first cycles read every cadence once ----
  await sim.resetRequests();
  const addedAt = Date.now();
  const warmWindow = startWindow(server.pid);
  const { connection } = await server.api('/api/connections', {
    method: 'POST',
    body: JSON.stringify({
      name: CONNECTION, product: 'pve', endpoints: [sim.url], auth: { kind: 'token', tokenId: TOKEN.tokenId, secret: TOKEN.secret },
      tls: { fingerprint: sim.fingerprint }, intervalMs: INTERVAL_MS,
    }),
  });
  const allNodesAt = await waitFor(`${NODES} nodes in /api/resources`, async () => {
    await sleep(500);
    const { resources } = await server.api('/api/resources?type=node');
    return resources.filter((r) => r.source === SOURCE).length >= NODES ? Date.now() : undefined;
  }, 120_000, context);
  output.firstFullMs = allNodesAt - addedAt;
  const firstGuests = (await server.api('/api/resources')).resources.filter((r) => r.source === SOURCE);
  console.log(`  ${NODES} nodes visible ${(output.firstFullMs / 1000).toFixed(1)} s after adding the connection (${firstGuests.length} resources of the connection)`);
  await sleep(Math.max(0, addedAt + WARMUP_S * 1000 - Date.now()));

  // ---- window ----
  const warmRequests = await sim.requests();
  await sim.resetRequests();
  const warm = warmWindow.stop();
  const stats0 = await server.api('/api/metrics/stats');
  const diffsBefore = watcher.diffs.length;
  const windowStart = Date.now();
  const t0us = Number(process.hrtime.bigint() / 1000n);
  const serverWindow = startWindow(server.pid);
  const simWindow = startWindow(sim.pid);

  // lastPollAt is the start of the last finished cycle; polled each second (cheap for the server).
  const polls = new Set();
  const states = new Map();
  let isWatching = true;
  const pollWatch = (async () => {
    while (isWatching) {
      try {
        const { connections } = await server.api('/api/connections');
        const c = connections.find((x) => x.id === connection.id);
        if (c?.state?.lastPollAt) polls.add(c.state.lastPollAt);
        if (c?.state) states.set(c.state.status, (states.get(c.state.status) ?? 0) + 1);
      } catch {}
      await sleep(1000);
    }
  })();

  // A change at a random point of the poll cycle, timed until the browser holds it.
  const running = (await sim.guests()).filter((g) => g.status === 'running' && !g.template);
  const slotMs = (WINDOW_S * 1000) / Math.max(1, PROBES);
  const probes = [];
  for (let i = 0; i < PROBES && running.length; i++) {
    const slotStart = windowStart + i * slotMs;
    await sleep(Math.max(0, slotStart + Math.random() * slotMs * 0.4 - Date.now()));
    const guest = running.splice(Math.floor(Math.random() * running.length), 1)[0];
    const id = `${SOURCE}:${guest.type}/${guest.vmid}`;
    const arrived = watcher.waitFor((p) => p.id === id && (p.status === 'offline' || p.details?.status === 'stopped'), 3 * INTERVAL_MS + 10_000);
    const lastCycle = [...watcher.diffs].reverse().find((d) => d.cycleAt !== undefined)?.cycleAt;
    const changedAt = Date.now();
    await sim.guest(guest.vmid, 'stop');
    try {
      const at = await arrived;
      probes.push({ vmid: guest.vmid, type: guest.type, node: guest.node, latencyMs: at - changedAt, sinceCycleStartMs: lastCycle ? changedAt - lastCycle : null });
      process.stdout.write(`    probe ${i + 1}/${PROBES}: ${guest.type}/${guest.vmid} stopped, in the browser after ${((at - changedAt) / 1000).toFixed(2)} s\n`);
    } catch (err) {
      probes.push({ vmid: guest.vmid, type: guest.type, node: guest.node, latencyMs: null, error: err.message });
      process.stdout.write(`    probe ${i + 1}/${PROBES}: ${guest.type}/${guest.vmid}: ${err.message}\n`);
    }
  }
  await sleep(Math.max(0, windowStart + WINDOW_S * 1000 - Date.now()));
  const srv = serverWindow.stop();
  const simCost = simWindow.stop();
  const t1us = Number(process.hrtime.bigint() / 1000n);
  const windowRequests = await sim.requests();
  const windowEnd = Date.now();
  isWatching = false;
  await pollWatch;
  const stats1 = await server.api('/api/metrics/stats');
  const heap = await server.processFigures().catch(() => null);
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kB = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1]) / 1024;
  if (!server.running) throw new Error(`the server died during the window\n${context()}`);

  // ---- figures ----
  const windowMin = (windowEnd - windowStart) / 60_000;
  const nodeNames = Array.from({ length: NODES }, (_, i) => `pve${i + 1}`);
  const perNode = nodeNames.map((n) => (windowRequests.byNode[n] ?? 0) / windowMin);
  const rates = pathRates({ warm: byTemplate(warmRequests.byPath), window: byTemplate(windowRequests.byPath), windowMin, warmupMs: windowStart - addedAt, cadence: PVE_CADENCE });
  const sum = (rows, pick) => rows.reduce((a, r) => a + pick(r), 0);
  const nodeRows = rates.filter((r) => r.kind !== 'cluster-wide');
  const cycleStarts = [...polls].sort((a, b) => a - b);
  const cadence = cycleStarts.slice(1).map((t, i) => t - cycleStarts[i]);
  const windowDiffs = watcher.diffs.slice(diffsBefore).filter((d) => d.cycleAt !== undefined && d.upserts > 0);
  const cycleToBrowser = windowDiffs.map((d) => d.at - d.cycleAt);
  const latencies = probes.map((p) => p.latencyMs).filter((x) => x !== null);
  const live = (s) => s.live;
  output.server = {
    idleRssMB, cpuPercent: srv.cpuPercent, cpuS: srv.cpuS, wallS: srv.wallS, rssMeanMB: srv.rssMeanBytes / MB, rssMaxMB: srv.rssMaxBytes / MB, hwmMB: srv.hwmBytes / MB,
    warmup: { cpuPercent: warm.cpuPercent, rssMaxMB: warm.rssMaxBytes / MB },
    writtenMBPerHour: (srv.writeBytes / MB) * (3600 / srv.wallS),
    // each minute of the window: mean and max RSS, to show a long window's shape
    rssByMinuteMB: srv.minutes.map((m) => [round(m.meanBytes / MB), round(m.maxBytes / MB)]),
    atEnd: {
      rssAnonMB: kB('RssAnon'), rssFileMB: kB('RssFile'), threads: kB('Threads') * 1024,
      // V8's view at the end of the window: what the heap reserved and used, and memory outside it (Buffers, typed arrays).
      heapTotalMB: heap ? heap.heapTotal / MB : null, heapUsedMB: heap ? heap.heapUsed / MB : null, externalMB: heap ? heap.external / MB : null,
      heapSpacesMB: heap ? Object.fromEntries(Object.entries(heap.spaces).map(([k, v]) => [k, round(v / MB)])) : null,
    },
  };
  output.browser = {
    closes: { ...watcher.closes },
    diffsInWindow: watcher.diffs.length - diffsBefore,
    diffBytes: spread(watcher.diffs.slice(diffsBefore).map((d) => d.bytes)),
    firstDiffBytes: watcher.diffs[0]?.bytes ?? null,
  };
  output.sim = { cpuPercent: simCost.cpuPercent, rssMaxMB: simCost.rssMaxBytes / MB };
  output.requests = {
    windowMin,
    perNode: { ...spread(perNode), byKind: { 'node status': sum(nodeRows.filter((r) => r.kind === 'node status'), (r) => r.perMin) / NODES, background: sum(nodeRows.filter((r) => r.kind === 'background'), (r) => r.perMin) / NODES } },
    perNodeSteady: { mean: sum(nodeRows, (r) => r.steadyPerMin) / NODES, 'node status': sum(nodeRows.filter((r) => r.kind === 'node status'), (r) => r.steadyPerMin) / NODES, background: sum(nodeRows.filter((r) => r.kind === 'background'), (r) => r.steadyPerMin) / NODES },
    entryEndpointPerMin: windowRequests.total / windowMin,
    entryEndpointSteadyPerMin: sum(rates, (r) => r.steadyPerMin),
    warmupTotal: warmRequests.total,
    byPath: rates,
  };
  output.cycles = {
    cycles: cycleStarts.length, cadenceMs: cadence.length ? spread(cadence) : null,
    startToBrowserMs: cycleToBrowser.length ? spread(cycleToBrowser) : null, states: Object.fromEntries(states),
  };
  output.changeToBrowserMs = latencies.length ? spread(latencies) : null;
  output.probes = probes;
  output.history = {
    before: live(stats0), after: live(stats1),
    samplesPerS: (stats1.live.samplesAccepted - stats0.live.samplesAccepted) / ((windowEnd - windowStart) / 1000),
    droppedInWindow: stats1.live.samplesDropped - stats0.live.samplesDropped,
    flushesInWindow: stats1.live.flushes - stats0.live.flushes,
    series: stats1.live.series, databaseMB: stats1.storage ? stats1.storage.databaseBytes / MB : null,
    bytesWrittenLastHourMB: stats1.live.bytesWrittenLastHour / MB,
  };
  output.resources = firstGuests.length;
  output.cpuGoalMet = srv.cpuPercent <= GOALS.cpuPercent;
  output.rssGoalMet = Math.max(srv.rssMaxBytes, srv.hwmBytes) / MB <= GOALS.rssMB;

  // ---- tables ----
  console.log(`\nserver over ${srv.wallS.toFixed(0)} s (after ${WARMUP_S} s warm-up), ${NODES} nodes, ${GUESTS} guests, every ${INTERVAL_MS / 1000} s`);
  console.table({
    'pulse serve': { 'CPU % of a core': round(srv.cpuPercent, 2), 'goal %': GOALS.cpuPercent, 'RSS mean MB': round(srv.rssMeanBytes / MB), 'RSS max MB': round(srv.rssMaxBytes / MB), 'VmHWM MB': round(srv.hwmBytes / MB), 'goal MB': GOALS.rssMB },
    'pulse serve, before the connection': { 'CPU % of a core': '', 'goal %': '', 'RSS mean MB': '', 'RSS max MB': round(idleRssMB), 'VmHWM MB': '', 'goal MB': '' },
    'pulse serve, warm-up': { 'CPU % of a core': round(warm.cpuPercent, 2), 'goal %': '', 'RSS mean MB': round(warm.rssMeanBytes / MB), 'RSS max MB': round(warm.rssMaxBytes / MB), 'VmHWM MB': '', 'goal MB': '' },
    'proxmox-sim (for scale)': { 'CPU % of a core': round(simCost.cpuPercent, 2), 'goal %': '', 'RSS mean MB': round(simCost.rssMeanBytes / MB), 'RSS max MB': round(simCost.rssMaxBytes / MB), 'VmHWM MB': round(simCost.hwmBytes / MB), 'goal MB': '' },
  });
  console.log(`requests per minute: per node (/nodes/<node>/…, proxied by the entry node) mean ${round(output.requests.perNode.mean, 2)}, max ${round(output.requests.perNode.max, 2)}; `
    + `steady-state estimate ${round(output.requests.perNodeSteady.mean, 2)}; the entry endpoint ${round(output.requests.entryEndpointPerMin, 0)} in the window (${round(output.requests.entryEndpointSteadyPerMin, 0)} steady); ${warmRequests.total} in the warm-up`);
  console.table(Object.fromEntries(rates.map((r) => [r.path, {
    kind: r.kind, 'every s': r.periodS ?? 'cycle', 'warm-up': r.warmup, window: r.window, '/min': round(r.perMin, 1), 'steady /min': round(r.steadyPerMin, 1),
    'steady /min/node': r.kind === 'cluster-wide' ? '' : round(r.steadyPerMin / NODES, 3), '': r.estimated ? 'keys/period' : '',
  }])));
  const ms = (s) => (s ? `min ${round(s.min / 1000, 2)} s, median ${round(s.median / 1000, 2)} s, p90 ${round(s.p90 / 1000, 2)} s, max ${round(s.max / 1000, 2)} s (n=${s.n})` : 'none observed');
  console.log(`poll cadence (lastPollAt): ${ms(output.cycles.cadenceMs)}`);
  console.log(`cycle start → diff in the browser: ${ms(output.cycles.startToBrowserMs)}`);
  console.log(`guest stopped in the sim → diff in the browser: ${ms(output.changeToBrowserMs)}`);
  console.log(`browser: ${output.browser.diffsInWindow} diffs in the window, median ${round(output.browser.diffBytes.median / 1024, 0)} KB, max ${round(output.browser.diffBytes.max / 1024, 0)} KB (the first, with every resource: ${round(output.browser.firstDiffBytes / 1024, 0)} KB); closed by the server: ${JSON.stringify(output.browser.closes)}`);
  console.log(`history: ${round(output.history.samplesPerS, 0)} samples/s accepted, ${output.history.droppedInWindow} dropped, ${output.history.series} series, ${output.history.flushesInWindow} flushes in the window, `
    + `${round(output.history.bytesWrittenLastHourMB)} MB written so far, database ${round(output.history.databaseMB)} MB`);
  console.log(`server memory at the end: RssAnon ${round(output.server.atEnd.rssAnonMB)} MB, RssFile ${round(output.server.atEnd.rssFileMB)} MB; V8 heap ${round(output.server.atEnd.heapUsedMB)} MB used of ${round(output.server.atEnd.heapTotalMB)} MB, external ${round(output.server.atEnd.externalMB)} MB; spaces ${JSON.stringify(output.server.atEnd.heapSpacesMB)}`);
  console.log(`server disk writes (/proc/<pid>/io write_bytes, database, WAL and logs): ${round(output.server.writtenMBPerHour, 0)} MB per hour in the window`);
  console.log(`server RSS by minute of the window (mean/max MB): ${output.server.rssByMinuteMB.map(([mean, max]) => `${mean}/${max}`).join(' ')}`);
  console.log(`\ngoals: CPU ${round(srv.cpuPercent, 2)} % ≤ ${GOALS.cpuPercent} % ${output.cpuGoalMet ? 'met' : 'NOT met'}; `
    + `RSS max ${round(Math.max(srv.rssMaxBytes, srv.hwmBytes) / MB)} MB ≤ ${GOALS.rssMB} MB ${output.rssGoalMet ? 'met' : 'NOT met'}`);

  if (isProfiling) {
    watcher.close();
    watcher = undefined;
    await server.stop(30_000);
    await waitFor(profileFile, () => existsSync(profileFile) || undefined, 30_000).catch(() => {});
    if (existsSync(profileFile)) {
      output.profile = { file: profileFile, ...summariseServerProfile(profileFile, [t0us, t1us]) };
      console.log(`\nserver profile inside the window: ${output.profile.busyMs.toFixed(0)} ms on the CPU (${round(output.profile.busyMs / 10 / srv.wallS, 2)} % of a core seen by the sampler)`);
      console.log('self time by module:');
      console.table(Object.fromEntries(output.profile.byModule.map((t) => [t.module, { ms: t.ms, '%': t.pct }])));
      console.log('inclusive time by Pulse file (time with the file anywhere on the stack):');
      console.table(Object.fromEntries(output.profile.inclusiveByFile.map((t) => [t.file, { ms: t.ms, '%': t.pct }])));
      console.log('self time by function:');
      console.table(Object.fromEntries(output.profile.top.map((t) => [t.fn, { ms: t.ms, '%': t.pct }])));
    } else console.log(`no profile at ${profileFile}`);
    await waitFor(heapFile, () => existsSync(heapFile) || undefined, 30_000).catch(() => {});
    if (existsSync(heapFile)) {
      output.heapProfile = { file: heapFile, ...summariseHeapProfile(heapFile) };
      console.log(`\nserver heap still allocated at exit (sampled): ${round(output.heapProfile.liveMB)} MB; by module:`);
      console.table(Object.fromEntries(output.heapProfile.byModule.map((t) => [t.module, { MB: t.MB, '%': t.pct }])));
      console.log('inclusive by Pulse file (allocated with the file on the stack):');
      console.table(Object.fromEntries(output.heapProfile.inclusiveByFile.map((t) => [t.file, { MB: t.MB, '%': t.pct }])));
      console.log('self by function:');
      console.table(Object.fromEntries(output.heapProfile.top.map((t) => [t.fn, { MB: t.MB, '%': t.pct }])));
    }
  }
} catch (err) {
  failed = true;
  console.error(`proxmox bench failed: ${err.stack ?? err}`);
} finally {
  watcher?.close();
  await server?.stop(30_000);
  await sim?.stop();
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/proxmox.json'), `${JSON.stringify(output, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
