/**
 * The target of bench/uptime.mjs, its own process (forked, IPC): node:http on one or more loopback
 * addresses, one port, answering every request after a fixed delay with a small body and
 * `Connection: close`, so each check is a fresh connection. `/m/<n>` names the monitor; the arrival
 * of each request (performance.timeOrigin + performance.now(), µs) is kept per monitor.
 *
 *   argv: --hosts 127.0.0.1[,127.0.0.2...] --delay-ms 5
 *   → { type: 'ready', port }
 *   ← { type: 'mark', name }          → { type: 'marked', name, atUs }
 *   ← { type: 'dump', file }          → { type: 'dumped', file }  (JSON: arrivals, marks, counters, clockOffsetMs)
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '127.0.0.1' }, 'delay-ms': { type: 'string', default: '5' } } });
const hosts = values.hosts.split(',').filter(Boolean);
const delayMs = Number(values['delay-ms']);
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** monitor number → arrival times (µs) */
const arrivals = new Map();
const marks = {};
const counters = { requests: 0, connections: 0, unknownPaths: 0, clientErrors: 0 };
const BODY = Buffer.from('ok\n');

function onRequest(req, res) {
  const at = nowUs();
  counters.requests++;
  const n = /^\/m\/(\d+)$/.exec(req.url ?? '')?.[1];
  if (n === undefined) counters.unknownPaths++;
  else {
    let list = arrivals.get(n);
    if (!list) arrivals.set(n, (list = []));
    list.push(at);
  }
  req.resume();
  setTimeout(() => {
    res.writeHead(n === undefined ? 404 : 200, { 'content-type': 'text/plain', 'content-length': BODY.length, connection: 'close' });
    res.end(BODY);
  }, delayMs);
}

function listen(host, port) {
  return new Promise((resolve, reject) => {
    const server = http.createServer({ keepAlive: false }, onRequest);
    server.on('connection', () => counters.connections++);
    server.on('clientError', (_err, socket) => {
      counters.clientErrors++;
      socket.destroy();
    });
    server.once('error', reject);
    server.listen(port, host, 1024, () => resolve(server));
  });
}

/** The same port on every address: the first picks it, the others follow (a new pick if one is taken). */
async function listenAll() {
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = await listen(hosts[0], 0);
    const { port } = first.address();
    const servers = [first];
    try {
      for (const host of hosts.slice(1)) servers.push(await listen(host, port));
      return port;
    } catch {
      for (const s of servers) s.close();
    }
  }
  throw new Error(`could not listen on one port on ${hosts.join(', ')}`);
}

const port = await listenAll();
process.on('message', (message) => {
  if (message.type === 'mark') {
    marks[message.name] = nowUs();
    process.send({ type: 'marked', name: message.name, atUs: marks[message.name] });
  } else if (message.type === 'dump') {
    // Date.now() − this clock, so arrivals can be set against the server's Date.now()-based schedule.
    const clockOffsetMs = Date.now() - nowUs() / 1000;
    writeFileSync(message.file, JSON.stringify({ delayMs, hosts, port, marks, counters, clockOffsetMs, arrivals: Object.fromEntries(arrivals) }));
    process.send({ type: 'dumped', file: message.file });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', port });
