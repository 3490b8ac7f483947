#!/usr/bin/env node
/**
 * Load generator for bench/ws-smoke.mjs, run as a forked child so its sockets and JSON parsing do
 * not share an event loop (or a CPU budget) with the server being measured.
 *
 *   fork('bench/lib/ws-load.mjs', [url, clients, 'hub' | 'baseline'])
 *
 * Opens `clients` WebSockets with pulse.v1.json, subscribes each to `resources` (hub mode waits for
 * the snapshot; baseline mode for the open), says { type: 'ready' } over IPC, then records the
 * delay of every `pub` frame from its `sentAt` (both processes read performance.timeOrigin +
 * performance.now(), the same wall clock on one machine). On { type: 'finish', published } it
 * waits for the stragglers (bounded), replies { type: 'report', ... } and exits.
 */
import { createHistogram, performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, clientsArg, mode] = process.argv.slice(2);
const clientCount = Number(clientsArg);
const CONNECT_BATCH = 100;
const DRAIN_TIMEOUT_MS = 5_000;

const wallNow = () => performance.timeOrigin + performance.now();
// Microseconds, 1 µs to 60 s, 3 significant figures.
const delays = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
const sockets = [];
let received = 0;
let unexpectedCloses = 0;
let errors = 0;
let isFinishing = false;

function open(index) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'pulse.v1.json', { perMessageDeflate: false });
    sockets[index] = ws;
    ws.on('error', (err) => {
      errors += 1;
      reject(err);
    });
    ws.on('close', () => {
      if (!isFinishing) unexpectedCloses += 1;
    });
    ws.on('open', () => {
      if (mode === 'hub') ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: 'resources' }));
      else resolve();
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'snapshot') resolve();
      else if (frame.type === 'pub') {
        received += 1;
        delays.record(Math.max(1, Math.round((wallNow() - frame.data.upsert[0].metrics['bench.sentAt']) * 1000)));
      }
    });
  });
}

async function connectAll() {
  const started = performance.now();
  // Batches keep the accept backlog from overflowing (a dropped SYN costs a 1 s retransmit).
  for (let first = 0; first < clientCount; first += CONNECT_BATCH) {
    const batch = [];
    for (let i = first; i < Math.min(clientCount, first + CONNECT_BATCH); i++) batch.push(open(i));
    await Promise.all(batch);
  }
  return performance.now() - started;
}

async function finish(published) {
  const expected = published * clientCount;
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (received < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  isFinishing = true;
  const ms = (us) => Math.round(us / 10) / 100;
  process.send({
    type: 'report',
    received,
    missing: expected - received,
    p50: ms(delays.percentile(50)),
    p90: ms(delays.percentile(90)),
    p99: ms(delays.percentile(99)),
    max: ms(delays.max),
    mean: ms(delays.mean),
    unexpectedCloses,
    errors,
  });
  for (const ws of sockets) ws?.terminate();
  process.disconnect();
}

process.on('message', (message) => {
  if (message.type === 'finish') void finish(message.published);
});

try {
  const connectMs = await connectAll();
  process.send({ type: 'ready', connectMs: Math.round(connectMs) });
} catch (err) {
  process.send({ type: 'failed', message: String(err) });
  process.exit(1);
}
