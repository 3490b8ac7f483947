// Test support (excluded from the build): a loopback stand-in for Pulse's ingest endpoint.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedBatch {
  authorization?: string;
  path?: string;
  body: unknown;
}

export type ReceiverMode = 'ok' | 'error500' | 'hang' | 'unauthorized';

export interface Receiver {
  url: string;
  batches: ReceivedBatch[];
  mode: ReceiverMode;
  /** resolves once a batch satisfies `test` (checked on every arrival, never by polling a clock) */
  waitFor(test: (b: ReceivedBatch) => boolean, timeoutMs?: number): Promise<ReceivedBatch>;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let raw = Buffer.concat(chunks);
  if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
  return JSON.parse(raw.toString('utf8'));
}

export async function startReceiver(mode: ReceiverMode = 'ok'): Promise<Receiver> {
  const waiters = new Set<{ test: (b: ReceivedBatch) => boolean; resolve: (b: ReceivedBatch) => void }>();
  const hanging = new Set<import('node:net').Socket>();
  const receiver: Receiver = {
    url: '',
    batches: [],
    mode,
    waitFor(test, timeoutMs = 10_000) {
      const found = receiver.batches.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { test, resolve: (b: ReceivedBatch) => { clearTimeout(timer); resolve(b); } };
        const timer = setTimeout(() => { waiters.delete(w); reject(new Error(`no matching batch within ${timeoutMs} ms (${receiver.batches.length} received)`)); }, timeoutMs);
        waiters.add(w);
      });
    },
    async close() {
      for (const s of hanging) s.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createServer(async (req, res) => {
    if (receiver.mode === 'hang') {
      hanging.add(req.socket);
      return;
    }
    try {
      const batch: ReceivedBatch = { authorization: req.headers.authorization, path: req.url, body: await bodyOf(req) };
      if (receiver.mode === 'error500') { res.writeHead(500).end('{"error":"down"}'); return; }
      if (receiver.mode === 'unauthorized') { res.writeHead(401).end('{"error":"token"}'); return; }
      receiver.batches.push(batch);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":0}');
      for (const w of waiters) if (w.test(batch)) { waiters.delete(w); w.resolve(batch); }
    } catch (err) {
      res.writeHead(400).end(String(err));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed): connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
