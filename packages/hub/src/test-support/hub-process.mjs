// Used by hub-redis.test.ts only: a second hub *process* sharing Redis with the test's own hub.
// Plain JS on the built package (dist/), so `child_process.fork` runs it without a TypeScript loader.
//
//   node hub-process.mjs <redisUrl> <keyPrefix>     (or PULSE_HUB_REDIS_URL / PULSE_HUB_PREFIX)
//   PULSE_HUB_PRINCIPAL='{"id":"user:a","name":"Alice","scopes":[]}'   who every connection is
//   PULSE_HUB_PRESENCE_TTL_MS=300      how long its presence entries outlive it if it crashes
//
// Serves WebSocket on every path and SSE on GET /sse?channels=a,b (as test-harness.ts does) on
// 127.0.0.1, an ephemeral port. Over IPC it first sends { type: 'listening', port, namespaces },
// then answers { id, cmd: 'publish' | 'presence' | 'stats' | 'close', ... } with
// { id, value } or { id, error }. It exits when told to close or when the parent goes away.
import { createServer } from 'node:http';
import { createHub } from '../../dist/index.js';
import { createRedisBroker, createRedisPresenceStore } from '../../dist/redis.js';

/** The parent builds its own hub from these, so both processes always agree. */
const namespaces = [
  { pattern: 'room:*', presence: true, joinLeave: true, historySize: 100, historyTtlMs: 60_000 },
  { pattern: 'feed', historySize: 100 },
];
const looseLimits = { connectionsPerSecondPerIp: 10_000, maxConnectionsPerIp: 10_000 };
// A hub that hangs while closing must not leave an orphan process behind the test run.
const CLOSE_DEADLINE_MS = 10_000;

const url = process.argv[2] ?? process.env.PULSE_HUB_REDIS_URL;
const prefix = process.argv[3] ?? process.env.PULSE_HUB_PREFIX;
if (!process.send) fail('hub-process.mjs must be started with child_process.fork (it talks over IPC)');
if (!url || !prefix) fail('usage: hub-process.mjs <redisUrl> <keyPrefix>');
const principal = JSON.parse(process.env.PULSE_HUB_PRINCIPAL ?? '{"id":"user:child","name":"child","scopes":[]}');
const presenceTtlMs = process.env.PULSE_HUB_PRESENCE_TTL_MS ? Number(process.env.PULSE_HUB_PRESENCE_TTL_MS) : undefined;

const label = `[hub-process ${process.pid}]`;
const describeErr = (o) => JSON.stringify(o, (_key, value) => (value instanceof Error ? value.message : value));
const logger = {
  debug() {},
  info() {},
  warn(o, m) { console.error(label, m ?? '', describeErr(o)); },
};

const hub = createHub({
  namespaces,
  broker: createRedisBroker({ url, prefix, logger }),
  presence: createRedisPresenceStore({ url, prefix, ttlMs: presenceTtlMs, logger }),
  limits: looseLimits,
  logger,
});
const server = createServer((req, res) => {
  const requested = new URL(req.url ?? '/', 'http://localhost');
  if (requested.pathname !== '/sse') {
    res.writeHead(404).end();
    return;
  }
  const channels = (requested.searchParams.get('channels') ?? '').split(',').filter(Boolean);
  hub.handleSse(req, res, principal, channels);
});
server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, principal));

let closing;
function close() {
  closing ??= (async () => {
    setTimeout(() => {
      console.error(label, `still closing after ${CLOSE_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, CLOSE_DEADLINE_MS).unref();
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  })();
  return closing;
}

const commands = {
  publish: ({ channel, data }) => hub.publish(channel, data),
  presence: ({ channel }) => hub.presence(channel),
  stats: () => hub.stats(),
  close,
};

process.on('message', async (message) => {
  const { id, cmd } = message;
  const run = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  let reply;
  try {
    if (!run) throw new Error(`unknown command '${cmd}'; known: ${Object.keys(commands).join(', ')}`);
    reply = { id, value: await run(message) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  // After 'close', disconnecting (once the reply is out) ends the process through the handler below.
  process.send(reply, () => { if (cmd === 'close') process.disconnect(); });
});

// The parent went away (finished, crashed or was killed): nobody will ever send 'close'.
process.on('disconnect', () => {
  void close().then(() => process.exit(0), (err) => {
    console.error(label, 'close failed', err);
    process.exit(1);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port, namespaces });
});

function fail(message) {
  console.error(`hub-process.mjs: ${message}`);
  process.exit(2);
}
