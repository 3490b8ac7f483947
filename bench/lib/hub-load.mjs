#!/usr/bin/env node
/**
 * Load generator for bench/hub.mjs, a forked child so its sockets and parsing share neither an
 * event loop nor a CPU budget with the server it measures. At most 10,000 sockets per process (the
 * machine allows ~19,900 open files to one process); the orchestrator forks more for more.
 *
 *   fork('bench/lib/hub-load.mjs', ['json' | 'msgpack'])
 *
 * Answers over IPC (each reply carries the request's `id`):
 *   { type: 'connect', url, count, firstIndex, channels, localAddress, batch }
 *       opens `count` WebSockets (from `localAddress` when given) in batches of `batch`; socket i (counting from
 *       `firstIndex` across processes) subscribes to bench:(i % channels) and counts as connected
 *       on its `ack`; → { connectMs, errors }
 *   { type: 'measure', mode: 'latency' | 'count', target, sampleEvery }
 *       resets the counters. 'latency' decodes every frame and records publish-to-receive delay of
 *       every publication (warm-up ones, data.w, are counted apart). 'count' counts frames per
 *       socket and decodes one in `sampleEvery`; it sends { type: 'progress', delivered } (the
 *       slowest socket's count) every 10 ms, and { type: 'done', at } when every socket has
 *       `target` frames.
 *   { type: 'report', expected, drainMs }
 *       waits up to drainMs for `expected` frames, → { received, warm, histogram, cpuPct, … }
 *   { type: 'close' }   resets every socket (RST: no TIME_WAIT left on the client ports), exits.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr, Unpackr } from 'msgpackr';
import WebSocket from 'ws';
import { Histogram } from './hub-histogram.mjs';

const [codecName = 'json'] = process.argv.slice(2);
const isBinary = codecName === 'msgpack';
const SUBPROTOCOL = isBinary ? 'pulse.v1.msgpack' : 'pulse.v1.json';
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, moreTypes: false });
const decode = isBinary ? (bytes) => unpackr.unpack(bytes) : (bytes) => JSON.parse(bytes.toString());
const encode = isBinary ? (frame) => packr.pack(frame) : (frame) => JSON.stringify(frame);
const wallNow = () => performance.timeOrigin + performance.now();

const sockets = [];
/** frames received per socket since the last `measure` */
let counts = new Uint32Array(0);
let mode = 'idle';
let target = 0;
let sampleEvery = 1;
let received = 0;
let warm = 0;
let unexpected = 0;
let doneAt = 0;
let histogram = new Histogram();
let unexpectedCloses = 0;
let socketErrors = 0;
let isClosing = false;
let measureCpu = process.cpuUsage();
let measureWall = performance.now();
let progressTimer;

function onFrame(index, bytes) {
  if (mode === 'latency') {
    const frame = decode(bytes);
    if (frame.type !== 'pub') {
      unexpected++;
      return;
    }
    if (frame.data.w) {
      warm++;
      return;
    }
    received++;
    histogram.record(wallNow() - frame.data.t);
    return;
  }
  if (mode === 'count') {
    const n = ++counts[index];
    received++;
    if (received % sampleEvery === 0) {
      const frame = decode(bytes);
      if (frame.type === 'pub') histogram.record(wallNow() - frame.data.t);
      else unexpected++;
    }
    if (n === target && received === target * sockets.length) {
      doneAt = wallNow();
      process.send({ type: 'done', at: doneAt });
    }
  }
}

function open(url, index, slot, channel, localAddress) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL, { perMessageDeflate: false, skipUTF8Validation: true, ...(localAddress ? { localAddress } : {}) });
    sockets[slot] = ws;
    let isSubscribed = false;
    ws.on('error', (err) => {
      socketErrors++;
      if (!isSubscribed) reject(err);
    });
    ws.on('close', (code) => {
      if (!isClosing) unexpectedCloses++;
      if (!isSubscribed) reject(new Error(`socket ${index} closed (${code}) before its ack`));
    });
    ws.on('open', () => {
      const subscribe = { type: 'subscribe', id: 1, channel };
      ws.send(encode(subscribe));
    });
    ws.on('message', (bytes) => {
      if (isSubscribed) return onFrame(slot, bytes);
      const frame = decode(bytes);
      if (frame.type === 'ack') {
        isSubscribed = true;
        resolve();
      } else if (frame.type === 'error') {
        reject(new Error(`subscribe ${channel}: ${frame.code} ${frame.message}`));
      }
    });
  });
}

async function connect({ url, count, firstIndex, channels, localAddress, batch }) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  // Batches keep the accept backlog from overflowing (a dropped SYN costs a 1 s retransmit).
  for (let first = 0; first < count; first += batch) {
    const pending = [];
    for (let slot = first; slot < Math.min(count, first + batch); slot++) {
      const index = firstIndex + slot;
      pending.push(open(url, index, slot, `bench:${index % channels}`, localAddress));
    }
    await Promise.all(pending);
  }
  counts = new Uint32Array(sockets.length);
  const cpu = process.cpuUsage(cpu0);
  return { connectMs: Math.round(performance.now() - started), connectCpuMs: Math.round((cpu.user + cpu.system) / 1000), sockets: sockets.length };
}

function slowest() {
  let min = Infinity;
  for (let i = 0; i < counts.length; i++) if (counts[i] < min) min = counts[i];
  return min === Infinity ? 0 : min;
}

function measure(message) {
  clearInterval(progressTimer);
  mode = message.mode;
  target = message.target ?? 0;
  sampleEvery = message.sampleEvery ?? 1;
  counts = new Uint32Array(sockets.length);
  received = 0;
  warm = 0;
  unexpected = 0;
  doneAt = 0;
  histogram = new Histogram();
  measureCpu = process.cpuUsage();
  measureWall = performance.now();
  if (mode === 'count') {
    progressTimer = setInterval(() => process.send({ type: 'progress', delivered: slowest() }), 10);
  }
  return {};
}

async function report({ expected, drainMs }) {
  const deadline = performance.now() + drainMs;
  while (received < expected && performance.now() < deadline) await sleep(10);
  clearInterval(progressTimer);
  const cpu = process.cpuUsage(measureCpu);
  const wallMs = performance.now() - measureWall;
  const result = {
    received,
    warm,
    unexpected,
    slowest: slowest(),
    doneAt,
    histogram: histogram.toJSON(),
    cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
    unexpectedCloses,
    socketErrors,
  };
  mode = 'idle';
  return result;
}

function close() {
  isClosing = true;
  clearInterval(progressTimer);
  for (const ws of sockets) {
    // RST rather than FIN: the side that closes first keeps TIME_WAIT, and ours would hold the
    // client ports that the next scenario wants.
    const socket = ws?._socket;
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else ws?.terminate();
  }
  setTimeout(() => process.exit(0), 50);
}

const handlers = { connect, measure, report };

process.on('message', (message) => {
  if (message.type === 'close') return close();
  const handler = handlers[message.type];
  if (!handler) return;
  Promise.resolve()
    .then(() => handler(message))
    .then(
      (result) => process.send({ type: 'reply', id: message.id, ...result }),
      (err) => process.send({ type: 'failed', id: message.id, message: String(err?.message ?? err) }),
    );
});
process.on('disconnect', () => close());
process.send({ type: 'ready', pid: process.pid });
