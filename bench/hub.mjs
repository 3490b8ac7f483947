#!/usr/bin/env node
/**
 * The hub's fan-out against the floor — a bare `ws` server looping `ws.send(sameBuffer)` over its
 * subscribers — on the same scenarios in the same run, through the BUILT hub
 * (`npx tsc -b packages/hub` first).
 *
 *   node bench/hub.mjs [scenario...] [--server=ws,hub,ws-batch] [--codec=json|msgpack] [--repeat=N]
 *                      [--wait-quiet[=S]] [--cpu-prof]
 *   npm run bench -- hub                      (every scenario, both servers)
 *   PULSE_HUB_DIST=/other/hub/dist/index.js node bench/hub.mjs    (measure another build)
 *   PULSE_BENCH_SERVER_FLAGS='--trace-gc' node bench/hub.mjs d      (extra node flags for the servers)
 *
 * Scenarios (the issue's acceptance goals in brackets):
 *   idle        (a)  10,000 idle connections over 10 channels: server RSS per connection after a
 *                    forced GC [hub ≤ 16 KB/conn]
 *   throughput  (b-i) 1 channel × 1,000 subscribers, publishing as fast as delivery allows:
 *                    600 publications, 10 per setImmediate turn, at most 100 ahead of the slowest
 *                    subscriber; deliveries/s from the first publish to the last receipt [≥ 150,000/s]
 *   latency-1k  (b-ii) 1 channel × 1,000 subscribers, 50 publications/s (50,000 deliveries/s) for
 *                    5 s after 1 s of warm-up: publish-to-receive p50/p99 [p99 ≤ 50 ms]
 *   latency-5k  (c)  1 channel × 5,000 subscribers, 10 publications/s (50,000/s) for 5 s [p99 ≤ 150 ms]
 *   channels    (d)  1,000 channels × 10 subscribers (10,000 connections), 5,000 publications/s
 *                    round-robin (50,000 deliveries/s) for 5 s: deliveries/s, p50/p99
 * (a, b1, b2, c, d work as names too.)
 *
 * For each scenario and server this forks a fresh server process (bench/lib/hub-server.mjs, with
 * --expose-gc) and a load generator (bench/lib/hub-load.mjs, ≤ 10,000 sockets per process, more
 * processes beyond), which talk through this process over IPC. The server reports its CPU
 * (process.cpuUsage over the measured window, % of one core) and memory; the load generator
 * histograms performance.timeOrigin + performance.now() at receipt minus the same clock read by
 * the server at publish. Both share the machine's two cores, so delays include the load
 * generator's own decoding; the two servers carry identical load, which is what makes the ratio
 * meaningful. `--server=ws-batch` adds the bare loop with each socket corked for the event-loop
 * turn (one writev per socket per turn): what write batching alone is worth. Prints a table per
 * scenario and writes bench/results/hub-<timestamp>.json.
 * `--repeat=N` runs each scenario N times per server (alternating which server goes first) and
 * reports the median of each figure; every run is kept in the JSON. `--wait-quiet` waits (up to
 * 60 s, or S) before each run for the shared machine to be idle for a second; the table's
 * "other CPU%" says how busy the rest of the machine was during the measured window either way.
 * `--cpu-prof` profiles the server processes (bench/results/prof/) and prints where their CPU went.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Histogram } from './lib/hub-histogram.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const hubDist = process.env.PULSE_HUB_DIST ? resolve(process.env.PULSE_HUB_DIST) : join(here, '../packages/hub/dist/index.js');
const SOCKETS_PER_LOAD_PROCESS = 10_000;
const CONNECT_BATCH = 200;
const TOTAL_TIMEOUT_MS_PER_PASS = 5 * 60_000;
const STEP_TIMEOUT_MS = 60_000;

const SCENARIOS = {
  idle: {
    alias: 'a', title: '(a) 10,000 idle connections, 10 channels', conns: 10_000, channels: 10, kind: 'idle', idleMs: 2_000,
    goal: { key: 'kbPerConn', max: 16, text: 'hub ≤ 16 KB per connection' },
  },
  throughput: {
    alias: 'b1', title: '(b-i) 1 channel × 1,000 subscribers, max throughput', conns: 1_000, channels: 1, kind: 'burst',
    count: 600, warmup: 60, burst: 10, window: 100, sampleEvery: 8, timeoutMs: 30_000,
    goal: { key: 'deliveriesPerS', min: 150_000, text: 'hub ≥ 150,000 deliveries/s' },
  },
  'latency-1k': {
    alias: 'b2', title: '(b-ii) 1 channel × 1,000 subscribers, 50 pub/s', conns: 1_000, channels: 1, kind: 'rate',
    ratePerS: 50, durationMs: 5_000, warmupMs: 1_000,
    goal: { key: 'p99', max: 50, text: 'hub p99 ≤ 50 ms' },
  },
  'latency-5k': {
    alias: 'c', title: '(c) 1 channel × 5,000 subscribers, 10 pub/s', conns: 5_000, channels: 1, kind: 'rate',
    ratePerS: 10, durationMs: 5_000, warmupMs: 1_000,
    goal: { key: 'p99', max: 150, text: 'hub p99 ≤ 150 ms' },
  },
  channels: {
    alias: 'd', title: '(d) 1,000 channels × 10 subscribers, 5,000 pub/s round-robin', conns: 10_000, channels: 1_000, kind: 'rate',
    ratePerS: 5_000, durationMs: 5_000, warmupMs: 1_000,
  },
};
const SERVERS = { ws: 'bare ws', hub: 'hub', 'ws-batch': 'ws batch' };

// ---- command line ----
const args = process.argv.slice(2);
const flag = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const codec = flag('codec', 'json');
const servers = flag('server') ? flag('server').split(',') : ['ws', 'hub'];
const isProfiling = args.includes('--cpu-prof');
const repeat = Math.max(1, Number(flag('repeat', 1)) || 1);
// --wait-quiet[=S]: before each run, wait up to S seconds (default 60) for the machine to go idle.
const quietWaitS = args.includes('--wait-quiet') ? 60 : Number(flag('wait-quiet', 0)) || 0;
const named = args.filter((a) => !a.startsWith('--'));
const byAlias = Object.fromEntries(Object.entries(SCENARIOS).map(([name, s]) => [s.alias, name]));
const wanted = named.length ? named.map((n) => byAlias[n] ?? n) : Object.keys(SCENARIOS);
const unknown = wanted.filter((n) => !SCENARIOS[n]).concat(servers.filter((s) => !SERVERS[s]));
if (unknown.length || !['json', 'msgpack'].includes(codec)) {
  console.error(`hub bench: unknown ${unknown.join(', ') || `codec ${codec}`}; scenarios: ${Object.entries(SCENARIOS).map(([n, s]) => `${n} (${s.alias})`).join(', ')}; --server=ws,hub,ws-batch, --codec=json|msgpack, --repeat=N, --wait-quiet[=S], --cpu-prof`);
  process.exit(2);
}
if (servers.includes('hub') && !existsSync(hubDist)) {
  console.error(`${hubDist} is missing: run \`npx tsc -b packages/hub\` first.`);
  process.exit(2);
}

// ---- children ----
const children = new Set();
// Every scenario and step is bounded too; this catches whatever slips through.
const runCount = wanted.length * servers.length * repeat;
const TOTAL_TIMEOUT_MS = TOTAL_TIMEOUT_MS_PER_PASS * repeat * Math.max(1, servers.length / 2) + runCount * quietWaitS * 1000;
const watchdog = setTimeout(() => {
  console.error(`hub bench: gave up after ${TOTAL_TIMEOUT_MS / 1000} s`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A forked child with request/reply over IPC (`id` matched) and its other messages as events. */
