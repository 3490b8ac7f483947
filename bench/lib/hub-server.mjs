#!/usr/bin/env node
/**
 * Server process for bench/hub.mjs: the real hub, or a bare `ws` broadcast (the floor), behind a
 * plain HTTP server on 127.0.0.1, driven over IPC by the orchestrator. One fresh process per
 * scenario and server, run with --expose-gc, so its memory and CPU are its own.
 *
 *   fork('bench/lib/hub-server.mjs', ['hub' | 'ws' | 'ws-batch', 'json' | 'msgpack'], { execArgv: ['--expose-gc'] })
 *
 * Says { type: 'ready', port } once listening, then answers (each reply carries the request's `id`):
 *   { type: 'memory' }                    → forced GC, then { rss, heapUsed, external, arrayBuffers }
 *   { type: 'stats' }                     → { connections, subscriptions, hub?: hub.stats() }
 *   { type: 'rate', channels, ratePerS, durationMs, warm }
 *       publishes round-robin over `channels` (bench:0 … bench:N-1) at a fixed aggregate rate,
 *       flagged `w: 1` when `warm`; → { published, cpuPct, wallMs, maxLagMs, loopDelay…, rss, … }
 *   { type: 'burst', channel, count, burst, window }
 *       publishes `count` publications as fast as delivery allows: `burst` per setImmediate turn,
 *       never more than `window` ahead of the slowest subscriber, as told by { type: 'progress',
 *       delivered } messages relayed from the load generator; → { published, startAt, endAt, … }
 *   { type: 'sample' }                    → { at, cpu, rss, heapUsed } (for the orchestrator's deltas)
 *   { type: 'exit' }                      → process.exit(0) (writes a --cpu-prof profile, if asked for)
 *
 * Every publication's data is { t, s } (+ w while warming up): `t` is the send time as
 * performance.timeOrigin + performance.now(), which the load generator subtracts from its own.
 */
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Packr, Unpackr } from 'msgpackr';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const [kind = 'hub', codecName = 'json'] = process.argv.slice(2);
const SUBPROTOCOL = codecName === 'msgpack' ? 'pulse.v1.msgpack' : 'pulse.v1.json';
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * The one place that knows the hub's options: change here when its API moves. `channels` is the
 * pre-rewrite name of `namespaces` (ChannelRule had the same `pattern`); the new hub ignores it.
 */
function createBenchHub(createHub) {
  const namespaces = [{ pattern: 'bench:*' }];
  return createHub({
    namespaces,
    channels: namespaces,
    limits: {
      maxConnections: 100_000,
      maxConnectionsPerIp: 100_000,
      connectionsPerSecondPerIp: 100_000,
      maxSubscriptionsPerConnection: 100,
      framesPerSecond: 100_000,
      publishesPerSecond: 100_000,
    },
    pingIntervalMs: 25_000,
  });
}

const principal = { id: 'bench', name: 'bench', scopes: [] };

async function startHub() {
  const dist = process.env.PULSE_HUB_DIST ? resolve(process.env.PULSE_HUB_DIST) : join(here, '../../packages/hub/dist/index.js');
  const { createHub } = await import(dist);
  const hub = createBenchHub(createHub);
  const server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, principal));
  return {
    server,
    publish(channel, data) {
      // The rewritten hub returns a promise; the old one returned nothing.
      const result = hub.publish(channel, data);
      if (result && typeof result.then === 'function') result.then(undefined, onPublishError);
      return result;
    },
    stats() {
      const stats = hub.stats();
      return { connections: stats.connections, subscriptions: stats.subscriptions, hub: stats };
    },
  };
}

/**
 * The floor: one WebSocketServer, a Set of sockets per channel, each publication encoded once and
 * the same Buffer handed to `ws.send` for every subscriber, synchronously. With `isBatched`
 * ('ws-batch', not part of the default run) each socket is corked on its first frame of an event-loop
 * turn and uncorked on setImmediate, so a turn's frames leave in one writev per socket: what write
 * batching can save over one syscall per frame.
 */
function startBareWs(isBatched) {
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const unpackr = new Unpackr({ useRecords: false, moreTypes: false });
  const isBinary = codecName === 'msgpack';
  const encode = isBinary ? (frame) => packr.pack(frame) : (frame) => Buffer.from(JSON.stringify(frame), 'utf8');
  const decode = isBinary ? (bytes) => unpackr.unpack(bytes) : (bytes) => JSON.parse(bytes.toString());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, handleProtocols: () => SUBPROTOCOL });
  const channels = new Map();
  const offsets = new Map();
  let connections = 0;
  let subscriptions = 0;
  let messagesSent = 0;
  const corked = new Set();
  let isFlushScheduled = false;
  const flush = () => {
    isFlushScheduled = false;
    for (const ws of corked) ws._socket.uncork();
    corked.clear();
  };
  wss.on('connection', (ws) => {
    connections++;
    const mine = new Set();
    ws.on('message', (bytes) => {
      const frame = decode(bytes);
      if (frame.type !== 'subscribe') return;
      let subscribers = channels.get(frame.channel);
      if (!subscribers) channels.set(frame.channel, (subscribers = new Set()));
      if (!subscribers.has(ws)) subscriptions++;
      subscribers.add(ws);
      mine.add(frame.channel);
      ws.send(encode({ type: 'ack', id: frame.id, channel: frame.channel }), { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      connections--;
      for (const channel of mine) if (channels.get(channel)?.delete(ws)) subscriptions--;
    });
  });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)));
  return {
    server,
    publish(channel, data) {
      const offset = (offsets.get(channel) ?? 0) + 1;
      offsets.set(channel, offset);
      const subscribers = channels.get(channel);
      if (!subscribers?.size) return;
      const bytes = encode({ type: 'pub', channel, data, epoch: 'baseline', offset });
      if (isBatched) {
        for (const ws of subscribers) {
          if (!corked.has(ws)) {
            corked.add(ws);
            ws._socket.cork();
          }
          ws.send(bytes, { binary: isBinary });
        }
        if (!isFlushScheduled) {
          isFlushScheduled = true;
          setImmediate(flush);
        }
      } else {
        for (const ws of subscribers) ws.send(bytes, { binary: isBinary });
      }
      messagesSent += subscribers.size;
    },
    stats: () => ({ connections, subscriptions, messagesSent }),
  };
}

