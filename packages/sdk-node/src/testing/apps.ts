// Test support (excluded from the build): the same small app in Express, Fastify and node:http,
// each instrumented by a given Pulse (or not, for baselines), listening on 127.0.0.1.
import express from 'express';
import Fastify from 'fastify';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pulse } from '../pulse.js';

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export type Framework = 'express' | 'fastify' | 'http';

const SLOW_MS = 80;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startApp(framework: Framework, pulse?: Pulse): Promise<RunningApp> {
  if (framework === 'fastify') {
    const app = Fastify();
    if (pulse) await app.register(pulse.fastifyPlugin);
    app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    await app.register(async (api) => {
      api.get('/items/:itemId', async () => ({ ok: true }));
    }, { prefix: '/api' });
    app.get('/boom', async (_req, reply) => reply.code(500).send({ error: 'boom' }));
    app.get('/slow', async () => { await wait(SLOW_MS); return { slow: true }; });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: address, close: () => app.close() };
  }
  let server;
  if (framework === 'express') {
    const app = express();
    if (pulse) app.use(pulse.express());
    app.get('/users/:id', (req, res) => { res.json({ id: req.params.id }); });
    const api = express.Router();
    api.get('/items/:itemId', (_req, res) => { res.json({ ok: true }); });
    app.use('/api', api);
    app.get('/boom', (_req, res) => { res.status(500).json({ error: 'boom' }); });
    app.get('/slow', async (_req, res) => { await wait(SLOW_MS); res.json({ slow: true }); });
    server = createServer(app);
  } else {
    const handler = async (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (/^\/users\/[^/]+$/.test(path)) return json(200, { id: path.slice(7) });
      if (/^\/api\/items\/[^/]+$/.test(path)) return json(200, { ok: true });
      if (path === '/boom') return json(500, { error: 'boom' });
      if (path === '/slow') { await wait(SLOW_MS); return json(200, { slow: true }); }
      return json(404, { error: 'not found' });
    };
    const route = (req: IncomingMessage) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      if (/^\/users\/[^/]+$/.test(path)) return '/users/:id';
      if (/^\/api\/items\/[^/]+$/.test(path)) return '/api/items/:itemId';
      return path === '/boom' || path === '/slow' ? path : undefined;
    };
    server = createServer(pulse ? pulse.wrapHttpHandler(handler, { route }) : handler);
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const s = server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      s.closeAllConnections();
      s.close();
      await once(s, 'close');
    },
  };
}

/** Sends `n` requests one after another; returns their latencies (ms), statuses and bodies. */
export async function timedRequests(url: string, n: number): Promise<{ p50: number; statuses: Set<number>; bodies: Set<string> }> {
  const times: number[] = [];
  const statuses = new Set<number>();
  const bodies = new Set<string>();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    bodies.add(await res.text());
    times.push(performance.now() - t0);
    statuses.add(res.status);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)] as number, statuses, bodies };
}