async function start(script, argv, execArgv) {
  const child = fork(join(here, 'lib', script), argv, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;
  let ready;
  const readyPromise = new Promise((resolve, reject) => (ready = { resolve, reject }));
  child.on('message', (message) => {
    if (message.type === 'ready') return ready.resolve(message);
    if (message.type === 'reply' || message.type === 'failed') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'failed') waiter?.reject(new Error(`${script}: ${message.message}`));
      else waiter?.resolve(message);
      return;
    }
    listeners.get(message.type)?.(message);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    const err = new Error(`${script} exited (${signal ?? code})`);
    ready.reject(err);
    for (const waiter of pending.values()) waiter.reject(err);
    pending.clear();
    resolve();
  }));
  const handle = {
    child,
    exited,
    on(type, listener) {
      listeners.set(type, listener);
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    request(message, timeoutMs = STEP_TIMEOUT_MS) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: no answer to '${message.type}' in ${timeoutMs / 1000} s`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (err) => (clearTimeout(timer), reject(err)),
        });
        child.send({ ...message, id });
      });
    },
  };
  handle.ready = await readyPromise;
  return handle;
}

// ---- helpers ----
const round = (value, digits = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null);
const mb = (bytes) => round(bytes / 1_048_576);
/** Busy and total jiffies of the whole machine (every process, ours and everyone else's). */
function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
/** The machine's busy time between two machineCpu() readings, in % of one core. */
const machinePct = (a, b) => round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * availableParallelism() * 100);
const cpuPct = (a, b) => round((((b.cpu.user + b.cpu.system) - (a.cpu.user + a.cpu.system)) / 1000 / (b.at - a.at)) * 100);

/** Publications socket `index` should see when `published` went round-robin over `channels`. */
function expectedFor(index, published, channels) {
  const channel = index % channels;
  return Math.floor(published / channels) + (channel < published % channels ? 1 : 0);
}

function expectedTotal(first, count, published, channels) {
  let total = 0;
  for (let i = first; i < first + count; i++) total += expectedFor(i, published, channels);
  return total;
}

const profileDir = join(here, 'results', 'prof');

/**
 * On a shared machine other tenants' load swings from nothing to both cores within seconds.
 * Waits (bounded) until a whole second passes with the machine under 25 % of one core busy.
 */
async function waitForQuiet(maxS) {
  const started = performance.now();
  let busyPct;
  do {
    const a = machineCpu();
    await sleep(1_000);
    busyPct = machinePct(a, machineCpu());
  } while (busyPct > 25 && performance.now() - started < maxS * 1000);
  return { quietWaitMs: Math.round(performance.now() - started), busyBeforePct: busyPct };
}

async function runOne(name, scenario, serverKind) {
  const quiet = quietWaitS > 0 ? await waitForQuiet(quietWaitS) : undefined;
  const execArgv = ['--expose-gc', ...(process.env.PULSE_BENCH_SERVER_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
  let profileName;
  if (isProfiling) {
    mkdirSync(profileDir, { recursive: true });
    profileName = `${serverKind}-${name}-${Date.now()}.cpuprofile`;
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}`);
  }
  const server = await start('hub-server.mjs', [serverKind, codec], execArgv);
  const url = `ws://127.0.0.1:${server.ready.port}/api/ws`;
  const loads = [];
  try {
    const memBefore = await server.request({ type: 'memory' });
    const sampleBeforeConnect = await server.request({ type: 'sample' });

    // ≤ 10,000 sockets per load process. Up to ~20,000 sockets in all, let the kernel pick the
    // client address and port at connect (ports are shared across server ports, and the load
    // generator resets its sockets so none stay in TIME_WAIT). Beyond that each process binds its
    // own 127.0.0.x: binding before connect is slower (the port search grows with ports in use),
    // but one address has only ~28,000 ephemeral ports.
    const processCount = Math.ceil(scenario.conns / SOCKETS_PER_LOAD_PROCESS);
    const shares = [];
    for (let p = 0; p < processCount; p++) {
      const first = p * SOCKETS_PER_LOAD_PROCESS;
      shares.push({ first, count: Math.min(SOCKETS_PER_LOAD_PROCESS, scenario.conns - first) });
      loads.push(await start('hub-load.mjs', [codec], []));
    }
    const connected = await Promise.all(loads.map((load, p) => load.request({
      type: 'connect', url, count: shares[p].count, firstIndex: shares[p].first, channels: scenario.channels,
      localAddress: scenario.conns > 20_000 ? `127.0.0.${2 + p}` : undefined, batch: CONNECT_BATCH,
    }, 120_000)));
    const sampleConnected = await server.request({ type: 'sample' });
    await sleep(300);
    const memAfter = await server.request({ type: 'memory' });
    const serverSaw = await server.request({ type: 'stats' });

    const result = {
      server: SERVERS[serverKind],
      conns: scenario.conns,
      serverConnections: serverSaw.connections,
      serverSubscriptions: serverSaw.subscriptions,
      connectMs: Math.max(...connected.map((c) => c.connectMs)),
      connectCpuMs: Math.round(((sampleConnected.cpu.user + sampleConnected.cpu.system) - (sampleBeforeConnect.cpu.user + sampleBeforeConnect.cpu.system)) / 1000),
      rssBeforeMB: mb(memBefore.rss),
      rssConnectedMB: mb(memAfter.rss),
      kbPerConn: round((memAfter.rss - memBefore.rss) / scenario.conns / 1024),
      heapKbPerConn: round((memAfter.heapUsed - memBefore.heapUsed) / scenario.conns / 1024),
      ...quiet,
    };

    if (scenario.kind === 'idle') {
      const machine0 = machineCpu();
      const a = await server.request({ type: 'sample' });
      await sleep(scenario.idleMs);
      const b = await server.request({ type: 'sample' });
      const serverCpuPct = cpuPct(a, b);
      Object.assign(result, { serverCpuPct, machineCpuPct: machinePct(machine0, machineCpu()), rssMB: mb(b.rss), heapUsedMB: mb(b.heapUsed) });
      result.otherCpuPct = round(Math.max(0, result.machineCpuPct - serverCpuPct));
    } else if (scenario.kind === 'rate') {
      const rate = { type: 'rate', channels: scenario.channels, ratePerS: scenario.ratePerS };
      // Warm-up publications carry w: 1; the load generator counts them apart from the measured ones.
      await server.request({ ...rate, durationMs: scenario.warmupMs, warm: true }, scenario.warmupMs + 30_000);
      await sleep(200);
      await Promise.all(loads.map((load) => load.request({ type: 'measure', mode: 'latency' })));
      const machine0 = machineCpu();
      const published = await server.request({ ...rate, durationMs: scenario.durationMs, warm: false }, scenario.durationMs + 30_000);
      const machineCpuPct = machinePct(machine0, machineCpu());
      const reports = await Promise.all(loads.map((load, p) => load.request({
        type: 'report', expected: expectedTotal(shares[p].first, shares[p].count, published.published, scenario.channels), drainMs: 5_000,
      })));
      const expected = expectedTotal(0, scenario.conns, published.published, scenario.channels);
      Object.assign(result, summarise(reports, expected), {
        published: published.published,
        deliveriesPerS: round(reports.reduce((n, r) => n + r.received, 0) / (published.wallMs / 1000), 0),
        serverCpuPct: published.cpuPct,
        serverUserPct: published.userPct,
        serverSystemPct: published.systemPct,
        serverCpuMs: published.cpuMs,
        loopDelayP99Ms: published.loopDelayP99Ms,
        loopDelayMaxMs: published.loopDelayMaxMs,
        involuntarySwitches: published.involuntarySwitches,
        profileWindowUs: published.profileWindowUs,
        machineCpuPct,
        windowMs: published.wallMs,
        publishLagMaxMs: published.maxLagMs,
        rssMB: mb(published.rss),
        heapUsedMB: mb(published.heapUsed),
        hubStats: published.stats.hub,
        publishErrors: published.publishErrors,
      });
    } else {
      Object.assign(result, await runBurst(scenario, server, loads));
    }
    if (result.deliveriesPerS) {
      // Server CPU per delivery: the cost figure least bent by other tenants taking the cores.
      result.cpuUsPerDelivery = round((result.serverCpuPct / 100) * 1e6 / result.deliveriesPerS, 2);
    }
    if (result.loadCpuPct !== undefined) {
      // What the rest of the machine took meanwhile: other tenants of these two cores, and this
      // orchestrator (next to nothing).
      result.otherCpuPct = round(Math.max(0, result.machineCpuPct - result.serverCpuPct - result.loadCpuPct * loads.length));
    }
    if (scenario.kind !== 'idle') {
      // Heap left after a forced GC tells retained memory from garbage not yet collected.
      const settled = await server.request({ type: 'memory' });
      Object.assign(result, { rssAfterGcMB: mb(settled.rss), heapAfterGcMB: mb(settled.heapUsed), heapConnectedMB: mb(memAfter.heapUsed) });
    }
    const after = await server.request({ type: 'stats' });
    result.serverConnectionsAtEnd = after.connections;
    if (after.hub) result.hubStats = after.hub;
    return { result, profileName };
  } finally {
    for (const load of loads) load.send({ type: 'close' });
    await Promise.race([Promise.all(loads.map((l) => l.exited)), sleep(5_000)]);
    for (const load of loads) load.child.kill('SIGKILL');
    server.send({ type: 'exit' });
    await Promise.race([server.exited, sleep(10_000)]);
    server.child.kill('SIGKILL');
  }
}

