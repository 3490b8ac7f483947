#!/usr/bin/env node
/**
 * Delay from a registry change to its receipt by 1,000 WebSocket clients, through the BUILT server
 * registry, publisher and hub (`npm run build` first), against a bare `ws` broadcast of the same diff.
 *
 *   node bench/ws-smoke.mjs
 *
 * For each of two servers in this process — a bare WebSocketServer looping over its clients with one
 * pre-encoded string (baseline), then the hub — a forked load generator (bench/lib/ws-load.mjs)
 * opens 1,000 pulse.v1.json clients on 127.0.0.1 and subscribes them to `resources`. The server then
 * applies a changed VM to the registry (its diff carries `bench.sentAt`) 10 times a second for 10 s; the child
 * histograms each message's receipt delay. Reports p50/p90/p99/max, received and missing messages,
 * server RSS before/after connecting and server CPU time while connecting and while publishing,
 * and the hub/baseline ratio for p50 and p99. Writes bench/results/ws-smoke.json.
 *
 * Both processes share this machine's cores, so delays include the child's own parsing; the two
 * runs carry the identical load, which is what makes the ratio meaningful. The baseline runs first,
 * so the hub runs with `ws` already warm in this process (at 10 messages/s the effect is small).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const hubDist = join(here, '../packages/hub/dist/index.js');
const CLIENTS = 1_000;
const RATE_PER_S = 10;
const DURATION_S = 10;
const PHASE_TIMEOUT_MS = 25_000;
const TOTAL_TIMEOUT_MS = 60_000;

if (!existsSync(hubDist)) {
  console.error('packages/hub/dist is missing: run `npx tsc -b packages/hub` first.');
  process.exit(2);
}
const { createHub } = await import(hubDist);
// The hub side goes through the server's real registry and publisher, so the delay measured is
// from a registry change to its receipt, as the dashboard sees it.
const { createRegistry } = await import(join(here, '../packages/server/dist/resources/index.js'));
const { publishRegistryChanges } = await import(join(here, '../packages/server/dist/realtime/publisher.js'));
const { pulseNamespaces } = await import(join(here, '../packages/server/dist/realtime/namespaces.js'));

const watchdog = setTimeout(() => {
  console.error(`ws-smoke: gave up after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

const wallNow = () => performance.timeOrigin + performance.now();
const mb = (bytes) => Math.round(bytes / 1024 / 102.4) / 10;
const cpuMs = (usage) => Math.round((usage.user + usage.system) / 1000);

/** One VM's metrics as a source reports them; `bench.sentAt` carries the send time to the client. */
function vmMetrics(seq) {
  return { cpu: 17.34 + (seq % 7), 'mem.used': 2_147_483_648 + seq, 'mem.total': 8_589_934_592, 'disk.read': 10_485, 'disk.write': 52_428, 'net.rx': 131_072, 'net.tx': 65_536, uptime: 86_400 + seq, 'bench.sentAt': wallNow() };
}

function vmObservation(seq) {
  return {
    source: 'bench', at: Date.now(), complete: false,
    resources: [{ id: 'pve:lab:qemu/101', type: 'vm', name: 'web-01', source: 'bench', status: 'online', metrics: vmMetrics(seq), details: {}, identity: {}, tags: [] }],
  };
}

/** The diff the registry would emit for the same change, built by hand for the baseline. */
function resourceDiff(seq) {
  return { upsert: [{ id: 'pve:lab:qemu/101', metrics: vmMetrics(seq), lastSeen: Date.now() }], remove: [] };
}

const principal = { id: 'bench', name: 'bench', scopes: ['monitoring:read'] };

function startHubServer() {
  const registry = createRegistry();
  // Pulse's own namespaces; per-address limits raised because every bench client comes from 127.0.0.1.
  const hub = createHub({
    namespaces: pulseNamespaces(registry),
    limits: { maxConnectionsPerIp: 100_000, connectionsPerSecondPerIp: 100_000 },
  });
  publishRegistryChanges(registry, hub, { warn: (o, m) => console.error(m, o) });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, principal));
  return {
    server,
    publish: (seq) => registry.apply(vmObservation(seq)),
    connections: () => hub.stats().connections,
    close: () => hub.close(),
  };
}

