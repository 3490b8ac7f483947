// Test support only: real local servers for the checks, with delays injected where a phase happens.
import { promises as dnsPromises } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import dns2 from 'dns2';
import type { HostLookup } from '../connection-phases.js';

export interface Running {
  port: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, () => resolve((server.address() as net.AddressInfo).port)));
}

function closer(server: http.Server | net.Server): () => Promise<void> {
  return () => new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startHttpServer(handler: Handler): Promise<Running> {
  const server = http.createServer(handler);
  return { port: await listen(server), close: closer(server) };
}

/** HTTPS; `handshakeDelayMs` holds the handshake in SNICallback (so only with a name, not an IP). */
export async function startHttpsServer(handler: Handler, options: { key: string; cert: string; handshakeDelayMs?: number }): Promise<Running> {
  const context = tls.createSecureContext({ key: options.key, cert: options.cert });
  const server = https.createServer({
    key: options.key,
    cert: options.cert,
    SNICallback: (_name, done) => {
      if (options.handshakeDelayMs) setTimeout(() => done(null, context), options.handshakeDelayMs);
      else done(null, context);
    },
  }, handler);
  return { port: await listen(server), close: closer(server) };
}

/** A TCP server that accepts and never answers (for `timeout.ttfb`). */
export async function startSilentServer(): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, close: () => { for (const s of sockets) s.destroy(); return closer(server)(); } };
}

/** A port nothing listens on: bound for a moment to learn a free number, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await closer(server)();
  return port;
}

/**
 * An HTTP server whose kernel cannot complete new TCP handshakes for a while, which is what a slow
 * connect really is. It runs in a worker with a listen backlog of 1; the test fills the accept queue
 * while the worker's event loop is blocked (so nothing is accepted), and Linux then drops further
 * SYNs. The client's kernel resends its SYN after the initial RTO (1 s on Linux), by which time the
 * worker has resumed and drained the queue: the stall lands in `connect` and nowhere else.
 */
export async function startSynDroppingServer(): Promise<Running & { stallAccepts(ms: number): Promise<() => void> }> {
  const worker = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const http = require('node:http');
    const server = http.createServer((req, res) => res.end('ok'));
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on('message', (message) => {
      if (message.stallMs) {
        parentPort.postMessage({ stalled: true });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, message.stallMs);
      }
    });
  `, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    port,
    async stallAccepts(ms: number) {
      worker.postMessage({ stallMs: ms });
      await new Promise((resolve) => worker.once('message', resolve));
      // two completed handshakes fill a backlog-1 queue (Linux: full when queued > backlog)
      const fillers = [0, 1, 2].map(() => net.connect(port, '127.0.0.1').on('error', () => undefined));
      await Promise.all(fillers.slice(0, 2).map((s) => new Promise((resolve) => s.once('connect', resolve))));
      return () => fillers.forEach((s) => s.destroy());
    },
    close: async () => { await worker.terminate(); },
  };
}

export interface DnsZone {
  A?: Record<string, string[]>;
  AAAA?: Record<string, string[]>;
  MX?: Record<string, { exchange: string; priority: number }[]>;
  TXT?: Record<string, string[]>;
  CNAME?: Record<string, string>;
}

/** A loopback DNS server (dns2, UDP) answering from `zone`; unknown names get NXDOMAIN. */
export async function startDnsServer(zone: DnsZone, options: { delayMs?: number } = {}): Promise<Running> {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const name = question?.name.toLowerCase() ?? '';
      const base = { name, class: Packet.CLASS.IN, ttl: 60 };
      const answers: object[] = [];
      for (const address of zone.A?.[name] ?? []) if (question?.type === Packet.TYPE.A) answers.push({ ...base, type: Packet.TYPE.A, address });
      for (const address of zone.AAAA?.[name] ?? []) if (question?.type === Packet.TYPE.AAAA) answers.push({ ...base, type: Packet.TYPE.AAAA, address });
      for (const mx of zone.MX?.[name] ?? []) if (question?.type === Packet.TYPE.MX) answers.push({ ...base, type: Packet.TYPE.MX, ...mx });
      for (const data of zone.TXT?.[name] ?? []) if (question?.type === Packet.TYPE.TXT) answers.push({ ...base, type: Packet.TYPE.TXT, data });
      const cname = zone.CNAME?.[name];
      if (cname && question?.type === Packet.TYPE.CNAME) answers.push({ ...base, type: Packet.TYPE.CNAME, domain: cname });
      const known = [zone.A, zone.AAAA, zone.MX, zone.TXT, zone.CNAME].some((records) => records && name in records);
      // dns2's types omit Packet.RCODE; 3 is NXDOMAIN (RFC 1035 §4.1.1)
      if (!known) response.header.rcode = 3;
      response.answers.push(...(answers as typeof response.answers));
      if (options.delayMs) setTimeout(() => send(response), options.delayMs);
      else send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { port: addresses.udp?.port ?? 0, close: async () => { server.close(); } };
}

/** A `HostLookup` that asks the given DNS server (so a slow DNS server makes a slow DNS phase). */
export function lookupVia(port: number): HostLookup {
  const resolver = new dnsPromises.Resolver({ timeout: 5_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return async (hostname, family) => {
    if (family === 6) return { address: (await resolver.resolve6(hostname))[0] ?? '', family: 6 };
    return { address: (await resolver.resolve4(hostname))[0] ?? '', family: 4 };
  };
}
