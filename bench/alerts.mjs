#!/usr/bin/env node
/**
 * Alert rule evaluation cost per resource update, through the BUILT engine (`npx tsc -b packages/server` first).
 *
 *   node bench/alerts.mjs                (or: npm run bench -- alerts; ~1 min on 2 vCPUs)
 *
 * A fleet of 3,000 resources (hosts, nodes, VMs, LXCs, Docker containers under their hosts, storage,
 * disks, monitors) with the built-in rules plus extra threshold rules (20 in all). Registry changes
 * are shaped like real ones: each carries 1–50 resources whose metrics moved (the diff holds only the
 * changed keys, `changed` the full resources), with now and then a status or detail change, and values
 * that cross thresholds a few percent of the time, so alerts open, fire, resolve and notify for real.
 * The clock advances 10 s per round of changes and tick() runs once per round, timed apart.
 *
 * Environment: BENCH_ALERTS_RESOURCES [3000], BENCH_ALERTS_CHANGES [40000], BENCH_ALERTS_SEED [7].
 * Prints the figures and writes bench/results/alerts.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../packages/server/dist/alerts');
const { createAlertEngine } = await import(join(dist, 'engine.js'));
const { builtinRules } = await import(join(dist, 'defaults.js'));
const { AlertSettings } = await import(join(here, '../packages/protocol/dist/index.js'));

const RESOURCES = Number(process.env.BENCH_ALERTS_RESOURCES ?? 3000);
const CHANGES = Number(process.env.BENCH_ALERTS_CHANGES ?? 40_000);
let seed = Number(process.env.BENCH_ALERTS_SEED ?? 7);
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const extra = [
  ['load', 'Load high', 'load1', 16, 12, ['host', 'node']],
  ['swap', 'Swap high', 'swap.percent', 80, 70, ['host', 'node', 'system-container']],
  ['net', 'Network saturated', 'net.in', 9e8, 8e8, ['host', 'node', 'vm']],
  ['wear', 'Disk worn', 'disk.wearout', 80, 75, ['disk']],
  ['ctr-mem', 'Container memory high', 'mem.percent', 95, 90, ['app-container']],
].map(([id, name, metric, trigger, clear, types]) => ({
  id, name, builtIn: false, createdAt: 0, updatedAt: 0, enabled: true, severity: 'warning', forS: 60, channels: [], renotifyS: 3600,
  escalateAfterS: 0, escalateTo: [], target: { types, tags: [], resourceIds: [] }, condition: { kind: 'threshold', metric, op: '>', trigger, clear },
}));
const rules = [...builtinRules(), ...extra];

// The fleet: shares of each type, with the metrics their sources really report.
const plan = [
  ['host', 0.12], ['node', 0.04], ['vm', 0.25], ['system-container', 0.15], ['app-container', 0.3],
  ['storage', 0.05], ['disk', 0.05], ['monitor', 0.04],
];
const METRICS = {
  host: ['cpu', 'mem.percent', 'disk.percent', 'temp.max', 'load1', 'swap.percent', 'net.in', 'net.out'],
  node: ['cpu', 'mem.percent', 'disk.percent', 'temp.max', 'load1', 'swap.percent', 'net.in', 'net.out'],
  vm: ['cpu', 'mem.percent', 'disk.percent', 'net.in', 'net.out', 'diskread', 'diskwrite'],
  'system-container': ['cpu', 'mem.percent', 'disk.percent', 'swap.percent', 'net.in', 'net.out'],
  'app-container': ['cpu', 'mem.percent', 'net.in', 'net.out', 'restarts'],
  storage: ['disk.percent', 'disk.used'],
  disk: ['disk.wearout'],
  monitor: ['rt', 'cert.days', 'up'],
};
const start = Date.UTC(2026, 10, 30, 0, 0, 0);
let now = start;
const fleet = new Map();
const ids = [];
const hosts = [];
const nodes = [];
for (const [type, share] of plan) {
  const n = Math.round(RESOURCES * share);
  for (let i = 0; i < n && ids.length < RESOURCES; i++) {
    const id = `${type}:${i}`;
    const metrics = {};
    for (const m of METRICS[type]) metrics[m] = m === 'cert.days' ? 60 : m === 'restarts' ? 0 : m === 'load1' ? 2 : m.startsWith('net') ? 1e6 : 30 + rand() * 30;
    const parentId = type === 'app-container' ? hosts[i % hosts.length] : ['vm', 'system-container', 'disk', 'storage'].includes(type) ? nodes[i % nodes.length] : undefined;
    const details = type === 'app-container' ? { health: 'healthy', oomKilled: false }
      : type === 'vm' || type === 'system-container' ? { lastBackup: { time: start - 86_400_000, status: 'ok' }, template: false }
      : type === 'disk' ? { health: 'PASSED' } : type === 'storage' ? { plugin: i % 2 ? 'zfs-pool' : 'dir' } : {};
    const r = { id, type, name: id, source: 'bench', status: 'online', metrics, details, identity: {}, tags: i % 10 === 0 ? ['ha'] : [], lastSeen: now, ...(parentId ? { parentId } : {}) };
    fleet.set(id, r);
    ids.push(id);
    if (type === 'host') hosts.push(id);
    if (type === 'node') nodes.push(id);
  }
}

const settings = AlertSettings.parse({});
const engine = createAlertEngine({ now: () => now, rules: () => rules, overrides: () => [], settings: () => settings, resources: (id) => fleet.get(id) });

// Everything appears once, as the registry's first observation would announce it (not timed).
engine.evaluate({ diff: { upsert: [...fleet.values()], remove: [] }, changed: [...fleet.values()], samples: [] });

/** A next value: a random walk that spends a few percent of the time past the usual thresholds. */
function step(metric, v) {
  if (metric === 'load1') return Math.round(Math.max(0, rand() < 0.003 ? 24 : v + (2 - v) * 0.1 + (rand() - 0.5)) * 100) / 100;
  if (metric === 'restarts') return rand() < 0.01 ? v + 1 : v;
  if (metric === 'cert.days') return rand() < 0.002 ? 10 : v === 10 && rand() < 0.05 ? 60 : v;
  if (metric.startsWith('net') || metric.startsWith('disk.used') || metric.startsWith('disk')) {
    if (metric === 'disk.percent' || metric === 'disk.wearout') return Math.min(99, Math.max(1, v + (50 - v) * 0.01 + (rand() - 0.5) * 2));
    return Math.max(0, Math.min(1e9, v * (0.8 + rand() * 0.4) + (1e6 - v) * 0.1));
  }
  // Pulled back towards 45 with jitter; now and then a spike that lasts until the pull brings it down.
  const next = rand() < 0.003 ? 96 : v + (45 - v) * 0.05 + (rand() - 0.5) * 8;
  return Math.round(Math.min(100, Math.max(0, next)) * 10) / 10;
}