/** Warm-up, then the measured burst run: publishing paced by the slowest subscriber's progress. */
async function runBurst(scenario, server, loads) {
  const latest = new Array(loads.length).fill(0);
  let doneAts = [];
  let onAllDone = () => {};
  loads.forEach((load, p) => {
    load.on('progress', (m) => {
      latest[p] = m.delivered;
      server.send({ type: 'progress', delivered: Math.min(...latest) });
    });
    load.on('done', (m) => {
      doneAts.push(m.at);
      if (doneAts.length === loads.length) onAllDone();
    });
  });
  const once = async (count, timeoutMs) => {
    latest.fill(0);
    doneAts = [];
    const allDone = new Promise((resolve) => (onAllDone = resolve));
    await Promise.all(loads.map((load) => load.request({ type: 'measure', mode: 'count', target: count, sampleEvery: scenario.sampleEvery })));
    const before = await server.request({ type: 'sample' });
    const machine0 = machineCpu();
    const burst = server.request({ type: 'burst', channel: 'bench:0', count, burst: scenario.burst, window: scenario.window }, timeoutMs + 5_000);
    const isDone = await Promise.race([allDone.then(() => true), sleep(timeoutMs).then(() => false)]);
    const machineCpuPct = machinePct(machine0, machineCpu());
    const after = await server.request({ type: 'sample' });
    const reports = await Promise.all(loads.map((load) => load.request({ type: 'report', expected: 0, drainMs: 0 })));
    const published = isDone ? await burst : undefined;
    burst.catch(() => {});
    return { isDone, before, after, reports, published, machineCpuPct };
  };
  await once(scenario.warmup, scenario.timeoutMs);
  const run = await once(scenario.count, scenario.timeoutMs);
  const received = run.reports.reduce((n, r) => n + r.received, 0);
  const startAt = run.published?.startAt ?? run.before.at;
  const endAt = run.isDone ? Math.max(...doneAts) : run.after.at;
  return {
    ...summarise(run.reports, scenario.count * scenario.conns),
    published: scenario.count,
    completed: run.isDone,
    deliveriesPerS: round(received / ((endAt - startAt) / 1000), 0),
    windowMs: Math.round(endAt - startAt),
    publishStalls: run.published?.stalls,
    serverCpuPct: cpuPct(run.before, run.after),
    serverUserPct: round((run.after.cpu.user - run.before.cpu.user) / 10 / (run.after.at - run.before.at)),
    serverSystemPct: round((run.after.cpu.system - run.before.cpu.system) / 10 / (run.after.at - run.before.at)),
    loopDelayP99Ms: run.published?.loopDelayP99Ms,
    loopDelayMaxMs: run.published?.loopDelayMaxMs,
    involuntarySwitches: run.published?.involuntarySwitches,
    profileWindowUs: run.published?.profileWindowUs,
    machineCpuPct: run.machineCpuPct,
    rssMB: mb(run.after.rss),
    heapUsedMB: mb(run.after.heapUsed),
    latencyNote: `sampled 1 in ${scenario.sampleEvery}, under saturation: queueing-bound, not comparable to the fixed-rate scenarios`,
  };
}

