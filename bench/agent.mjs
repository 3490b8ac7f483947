#!/usr/bin/env node
/**
 * What pulse-agent costs the machine it watches, and what the server takes in, against the BUILT
 * server and the bundled agent (`node scripts/prepare.mjs` first; `npm run bench -- agent` does it).
 *
 *   node bench/agent.mjs [--cpu-prof] [--only=agent|ingest]
 *   npm run bench -- agent
 *
 * 1. Agent (issue 5: ≤ 0.5 % of one core at 1 s, ≤ 0.1 % at 10 s, RSS ≤ 64 MB, with 50 containers).
 *    For each interval: a fresh `pulse serve` on 127.0.0.1 whose answers set the agents' interval,
 *    the Docker Engine simulator (tools/docker-sim, its own process) with 50 containers, and
 *    `dist/pulse-agent.mjs run` as its own process with the node flags of the systemd unit
 *    (install/install.sh). Docker is read on the agent's default cadence (docker.intervalMs 10 s)
 *    unless PULSE_BENCH_AGENT_DOCKER_MS says otherwise. After a warm-up, the agent's utime + stime
 *    (/proc/<pid>/stat, every thread) over a steady window is its CPU in % of one core; VmRSS is
 *    sampled every second (mean, max) and VmHWM read at the end. The server's /api/agents is polled
 *    to count the reports that arrived in the window, so a skipped sample would show.
 * 2. node_exporter (Debian's prometheus-node-exporter, default collectors), if installed, runs in
 *    the same windows, scraped at the same interval as Prometheus would (keep-alive, gzip), and is
 *    measured the same way. It reads more of /proc and /sys than the agent but no Docker.
 * 3. Server ingest: N enrolled agents (real tokens), each posting one gzip report per request, the
 *    next as soon as the answer is back (bench/lib/agent-ingest.mjs, its own process): reports/s the
 *    server applies and its CPU per report, with host + 50 containers and host-only reports.
 *
 * Environment (defaults in brackets):
 *   PULSE_BENCH_AGENT_INTERVALS   sampling intervals in ms [1000,10000]
 *   PULSE_BENCH_AGENT_WINDOW_S    measured window per interval [60 at 1 s, 120 at 10 s]
 *   PULSE_BENCH_AGENT_WARMUP_S    warm-up before the window [15]
 *   PULSE_BENCH_AGENT_CONTAINERS  simulated containers [50]
 *   PULSE_BENCH_AGENT_DOCKER_MS   docker.intervalMs of the agent [the agent's default, 10000]
 *   PULSE_BENCH_AGENT_CGROUPS     0: simulated containers without real cgroups, so every agent reads them
 *                                 through the stats API [1: real processes in real cgroups when this
 *                                 machine allows it (root, writable cgroupfs), as a local dockerd's]
 *   PULSE_BENCH_AGENT_FLAGS       node flags for the agent [the systemd unit's]
 *   PULSE_BENCH_AGENT_BUNDLE      the agent to measure [packages/agent/dist/pulse-agent.mjs]
 *   PULSE_BENCH_AGENT_BASELINE    another bundle run side by side in the same windows (before/after)
 *   PULSE_BENCH_AGENT_BASELINE_FLAGS  node flags for the baseline [PULSE_BENCH_AGENT_FLAGS]
 *   PULSE_BENCH_AGENT_REPEAT      windows per interval; medians are reported [1]
 *   PULSE_BENCH_AGENT_LOG_DIR     keep each agent's output (e.g. with --trace-gc in the flags) there
 *   PULSE_BENCH_NODE_EXPORTER     node_exporter binary, or `none` [prometheus-node-exporter or node_exporter on PATH]
 *   PULSE_BENCH_INGEST_AGENTS     concurrent fake agents [50]
 *   PULSE_BENCH_INGEST_S          measured ingest window per report shape [15]
 * `--cpu-prof` profiles the agents and prints where their CPU went inside the windows.
 * Prints tables and writes bench/results/agent.json.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  findNodeExporter, machineCpu, startNodeExporter, startProcess, startScraper, startServer, startSimulator,
  startWindow, summariseProfile, unitNodeFlags, waitFor,
} from './lib/agent-procs.mjs';
import { cgroupsUnavailable } from '../tools/docker-sim/cgroup-procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const env = process.env;
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.split('=')[1];
const isProfiling = args.includes('--cpu-prof');

const INTERVALS = (env.PULSE_BENCH_AGENT_INTERVALS ?? '1000,10000').split(',').map(Number);
const windowS = (intervalMs) => Number(env.PULSE_BENCH_AGENT_WINDOW_S ?? (intervalMs >= 10_000 ? 120 : 60));
const WARMUP_S = Number(env.PULSE_BENCH_AGENT_WARMUP_S ?? 15);
const CONTAINERS = Number(env.PULSE_BENCH_AGENT_CONTAINERS ?? 50);
const DOCKER_MS = env.PULSE_BENCH_AGENT_DOCKER_MS ? Number(env.PULSE_BENCH_AGENT_DOCKER_MS) : undefined;
const CGROUPS_OFF_REASON = env.PULSE_BENCH_AGENT_CGROUPS === '0' ? 'PULSE_BENCH_AGENT_CGROUPS=0' : cgroupsUnavailable();
const REPEAT = Math.max(1, Number(env.PULSE_BENCH_AGENT_REPEAT ?? 1));
const AGENT_FLAGS = env.PULSE_BENCH_AGENT_FLAGS !== undefined ? env.PULSE_BENCH_AGENT_FLAGS.split(/\s+/).filter(Boolean) : unitNodeFlags(root);
const INGEST_AGENTS = Number(env.PULSE_BENCH_INGEST_AGENTS ?? 50);
const INGEST_S = Number(env.PULSE_BENCH_INGEST_S ?? 15);
const GOALS = { 1000: 0.5, 10_000: 0.1 };
const RSS_GOAL_MB = 64;

const variants = [{ name: 'agent', bundle: resolve(env.PULSE_BENCH_AGENT_BUNDLE ?? join(root, 'packages/agent/dist/pulse-agent.mjs')), flags: AGENT_FLAGS }];
if (env.PULSE_BENCH_AGENT_BASELINE) {
  const flags = env.PULSE_BENCH_AGENT_BASELINE_FLAGS !== undefined ? env.PULSE_BENCH_AGENT_BASELINE_FLAGS.split(/\s+/).filter(Boolean) : AGENT_FLAGS;
  variants.push({ name: 'baseline', bundle: resolve(env.PULSE_BENCH_AGENT_BASELINE), flags });
}
for (const path of [join(root, 'packages/server/dist/cli.js'), ...variants.map((v) => v.bundle)]) {
  if (!existsSync(path)) {
    console.error(`${path} is missing: run \`node scripts/prepare.mjs\` first.`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'pulse-bench-agent-'));
const profileDir = join(here, 'results/prof');
const MB = 1_048_576;
const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const machinePct = (a, b) => ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * availableParallelism() * 100;
const watchdog = setTimeout(() => {
  console.error('agent bench: gave up after 20 minutes');
  process.exit(1);
}, 20 * 60_000);
watchdog.unref();

/** Writes an agent's config the way `pulse-agent enrol` does, with the bench's Docker socket. */
function writeAgentConfig(name, server, enrolled, intervalMs, socketPath) {
  const dir = join(work, `${name}-${intervalMs}-${Date.now()}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const file = join(dir, 'agent.json');
  const docker = { endpoint: `unix://${socketPath}`, ...(DOCKER_MS ? { intervalMs: DOCKER_MS } : {}) };
  writeFileSync(file, JSON.stringify({
    server: server.base, agentId: enrolled.agentId, token: enrolled.token, intervalMs,
    docker, stateDir: join(dir, 'state'), logLevel: 'warn',
  }, null, 2), { mode: 0o600 });
  return file;
}

/** One window at one interval: every variant side by side, node_exporter beside them. */
async function agentWindow(intervalMs, socketPath, exporterBinary, repetition) {
  const server = await startServer(root, { dataDir: join(work, `data-${intervalMs}-${repetition}`), intervalMs });
  const agents = [];
  let exporter;
  let scraper;
  try {
    for (const variant of variants) {
      const enrolled = await server.enrol(`bench-${variant.name}`, randomBytes(16).toString('hex'));
      const config = writeAgentConfig(variant.name, server, enrolled, intervalMs, socketPath);
      const profileName = `agent-${variant.name}-${intervalMs}-${repetition}-${Date.now()}.cpuprofile`;
      const profFlags = isProfiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}`] : [];
      const proc = startProcess(process.execPath, [...variant.flags, ...profFlags, variant.bundle, 'run', '--config', config]);
      agents.push({ variant, proc, agentId: enrolled.agentId, profile: isProfiling ? join(profileDir, profileName) : undefined });
    }
    if (exporterBinary) {
      exporter = await startNodeExporter(exporterBinary);
      scraper = startScraper(exporter.url, intervalMs);
    }
    const context = () => agents.map((a) => `--- ${a.variant.name} ---\n${a.proc.log().slice(-3000)}`).join('\n') + `\n--- server ---\n${server.log().slice(-3000)}`;
    await waitFor('every agent\'s first report', async () => {
      for (const a of agents) if (!a.proc.running) throw new Error(`${a.variant.name} exited with ${a.proc.child.exitCode}`);
      const { agents: listed } = await server.api('/api/agents');
      return agents.every((a) => listed.find((l) => l.id === a.agentId)?.lastReportAt) || undefined;
    }, 30_000, context);
    await sleep(WARMUP_S * 1000);

    // Reports that reach the server during the window, from lastReportAt changing (one report per batch).
    const seen = new Map(agents.map((a) => [a.agentId, { last: undefined, count: 0 }]));
    let counting = true;
    const poll = (async () => {
      while (counting) {
        try {
          const { agents: listed } = await server.api('/api/agents');
          for (const l of listed) {
            const s = seen.get(l.id);
            if (!s) continue;
            if (s.last !== undefined && l.lastReportAt !== s.last) s.count++;
            s.last = l.lastReportAt;
          }
        } catch {}
        await sleep(Math.min(250, intervalMs / 4));
      }
    })();
    await sleep(300);

    const m0 = machineCpu();
    const t0us = Number(process.hrtime.bigint() / 1000n);
    const windows = agents.map((a) => startWindow(a.proc.pid));
    const exporterWindow = exporter && startWindow(exporter.pid);
    const scrapes0 = scraper ? { ...scraper.stats } : undefined;
    await sleep(windowS(intervalMs) * 1000);
    const results = windows.map((w) => w.stop());
    const exporterResult = exporterWindow?.stop();
    const t1us = Number(process.hrtime.bigint() / 1000n);
    const m1 = machineCpu();
    counting = false;
    await poll;
    for (const a of agents) if (!a.proc.running) throw new Error(`${a.variant.name} died during the window\n${context()}`);

    const out = agents.map((a, i) => ({
      variant: a.variant.name, intervalMs, ...results[i],
      reports: seen.get(a.agentId).count,
      expectedReports: Math.floor((results[i].wallS * 1000) / intervalMs),
    }));
    const machine = machinePct(m0, m1);
    const exporterOut = exporterResult && {
      ...exporterResult, intervalMs, version: exporter.version,
      scrapes: scraper.stats.scrapes - scrapes0.scrapes, failures: scraper.stats.failures - scrapes0.failures,
      bytesPerScrape: (scraper.stats.bytes - scrapes0.bytes) / Math.max(1, scraper.stats.scrapes - scrapes0.scrapes),
    };
    scraper?.stop();
    await exporter?.stop();
    for (const a of agents) await a.proc.stop();
    if (env.PULSE_BENCH_AGENT_LOG_DIR) {
      mkdirSync(env.PULSE_BENCH_AGENT_LOG_DIR, { recursive: true });
      for (const a of agents) writeFileSync(join(env.PULSE_BENCH_AGENT_LOG_DIR, `${a.variant.name}-${intervalMs}-${repetition}.log`), a.proc.log());
    }
    if (isProfiling) {
      for (const [i, a] of agents.entries()) {
        await waitFor(`${a.profile}`, () => existsSync(a.profile) || undefined, 10_000).catch(() => {});
        if (existsSync(a.profile)) out[i].profile = { file: a.profile, ...summariseProfile(a.profile, [t0us, t1us]) };
      }
    }
    return { agents: out, exporter: exporterOut, machinePercent: machine };
  } finally {
    scraper?.stop();
    await exporter?.stop();
    for (const a of agents) await a.proc.stop();
    await server.stop();
  }
}

/** One report as the agent sends it: this machine read twice (so rates are set), the simulator's containers read twice. */
async function realisticReport(socketPath, containers) {
  const { createHostCollector, createDockerCollector } = await import('../packages/collectors/dist/index.js');
  const quiet = { warn() {}, debug() {} };
  const hostCollector = createHostCollector({ source: 'agent', logger: quiet });
  hostCollector.collect(Date.now());
  await sleep(1000);
  const host = hostCollector.collect(Date.now());
  const docker = createDockerCollector({ endpoint: `unix://${socketPath}`, logger: quiet, containerId: (c) => `docker:bench/${c.name}`, parentId: host.id });
  await docker.collect();
  await sleep(1000);
  const reading = await docker.collect();
  docker.close();
  const pick = (r) => ({ id: r.id, type: r.type, name: r.name, ...(r.parentId ? { parentId: r.parentId } : {}), metrics: r.metrics, details: r.details, identity: r.identity, tags: r.tags });
  return {
    agent: { version: 'bench', arch: process.arch, node: process.versions.node },
    host: pick(host),
    containers: containers ? reading.containers.slice(0, containers).map(pick) : [],
    ...(containers ? { docker: reading.docker } : {}),
  };
}

async function ingest(socketPath, containers) {
  const server = await startServer(root, { dataDir: join(work, `data-ingest-${containers}`), intervalMs: 1000 });
  try {
    const tokens = [];
    for (let i = 0; i < INGEST_AGENTS; i++) tokens.push((await server.enrol(`bench-ingest-${i}`, randomBytes(16).toString('hex'))).token);
    const report = await realisticReport(socketPath, containers);
    const child = fork(join(here, 'lib/agent-ingest.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let window;
    let m0;
    let serverResult;
    let machine;
    const done = new Promise((resolvePromise, reject) => {
      child.on('message', (message) => {
        if (message.type === 'mark' && message.phase === 'start') {
          window = startWindow(server.pid);
          m0 = machineCpu();
        } else if (message.type === 'mark' && message.phase === 'end') {
          serverResult = window.stop();
          machine = machinePct(m0, machineCpu());
        } else if (message.type === 'done') resolvePromise(message);
        else if (message.type === 'failed') reject(new Error(message.message));
      });
      child.on('exit', (code) => code !== 0 && reject(new Error(`ingest load exited ${code}`)));
    });
    child.send({ type: 'start', base: server.base, tokens, report, warmupMs: 3000, windowMs: INGEST_S * 1000 });
    const load = await done;
    if (!serverResult) throw new Error('the ingest window never closed');
    return {
      containers, agents: INGEST_AGENTS, ...load,
      reportsPerS: load.accepted / load.wallS,
      server: serverResult,
      serverCpuMsPerReport: (serverResult.cpuS * 1000) / Math.max(1, load.accepted),
      machinePercent: machine,
    };
  } finally {
    await server.stop();
  }
}

// ---- main ----
const started = performance.now();
const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const exporterBinary = env.PULSE_BENCH_NODE_EXPORTER === 'none' ? undefined : (env.PULSE_BENCH_NODE_EXPORTER ?? findNodeExporter());
console.log(`agent bench: ${availableParallelism()} × ${cpuModel}, Node ${process.version}; ${CONTAINERS} simulated containers; `
  + `agent flags ${AGENT_FLAGS.join(' ') || '(none)'}; docker every ${DOCKER_MS ? `${DOCKER_MS / 1000} s` : '10 s (the agent\'s default)'}; `
  + `node_exporter ${exporterBinary ?? 'not installed (apt-get install prometheus-node-exporter)'}; `
  + `containers ${CGROUPS_OFF_REASON ? `without real cgroups (${CGROUPS_OFF_REASON}): figures from the stats API` : 'in real cgroups: an agent that reads them uses no stats API'}`);
if (isProfiling) mkdirSync(profileDir, { recursive: true });

const socketPath = join(work, 'docker.sock');
const sim = await startSimulator(root, socketPath, CONTAINERS, { cgroups: !CGROUPS_OFF_REASON });
const output = {
  bench: 'agent', at: new Date().toISOString(), node: process.version, cpu: cpuModel, cores: availableParallelism(),
  containers: CONTAINERS, realCgroups: !CGROUPS_OFF_REASON, ...(CGROUPS_OFF_REASON ? { noCgroupsBecause: CGROUPS_OFF_REASON } : {}), dockerIntervalMs: DOCKER_MS ?? 10_000, agentFlags: AGENT_FLAGS,
  bundles: Object.fromEntries(variants.map((v) => [v.name, { bundle: v.bundle, flags: v.flags }])), nodeExporter: exporterBinary ?? null,
  agent: [], nodeExporterRuns: [], ingest: [],
};
let failed = false;
try {
  if (only !== 'ingest') {
    for (const intervalMs of INTERVALS) {
      for (let r = 0; r < REPEAT; r++) {
        process.stdout.write(`  interval ${intervalMs / 1000} s, window ${r + 1}/${REPEAT}: ${WARMUP_S} s warm-up + ${windowS(intervalMs)} s…\n`);
        const result = await agentWindow(intervalMs, socketPath, exporterBinary, r);
        output.agent.push(...result.agents.map((a) => ({ ...a, repetition: r, machinePercent: result.machinePercent })));
        if (result.exporter) output.nodeExporterRuns.push({ ...result.exporter, repetition: r });
        for (const a of result.agents) {
          process.stdout.write(`    ${a.variant}: ${a.cpuPercent.toFixed(3)} % CPU, RSS ${(a.rssMaxBytes / MB).toFixed(1)} MB, ${a.reports}/${a.expectedReports} reports; machine ${result.machinePercent.toFixed(0)} %\n`);
        }
        if (result.exporter) process.stdout.write(`    node_exporter: ${result.exporter.cpuPercent.toFixed(3)} % CPU, RSS ${(result.exporter.rssMaxBytes / MB).toFixed(1)} MB, ${result.exporter.scrapes} scrapes\n`);
      }
    }
  }
  if (only !== 'agent') {
    for (const containers of [CONTAINERS, 0]) {
      process.stdout.write(`  ingest: ${INGEST_AGENTS} agents, host + ${containers} containers per report, 3 s warm-up + ${INGEST_S} s…\n`);
      output.ingest.push(await ingest(socketPath, containers));
    }
  }
} catch (err) {
  failed = true;
  console.error(`agent bench failed: ${err.stack ?? err}`);
} finally {
  await sim.stop();
}

// ---- tables ----
const rows = {};
const summary = [];
for (const intervalMs of INTERVALS) {
  for (const variant of variants) {
    const runs = output.agent.filter((a) => a.intervalMs === intervalMs && a.variant === variant.name);
    if (!runs.length) continue;
    const s = {
      variant: variant.name, intervalMs,
      cpuPercent: median(runs.map((a) => a.cpuPercent)),
      rssMeanMB: median(runs.map((a) => a.rssMeanBytes)) / MB,
      rssMaxMB: Math.max(...runs.map((a) => a.rssMaxBytes)) / MB,
      hwmMB: Math.max(...runs.map((a) => a.hwmBytes)) / MB,
      reports: runs.reduce((n, a) => n + a.reports, 0), expectedReports: runs.reduce((n, a) => n + a.expectedReports, 0),
      windows: runs.length,
    };
    s.cpuGoalMet = GOALS[intervalMs] === undefined ? null : s.cpuPercent <= GOALS[intervalMs];
    s.rssGoalMet = s.rssMaxMB <= RSS_GOAL_MB;
    summary.push(s);
    rows[`${variant.name === 'agent' ? 'pulse-agent' : 'baseline'} @ ${intervalMs / 1000} s`] = {
      'CPU % of a core': round(s.cpuPercent, 3),
      'goal %': GOALS[intervalMs] ?? '',
      'RSS mean MB': round(s.rssMeanMB), 'RSS max MB': round(s.rssMaxMB), 'VmHWM MB': round(s.hwmMB),
      'reports / expected': `${s.reports} / ${s.expectedReports}`,
    };
  }
  const exp = output.nodeExporterRuns.filter((e) => e.intervalMs === intervalMs);
  if (exp.length) {
    rows[`node_exporter ${exp[0].version ?? ''} @ ${intervalMs / 1000} s`.replace('  ', ' ')] = {
      'CPU % of a core': round(median(exp.map((e) => e.cpuPercent)), 3), 'goal %': '',
      'RSS mean MB': round(median(exp.map((e) => e.rssMeanBytes)) / MB), 'RSS max MB': round(Math.max(...exp.map((e) => e.rssMaxBytes)) / MB),
      'VmHWM MB': round(Math.max(...exp.map((e) => e.hwmBytes)) / MB), 'reports / expected': `${exp.reduce((n, e) => n + e.scrapes, 0)} scrapes`,
    };
  }
}
output.summary = summary;
if (Object.keys(rows).length) {
  console.log(`\nagent cost, ${CONTAINERS} containers, docker every ${(DOCKER_MS ?? 10_000) / 1000} s; median of ${REPEAT} window(s) (60 s at 1 s, 120 s at 10 s unless set)`);
  console.table(rows);
  if (!exporterBinary) console.log('node_exporter: not installed (apt-get install prometheus-node-exporter to compare)');
}
for (const a of output.agent) {
  if (!a.profile) continue;
  console.log(`\n${a.variant} @ ${a.intervalMs / 1000} s (window ${a.repetition + 1}): ${a.profile.busyMs.toFixed(0)} ms on the CPU in the JS profile; self time by function:`);
  console.table(Object.fromEntries(a.profile.top.map((t) => [t.fn, { ms: t.ms, '%': t.pct }])));
}
if (output.ingest.length) {
  console.log(`\nserver ingest: ${INGEST_AGENTS} agents posting one gzip report per request, back to back`);
  console.table(Object.fromEntries(output.ingest.map((r) => [`host + ${r.containers} containers`, {
    'reports/s': round(r.reportsPerS, 0), 'server CPU %': round(r.server.cpuPercent, 0), 'CPU ms / report': round(r.serverCpuMsPerReport, 2),
    'p50 ms': round(r.p50Ms), 'p99 ms': round(r.p99Ms), 'body KB gz / raw': `${round(r.bodyBytes / 1024)} / ${round(r.rawBytes / 1024)}`,
    'server RSS max MB': round(r.server.rssMaxBytes / MB, 0), 'failed': r.failed + r.rejected,
  }])));
  for (const r of output.ingest) if (r.firstError) console.log(`  host + ${r.containers}: first failure ${r.firstError}`);
}
const goalText = summary.filter((s) => s.variant === 'agent' && s.cpuGoalMet !== null)
  .map((s) => `${s.intervalMs / 1000} s ${round(s.cpuPercent, 3)} % ≤ ${GOALS[s.intervalMs]} % ${s.cpuGoalMet ? 'met' : 'NOT met'}, RSS ${round(s.rssMaxMB)} MB ≤ ${RSS_GOAL_MB} MB ${s.rssGoalMet ? 'met' : 'NOT met'}`);
if (goalText.length) console.log(`\ngoals: ${goalText.join('; ')}`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/agent.json'), `${JSON.stringify(output, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
if (isProfiling) console.log(`profiles: ${readdirSync(profileDir).filter((f) => f.startsWith('agent-')).length} in ${profileDir}`);
process.exit(failed ? 1 : 0);