/** One change like the registry's: patches with only the moved keys, and the full resources. */
function nextChange() {
  const size = 1 + Math.floor(rand() * 50);
  const upsert = [];
  const changed = [];
  for (let k = 0; k < size; k++) {
    const prev = fleet.get(ids[Math.floor(rand() * ids.length)]);
    const patch = { id: prev.id, lastSeen: now };
    const metrics = {};
    for (const m of METRICS[prev.type]) {
      const v = step(m, prev.metrics[m]);
      if (v !== prev.metrics[m]) metrics[m] = v;
    }
    const next = { ...prev, lastSeen: now, metrics: { ...prev.metrics, ...metrics } };
    patch.metrics = metrics;
    const roll = rand();
    // Rare failures that mostly come back within a few updates.
    if (prev.status === 'offline' ? roll < 0.3 : roll < 0.001) {
      next.status = prev.status === 'offline' ? 'online' : 'offline';
      patch.status = next.status;
    } else if (prev.type === 'app-container' && (prev.details.health === 'unhealthy' ? roll < 0.3 : roll < 0.002)) {
      const health = prev.details.health === 'healthy' ? 'unhealthy' : 'healthy';
      next.details = { ...prev.details, health };
      patch.details = { health };
    }
    fleet.set(prev.id, next);
    upsert.push(patch);
    changed.push(next);
  }
  return { diff: { upsert, remove: [] }, changed, samples: [] };
}

const perUpdateUs = [];
const tickUs = [];
let updates = 0;
let evalNs = 0n;
let notifications = 0;
let changedEvents = 0;
const count = (events) => {
  for (const e of events) e.kind === 'notify' ? notifications++ : changedEvents++;
};
const ROUND = 30; // changes per 10 s of simulated time (~750 resource updates, 3,000 resources every 40 s)
const t0 = process.hrtime.bigint();
for (let i = 0; i < CHANGES; i++) {
  const change = nextChange();
  const a = process.hrtime.bigint();
  const events = engine.evaluate(change);
  const ns = process.hrtime.bigint() - a;
  evalNs += ns;
  updates += change.changed.length;
  perUpdateUs.push(Number(ns) / 1000 / change.changed.length);
  count(events);
  if (i % ROUND === ROUND - 1) {
    now += 10_000;
    const b = process.hrtime.bigint();
    count(engine.tick());
    tickUs.push(Number(process.hrtime.bigint() - b) / 1000);
  }
}
const wallS = Number(process.hrtime.bigint() - t0) / 1e9;

const pct = (list, p) => {
  const sorted = [...list].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const r2 = (v) => Math.round(v * 100) / 100;
const evalS = Number(evalNs) / 1e9;
const result = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  resources: ids.length,
  rules: rules.length,
  changes: CHANGES,
  resourceUpdates: updates,
  simulatedHours: r2((now - start) / 3_600_000),
  perResourceUpdateUs: { p50: r2(pct(perUpdateUs, 50)), p90: r2(pct(perUpdateUs, 90)), p99: r2(pct(perUpdateUs, 99)), mean: r2((evalS * 1e6) / updates) },
  throughputUpdatesPerS: Math.round(updates / evalS),
  tickUs: { p50: r2(pct(tickUs, 50)), p99: r2(pct(tickUs, 99)), max: r2(Math.max(...tickUs)) },
  openAlerts: engine.active().length,
  openByRule: Object.fromEntries(Object.entries(engine.active().reduce((m, a) => ((m[a.ruleId] = (m[a.ruleId] ?? 0) + 1), m), {})).sort()),
  notifications,
  alertChanges: changedEvents,
  heapMiB: r2(process.memoryUsage().heapUsed / 2 ** 20),
  wallS: r2(wallS),
};
console.log(`alerts: ${result.resources} resources × ${result.rules} rules, ${CHANGES} changes (${updates} resource updates, ${result.simulatedHours} h simulated)`);
console.log(`  per resource update: p50 ${result.perResourceUpdateUs.p50} µs, p90 ${result.perResourceUpdateUs.p90} µs, p99 ${result.perResourceUpdateUs.p99} µs, mean ${result.perResourceUpdateUs.mean} µs`);
console.log(`  throughput: ${result.throughputUpdatesPerS.toLocaleString('en')} resource updates/s on one core`);
console.log(`  tick(): p50 ${result.tickUs.p50} µs, p99 ${result.tickUs.p99} µs, max ${result.tickUs.max} µs`);
console.log(`  open alerts at the end ${result.openAlerts}, notifications ${notifications}, alert changes ${changedEvents}, heap ${result.heapMiB} MiB`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/alerts.json'), `${JSON.stringify(result, null, 2)}\n`);
