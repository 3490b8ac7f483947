import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The Docker simulator's test-only certificates (a CA and a server certificate for 127.0.0.1).
import { testCerts } from '../../../tools/docker-sim/certs.mjs';
import { createServerClient } from './server-client.js';

const certs = testCerts() as { ca: string; otherCa: string; server: { key: string; cert: string } };
let url = '';
let closeServer: () => void;
const hits: string[] = [];

beforeAll(async () => {
  const server = createServer({ key: certs.server.key, cert: certs.server.cert }, (req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    if (req.url === '/slow/api/hang') return;
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => {
    server.closeAllConnections();
    server.close();
  };
});
afterAll(() => closeServer());

const base = { timeoutMs: 2000, userAgent: 'pulse-agent/test' };

describe('server client', () => {
  it('trusts a self-signed server through the CA it is given, and keeps one connection alive', async () => {
    const client = createServerClient({ ...base, server: url, ca: certs.ca });
    const first = await client.request({ method: 'GET', path: '/api/x', token: 'tok' });
    const second = await client.request({ method: 'GET', path: '/api/x', token: 'tok' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.toString()).toBe('{"ok":true}');
    expect(hits.at(-1)).toBe('GET /api/x Bearer tok');
    client.close();
  });

  it('refuses a server whose certificate it cannot verify, saying how to fix it', async () => {
    const client = createServerClient({ ...base, server: url, ca: certs.otherCa });
    await expect(client.request({ method: 'GET', path: '/api/x', token: 'tok' })).rejects.toMatchObject({
      code: 'agent.server_unreachable', message: expect.stringContaining('--ca FILE'),
    });
    client.close();
  });

  it('skips verification only when told to', async () => {
    const client = createServerClient({ ...base, server: url, insecureTls: true });
    expect((await client.request({ method: 'GET', path: '/api/x', token: 'tok' })).status).toBe(200);
    client.close();
  });

  it('gives up on a server that accepts the request but never answers', async () => {
    const client = createServerClient({ ...base, timeoutMs: 200, server: `${url}/slow`, ca: certs.ca });
    await expect(client.request({ method: 'GET', path: '/api/hang', token: 'tok' })).rejects.toMatchObject({ code: 'agent.server_timeout' });
    client.close();
  });
});