/** Per numeric figure, the median over runs (the middle one, or the mean of the middle two). */
function median(results) {
  const ok = results.filter((r) => !r.error);
  if (ok.length <= 1) return ok[0] ?? results[0];
  const out = { ...ok[0], runs: ok.length };
  for (const key of Object.keys(ok[0])) {
    const values = ok.map((r) => r[key]).filter((v) => typeof v === 'number').sort((a, b) => a - b);
    if (values.length !== ok.length) continue;
    const mid = values.length >> 1;
    out[key] = values.length % 2 ? values[mid] : round((values[mid - 1] + values[mid]) / 2, 2);
  }
  return out;
}

function summarise(reports, expected) {
  const histogram = Histogram.merge(reports.map((r) => r.histogram));
  const received = reports.reduce((n, r) => n + r.received, 0);
  return {
    expected,
    received,
    missing: expected - received,
    unexpectedFrames: reports.reduce((n, r) => n + r.unexpected, 0),
    unexpectedCloses: reports.reduce((n, r) => n + r.unexpectedCloses, 0),
    p50: round(histogram.percentile(50), 2),
    p90: round(histogram.percentile(90), 2),
    p99: round(histogram.percentile(99), 2),
    max: round(histogram.max, 2),
    mean: round(histogram.mean(), 2),
    latencySamples: histogram.count,
    loadCpuPct: Math.max(...reports.map((r) => r.cpuPct)),
  };
}

