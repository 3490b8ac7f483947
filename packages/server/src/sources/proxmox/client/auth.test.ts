import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TicketSession, tokenHeader } from './auth.js';
import { createProxmoxClient, type Product, type ProxmoxAuth, type ProxmoxClient } from './index.js';
import { json, makeTestCerts, manualClock, startServer, type SeenRequest, type TestCerts, type TestServer } from './testing/servers.js';

let certs: TestCerts;
const servers: TestServer[] = [];
const clients: ProxmoxClient[] = [];

beforeAll(() => {
  certs = makeTestCerts();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(server: TestServer, product: Product, auth: ProxmoxAuth, now?: () => number): ProxmoxClient {
  const c = createProxmoxClient({ product, endpoints: [server.url], auth, tls: { fingerprint: certs.selfA.fingerprint }, ...(now ? { now } : {}) });
  clients.push(c);
  return c;
}

/** A PVE-like login: /access/ticket issues tickets, everything else wants a live one in the cookie. */
async function ticketServer(cookieName = 'PVEAuthCookie') {
  const live = new Set<string>();
  let issued = 0;
  const logins: SeenRequest[] = [];
  const server = await startServer(certs.selfA, (req, res) => {
    if (req.url === '/api2/json/access/ticket') {
      logins.push(req);
      const form = new URLSearchParams(req.body);
      if (req.method !== 'POST' || form.get('username') !== 'root@pam' || form.get('password') !== 'pa ss&word') {
        json(res, 401, { data: null }, 'authentication failure');
        return;
      }
      issued += 1;
      const ticket = `PVE:root@pam:6600${issued}::c2lnbmF0dXJl+/=`;
      live.add(ticket);
      json(res, 200, { data: { ticket, CSRFPreventionToken: `6600${issued}:csrf`, username: 'root@pam' } });
      return;
    }
    const cookie = req.headers.cookie ?? '';
    const ticket = cookie.startsWith(`${cookieName}=`) ? cookie.slice(cookieName.length + 1) : '';
    if (!live.has(ticket)) json(res, 401, { data: null }, 'No ticket');
    else json(res, 200, { data: [{ node: 'pve1' }] });
  });
  servers.push(server);
  return { server, live, logins, gets: () => server.requests.filter((r) => r.method === 'GET') };
}

const password: ProxmoxAuth = { kind: 'password', username: 'root@pam', password: 'pa ss&word' };

describe('API token auth', () => {
  it.each([
    ['pve', 'PVEAPIToken=pulse@pve!monitor=0b1c-secret'],
    ['pbs', 'PBSAPIToken=pulse@pve!monitor:0b1c-secret'],
    ['pmg', 'PMGAPIToken=pulse@pve!monitor:0b1c-secret'],
  ] as const)('sends the %s token header with its own separator', async (product, header) => {
    const server = await startServer(certs.selfA);
    servers.push(server);
    const c = client(server, product, { kind: 'token', tokenId: 'pulse@pve!monitor', secret: '0b1c-secret' });
    await expect(c.get('/nodes', { type: 'vm', limit: 5 })).resolves.toBe('ok');
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/api2/json/nodes?type=vm&limit=5', headers: { authorization: header } });
  });

  it('reports a refused token as unauthorized without logging in', async () => {
    const server = await startServer(certs.selfA, (_req, res) => json(res, 401, { data: null }, 'invalid token value!'));
    servers.push(server);
    const error = await client(server, 'pve', { kind: 'token', tokenId: 'a@pve!b', secret: 'x' }).get('/nodes').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.unauthorized', status: 401, endpoint: server.url });
    expect((error as Error).message).toMatch(/token or password is wrong or expired/);
    expect(server.requests).toHaveLength(1);
  });

  it('explains that a privilege-separated token needs its own ACL on 403', async () => {
    const server = await startServer(certs.selfA, (_req, res) => json(res, 403, { data: null }, 'Permission check failed (/, Sys.Audit)'));
    servers.push(server);
    const error = await client(server, 'pve', { kind: 'token', tokenId: 'a@pve!b', secret: 'x' }).get('/nodes/pve1/status').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.forbidden', status: 403 });
    expect((error as Error).message).toMatch(/privilege-separated API token needs its own ACL.*PVEAuditor role on \//);
  });
});

describe('password auth with a ticket', () => {
  it('logs in with a form, then sends the ticket cookie and no CSRF token on reads', async () => {
    const { server, logins } = await ticketServer();
    await expect(client(server, 'pve', password).get('/nodes')).resolves.toEqual([{ node: 'pve1' }]);
    expect(logins[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(logins[0]!.body).toBe('username=root%40pam&password=pa%20ss%26word');
    const get = server.requests[1]!;
    expect(get.headers.cookie).toMatch(/^PVEAuthCookie=PVE:root@pam:66001::/);
    expect(get.headers.csrfpreventiontoken).toBeUndefined();
  });

  it('uses the product cookie name for PBS', async () => {
    const { server } = await ticketServer('PBSAuthCookie');
    await expect(client(server, 'pbs', password).get('/nodes')).resolves.toEqual([{ node: 'pve1' }]);
  });

  it('shares one login among concurrent requests', async () => {
    const { server, logins } = await ticketServer();
    const c = client(server, 'pve', password);
    await Promise.all(Array.from({ length: 10 }, () => c.get('/nodes')));
    expect(logins).toHaveLength(1);
  });

  it('renews the ticket at 1 h 45 on the injected clock, before PVE expires it at 2 h', async () => {
    const clock = manualClock();
    const { server, logins } = await ticketServer();
    const c = client(server, 'pve', password, clock.now);
    await c.get('/nodes');
    clock.advance(104 * 60_000);
    await c.get('/nodes');
    expect(logins).toHaveLength(1);
    clock.advance(2 * 60_000);
    await Promise.all([c.get('/nodes'), c.get('/nodes')]);
    expect(logins).toHaveLength(2);
    expect(server.requests.at(-1)!.headers.cookie).toContain(':66002::');
  });

  it('logs in again once when a ticket is refused early, and retries the request', async () => {
    const { server, live, logins } = await ticketServer();
    const c = client(server, 'pve', password);
    await c.get('/nodes');
    live.clear(); // the cluster's auth key rotated
    await expect(c.get('/nodes')).resolves.toEqual([{ node: 'pve1' }]);
    expect(logins).toHaveLength(2);
  });

  it('gives up after one re-login when the fresh ticket is refused too', async () => {
    const { server, logins, gets } = await ticketServer();
    server.handler = (req, res) => {
      if (req.url === '/api2/json/access/ticket') {
        logins.push(req);
        json(res, 200, { data: { ticket: 'PVE:root@pam:1::x', CSRFPreventionToken: 'c' } });
      } else json(res, 401, { data: null }, 'permission denied - invalid PVE ticket');
    };
    await expect(client(server, 'pve', password).get('/nodes')).rejects.toMatchObject({ code: 'proxmox.unauthorized' });
    expect(logins).toHaveLength(2);
    expect(gets()).toHaveLength(2);
  });

  it('reports a wrong password as unauthorized', async () => {
    const { server } = await ticketServer();
    const error = await client(server, 'pve', { ...password, password: 'nope' }).get('/nodes').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.unauthorized', endpoint: server.url });
    expect((error as Error).message).toMatch(/username or password is wrong/);
  });

  it('refuses a login that asks for a second factor, pointing to API tokens', async () => {
    const server = await startServer(certs.selfA, (_req, res) => json(res, 200, { data: { ticket: 'PVE:root@pam:1::x', NeedTFA: 1 } }));
    servers.push(server);
    await expect(client(server, 'pve', password).get('/nodes')).rejects.toMatchObject({ code: 'proxmox.unauthorized', message: expect.stringMatching(/Use an API token/) });
  });
});

describe('TicketSession', () => {
  it('adds the CSRF token to writes only', async () => {
    const session = new TicketSession('pmg', 'root@pam', 'pw', () => 0, async () => ({ data: { ticket: 'PMG:t', CSRFPreventionToken: 'csrf1' }, endpoint: 'https://x:8006' }));
    expect(await session.headers('POST')).toMatchObject({ Cookie: 'PMGAuthCookie=PMG:t', CSRFPreventionToken: 'csrf1' });
    expect(await session.headers('GET')).not.toHaveProperty('CSRFPreventionToken');
  });

  it('builds the token header for each product', () => {
    expect(tokenHeader('pve', 'u@pam!t', 's')).toBe('PVEAPIToken=u@pam!t=s');
    expect(tokenHeader('pbs', 'u@pam!t', 's')).toBe('PBSAPIToken=u@pam!t:s');
  });
});