function startBaselineServer() {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => 'pulse.v1.json' });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)));
  return {
    server,
    publish(seq) {
      // The same frame the hub would build, encoded once, sent as-is to every client.
      const text = JSON.stringify({ type: 'pub', channel: 'resources', data: resourceDiff(seq), epoch: 'baseline', offset: seq });
      for (const ws of wss.clients) ws.send(text);
    },
    connections: () => wss.clients.size,
    close: () => new Promise((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    }),
  };
}

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type === 'failed') reject(new Error(`load generator failed: ${message.message}`));
      else if (message.type === type) {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`load generator exited (${code}) before '${type}'`)));
  });
}

async function runPhase(name, target) {
  await new Promise((resolve) => target.server.listen(0, '127.0.0.1', 1024, resolve));
  const url = `ws://127.0.0.1:${target.server.address().port}/api/ws`;
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const cpuConnectStart = process.cpuUsage();
  const child = fork(join(here, 'lib/ws-load.mjs'), [url, String(CLIENTS), name === 'hub' ? 'hub' : 'baseline'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const phaseTimer = setTimeout(() => child.kill('SIGKILL'), PHASE_TIMEOUT_MS);
  try {
    const ready = await nextMessage(child, 'ready');
    const cpuConnect = process.cpuUsage(cpuConnectStart);
    const rssConnected = process.memoryUsage().rss;
    const connections = target.connections();

    const cpuPublishStart = process.cpuUsage();
    const published = RATE_PER_S * DURATION_S;
    const startedAt = performance.now();
    for (let seq = 1; seq <= published; seq++) {
      // Scheduled against the start, so publishing time does not stretch the run.
      const due = startedAt + (seq - 1) * (1000 / RATE_PER_S);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      target.publish(seq);
    }
    const reportPromise = nextMessage(child, 'report');
    child.send({ type: 'finish', published });
    const { type: _type, ...report } = await reportPromise;
    const cpuPublish = process.cpuUsage(cpuPublishStart);
    return {
      name,
      clients: CLIENTS,
      serverConnections: connections,
      connectMs: ready.connectMs,
      published,
      expected: published * CLIENTS,
      ...report,
      rssBeforeMB: mb(rssBefore),
      rssConnectedMB: mb(rssConnected),
      rssPerClientKB: Math.round((rssConnected - rssBefore) / CLIENTS / 102.4) / 10,
      cpuConnectMs: cpuMs(cpuConnect),
      cpuPublishMs: cpuMs(cpuPublish),
    };
  } finally {
    clearTimeout(phaseTimer);
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    await target.close();
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  }
}

const baseline = await runPhase('baseline', startBaselineServer());
const hub = await runPhase('hub', startHubServer());
const ratio = (key) => Math.round((hub[key] / baseline[key]) * 100) / 100;
const ratios = { p50: ratio('p50'), p99: ratio('p99') };

const rows = [
  ['clients (server saw)', 'serverConnections'],
  ['connect all (ms)', 'connectMs'],
  ['messages published', 'published'],
  ['messages received', 'received'],
  ['missing', 'missing'],
  ['unexpected closes', 'unexpectedCloses'],
  ['delay p50 (ms)', 'p50'],
  ['delay p90 (ms)', 'p90'],
  ['delay p99 (ms)', 'p99'],
  ['delay max (ms)', 'max'],
  ['server RSS before (MB)', 'rssBeforeMB'],
  ['server RSS connected (MB)', 'rssConnectedMB'],
  ['server RSS per client (KB)', 'rssPerClientKB'],
  ['server CPU connecting (ms)', 'cpuConnectMs'],
  ['server CPU publishing (ms)', 'cpuPublishMs'],
];
const pad = (value, width) => String(value).padStart(width);
console.log(`\n${'ws-smoke'.padEnd(28)}${pad('hub', 12)}${pad('baseline', 12)}${pad('ratio', 8)}`);
for (const [label, key] of rows) {
  const shown = key === 'p50' || key === 'p99' ? ratios[key] : '';
  console.log(`${label.padEnd(28)}${pad(hub[key], 12)}${pad(baseline[key], 12)}${pad(shown, 8)}`);
}
console.log(`\n${CLIENTS} clients, ${RATE_PER_S} msg/s for ${DURATION_S} s; ratio = hub / baseline.`);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'ws-smoke.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, clients: CLIENTS, ratePerS: RATE_PER_S, durationS: DURATION_S, hub, baseline, ratios }, null, 2)}\n`);
const isHealthy = hub.missing === 0 && baseline.missing === 0;
process.exit(isHealthy ? 0 : 1);