// ---- output ----
const COLUMNS = [
  ['server', 'server', 8],
  ['conns', 'conns', 6],
  ['deliv/s', 'deliveriesPerS', 9],
  ['p50 ms', 'p50', 8],
  ['p99 ms', 'p99', 8],
  ['max ms', 'max', 8],
  ['missing', 'missing', 8],
  ['srv CPU%', 'serverCpuPct', 9],
  ['µs/deliv', 'cpuUsPerDelivery', 9],
  ['load CPU%', 'loadCpuPct', 10],
  ['other CPU%', 'otherCpuPct', 11],
  ['RSS MB', 'rssMB', 8],
  ['KB/conn', 'kbPerConn', 8],
];
const show = (value) => {
  if (value === undefined || value === null) return '–';
  if (typeof value !== 'number') return String(value);
  return (Math.abs(value) >= 1000 ? Math.round(value) : value).toLocaleString('en-US');
};

function ratios(hub, ws) {
  const out = {};
  for (const [, key] of COLUMNS.slice(2)) {
    if (key === 'missing' || key === 'loadCpuPct' || key === 'otherCpuPct') continue;
    if (typeof hub?.[key] === 'number' && typeof ws?.[key] === 'number' && ws[key] > 0) out[key] = round(hub[key] / ws[key], 2);
  }
  return out;
}

