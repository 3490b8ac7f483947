// Test support only: real HTTPS servers on 127.0.0.1 and certificates made at test time.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
  /** `AB:CD:...` as Node and PVE show it */
  fingerprint: string;
}

export interface TestCerts {
  /** self-signed, CN=pve1, SAN pve1 + 127.0.0.1: what a fresh PVE node presents */
  selfA: KeyPair;
  /** another self-signed certificate, as after `pvecm updatecerts --force` */
  selfB: KeyPair;
  /** a cluster CA (pve-root-ca.pem) */
  caCert: string;
  /** signed by the CA for 127.0.0.1 */
  caLeafIp: KeyPair;
  /** signed by the CA for the name pve1 only: reached by IP, the name does not match */
  caLeafName: KeyPair;
}

/**
 * Node cannot make certificates; openssl can in a few milliseconds with EC keys. Made per run so no
 * private key lives in the repository.
 */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-pve-certs-'));
  const ssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const pair = (name: string): KeyPair => {
    const cert = read(`${name}.pem`);
    return { key: read(`${name}.key`), cert, fingerprint: new X509Certificate(cert).fingerprint256 };
  };
  try {
    for (const name of ['selfA', 'selfB']) {
      ssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', '/CN=pve1', '-addext', 'subjectAltName=DNS:pve1,IP:127.0.0.1');
    }
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Proxmox Root CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const leaf = (name: string, san: string) => {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
      ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=pve1');
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    };
    leaf('caLeafIp', 'IP:127.0.0.1');
    leaf('caLeafName', 'DNS:pve1');
    return { selfA: pair('selfA'), selfB: pair('selfB'), caCert: read('ca.pem'), caLeafIp: pair('caLeafIp'), caLeafName: pair('caLeafName') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void;

export interface TestServer {
  url: string;
  port: number;
  /** requests that reached the HTTP layer, i.e. whose bytes the server decrypted */
  requests: SeenRequest[];
  /** TLS handshakes completed */
  handshakes: number;
  handler: Handler;
  /** serve another certificate to new connections (existing ones keep theirs) */
  setCert(pair: KeyPair): void;
  /** drop every open connection, so the next request needs a new one */
  dropConnections(): void;
  close(): Promise<void>;
}

export function json(res: ServerResponse, status: number, body: unknown, statusMessage?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, statusMessage ?? '', { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startServer(pair: KeyPair, handler: Handler = (_req, res) => json(res, 200, { data: 'ok' })): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = https.createServer({ key: pair.key, cert: pair.cert, keepAlive: true });
  const state: TestServer = {
    url: '',
    port: 0,
    requests: [],
    handshakes: 0,
    handler,
    setCert: (next) => server.setSecureContext({ key: next.key, cert: next.cert }),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((resolve) => {
      state.dropConnections();
      server.close(() => resolve());
    }),
  };
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', () => {
    state.handshakes += 1;
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.requests.push(seen);
      state.handler(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.url = `https://127.0.0.1:${state.port}`;
  return state;
}

/** Accepts TCP and then says nothing: a member whose pveproxy hangs. */
export async function startSilentServer(): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const result = { url: '', connections: 0, close: () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }) };
  const server = net.createServer((socket) => {
    result.connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  result.url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return result;
}

/** A port nothing listens on: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}