let publishErrors = 0;
function onPublishError(err) {
  if (publishErrors++ === 0) console.error(`hub-server: publish failed: ${err?.stack ?? err}`);
}

const target = kind === 'hub' ? await startHub() : startBareWs(kind === 'ws-batch');
await new Promise((done) => target.server.listen(0, '127.0.0.1', 4096, done));

function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function forcedGcMemory() {
  // Twice, with turns in between, so weak callbacks and finalizers run and their garbage goes too.
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await nextTurn();
    await sleep(50);
  }
  return memory();
}

/** CPU time (user and kernel) and wall time over a window, as % of one core; event-loop delay. */
function cpuWindow() {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  // CLOCK_MONOTONIC in µs, the clock of --cpu-prof's sample timestamps: lets the orchestrator keep
  // only the samples of this window.
  const hr0 = Number(process.hrtime.bigint() / 1000n);
  const switches0 = process.resourceUsage().involuntaryContextSwitches;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  return () => {
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const pct = (ms) => Math.round((ms / wallMs) * 1000) / 10;
    return {
      cpuMs: Math.round(cpuMs), wallMs: Math.round(wallMs), cpuPct: pct(cpuMs), userPct: pct(cpu.user / 1000), systemPct: pct(cpu.system / 1000),
      loopDelayP99Ms: Math.round(loop.percentile(99) / 1e5) / 10, loopDelayMaxMs: Math.round(loop.max / 1e5) / 10,
      // Preemptions: how often something else took this process's core while it had work.
      involuntarySwitches: process.resourceUsage().involuntaryContextSwitches - switches0,
      profileWindowUs: [hr0, Number(process.hrtime.bigint() / 1000n)],
    };
  };
}

/**
 * Fixed aggregate rate, round-robin over channels from bench:0; publishes whatever is due on each
 * timer turn, so a late turn catches up rather than stretching the run.
 */
async function publishAtRate({ channels, ratePerS, durationMs, warm }) {
  const names = Array.from({ length: channels }, (_, i) => `bench:${i}`);
  const total = Math.round((durationMs / 1000) * ratePerS);
  let maxLagMs = 0;
  const end = cpuWindow();
  const startAt = wallNow();
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerS) + 1);
    if (due > sent) maxLagMs = Math.max(maxLagMs, performance.now() - (started + (sent * 1000) / ratePerS));
    for (; sent < due; sent++) {
      target.publish(names[sent % channels], warm ? { t: wallNow(), s: sent, w: 1 } : { t: wallNow(), s: sent });
    }
    if (sent < total) await sleep(Math.max(0, started + (sent * 1000) / ratePerS - performance.now()));
  }
  // Let the last turn's writes (the hub batches them on setImmediate) leave the process.
  await nextTurn();
  const window = end();
  return { published: total, startAt, endAt: wallNow(), maxLagMs: Math.round(maxLagMs * 10) / 10, ...window, ...memory(), stats: target.stats() };
}

// The slowest subscriber's count of the current burst run, relayed from the load generator.
let delivered = 0;
let onProgress = () => {};

/** `count` publications on one channel, `burst` per turn, at most `window` ahead of delivery. */
async function publishBurst({ channel, count, burst, window: ahead }) {
  delivered = 0;
  let published = 0;
  let stalls = 0;
  const end = cpuWindow();
  const startAt = wallNow();
  while (published < count) {
    const allowed = Math.min(count, delivered + ahead) - published;
    if (allowed <= 0) {
      stalls++;
      await new Promise((wake) => (onProgress = wake));
      continue;
    }
    const n = Math.min(burst, allowed);
    const pending = [];
    for (let i = 0; i < n; i++, published++) {
      const result = target.publish(channel, { t: wallNow(), s: published });
      if (result && typeof result.then === 'function') pending.push(result);
    }
    if (pending.length) await Promise.allSettled(pending);
    await nextTurn();
  }
  const endAt = wallNow();
  return { published, stalls, startAt, endAt, ...end(), ...memory(), stats: target.stats() };
}

const handlers = {
  memory: () => forcedGcMemory(),
  stats: () => target.stats(),
  sample: () => ({ at: wallNow(), cpu: process.cpuUsage(), ...memory(), stats: target.stats() }),
  rate: (message) => publishAtRate(message),
  burst: (message) => publishBurst(message),
};

process.on('message', (message) => {
  if (message.type === 'progress') {
    delivered = Math.max(delivered, message.delivered);
    onProgress();
    return;
  }
  if (message.type === 'exit') {
    process.exit(0);
  }
  const handler = handlers[message.type];
  if (!handler) return;
  Promise.resolve(handler(message)).then(
    (result) => process.send({ type: 'reply', id: message.id, ...result, publishErrors }),
    (err) => process.send({ type: 'failed', id: message.id, message: String(err?.stack ?? err) }),
  );
});
process.on('disconnect', () => process.exit(0));

process.send({ type: 'ready', port: target.server.address().port, pid: process.pid });