function printScenario(name, scenario, results, ratio) {
  console.log(`\n${scenario.title}  [${name}]`);
  console.log(COLUMNS.map(([label, , width], i) => (i === 0 ? label.padEnd(width) : label.padStart(width))).join(' '));
  for (const result of Object.values(results)) {
    console.log(COLUMNS.map(([, key, width], i) => (i === 0 ? show(result[key]).padEnd(width) : show(result[key]).padStart(width))).join(' '));
  }
  if (ratio) {
    console.log(COLUMNS.map(([, key, width], i) => (i === 0 ? 'hub/ws'.padEnd(width) : i === 1 ? ''.padStart(width) : show(ratio[key]).padStart(width))).join(' '));
  }
  const hub = results.hub;
  if (scenario.goal && hub) {
    const value = hub[scenario.goal.key];
    const isMet = scenario.goal.max !== undefined ? value <= scenario.goal.max : value >= scenario.goal.min;
    console.log(`goal: ${scenario.goal.text} → ${show(value)} ${isMet ? 'MET' : 'NOT MET'}`);
  }
  for (const result of Object.values(results)) {
    const notes = [];
    if (result.serverConnections !== result.conns) notes.push(`server saw ${result.serverConnections} connections`);
    if (result.missing) notes.push(`${result.missing} deliveries missing`);
    if (result.unexpectedCloses) notes.push(`${result.unexpectedCloses} unexpected closes`);
    if (result.completed === false) notes.push('did not finish in time');
    if (result.publishErrors) notes.push(`${result.publishErrors} publish errors`);
    if (notes.length) console.log(`${result.server}: ${notes.join('; ')}`);
  }
}

/**
 * Self time by function from a V8 .cpuprofile, biggest first; only the samples inside `window`
 * (monotonic µs, from the server) when given, so connecting and tearing down are left out.
 */
function summariseProfile(file, window, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window[0] || at > window[1])) return;
    total += dt;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|packages|bench)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), pct: round((us / total) * 100) }));
}

// ---- main ----
const startedAt = performance.now();
const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
// Which hub was measured: HEAD, whether packages/hub had uncommitted changes, when dist was built.
let commit;
let hubSourceDirty;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  hubSourceDirty = execFileSync('git', ['status', '--porcelain', '--', '../packages/hub/src'], { cwd: here, encoding: 'utf8' }).trim() !== '';
} catch {}
const hubDistBuiltAt = existsSync(hubDist)
  ? new Date(Math.max(...readdirSync(dirname(hubDist), { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => statSync(join(dirname(hubDist), f)).mtimeMs))).toISOString()
  : undefined;
console.log(`hub bench: ${wanted.join(', ')} × ${servers.map((s) => SERVERS[s]).join(', ')}; codec ${codec}; hub ${hubDist}; ${cpuModel}, Node ${process.version}`);

const output = { at: new Date().toISOString(), node: process.version, cpu: cpuModel, cores: availableParallelism(), commit, hubSourceDirty, hubDist, hubDistBuiltAt, codec, repeat, scenarios: {} };
let isHealthy = true;
for (const name of wanted) {
  const scenario = SCENARIOS[name];
  const runs = Object.fromEntries(servers.map((kind) => [kind, []]));
  const profiles = [];
  for (let r = 0; r < repeat; r++) {
    // Alternate the order, so neither server always runs second on a machine the other warmed.
    for (const serverKind of r % 2 ? [...servers].reverse() : servers) {
      try {
        const { result, profileName } = await runOne(name, scenario, serverKind);
        runs[serverKind].push(result);
        if (profileName) profiles.push({ server: serverKind, file: join(profileDir, profileName), window: result.profileWindowUs });
        if (result.missing || result.unexpectedCloses || result.completed === false || result.serverConnections !== scenario.conns) isHealthy = false;
      } catch (err) {
        isHealthy = false;
        console.error(`${name} / ${SERVERS[serverKind]} failed: ${err.message}`);
        runs[serverKind].push({ server: SERVERS[serverKind], error: err.message });
      }
    }
  }
  const results = Object.fromEntries(servers.map((kind) => [kind, median(runs[kind])]));
  const ratio = results.hub && results.ws && !results.hub.error && !results.ws.error ? ratios(results.hub, results.ws) : undefined;
  printScenario(name, scenario, results, ratio);
  const { alias, title, goal, ...parameters } = scenario;
  output.scenarios[name] = { title, parameters, goal: goal?.text, results, ratio, ...(repeat > 1 ? { runs } : {}) };
  for (const { server, file, window } of profiles) {
    if (!existsSync(file)) continue;
    const top = summariseProfile(file, window);
    (output.scenarios[name].profiles ??= []).push({ server, file, window, top });
    console.log(`${SERVERS[server]} server CPU profile (${file.replace(`${here}/`, 'bench/')}), self time${window ? ' in the measured window' : ''}:`);
    for (const row of top) console.log(`  ${String(row.pct).padStart(5)} %  ${String(row.ms).padStart(6)} ms  ${row.fn}`);
  }
}
output.totalS = round((performance.now() - startedAt) / 1000);
console.log(`\n${output.totalS} s in all${repeat > 1 ? `; medians of ${repeat} runs` : ''}; ratio = hub / bare ws; CPU % is of one core (other = the rest of the machine meanwhile); KB/conn = server RSS growth per connection after a forced GC.`);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `hub-${output.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
console.log(`wrote ${file.replace(`${here}/`, 'bench/')}`);
process.exit(isHealthy ? 0 : 1);
