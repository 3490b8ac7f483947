import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxClient, type ProxmoxClient, type ProxmoxClientOptions } from './index.js';
import { makeTestCerts, manualClock, startServer, type Handler, type TestCerts, type TestServer } from './testing/servers.js';

let certs: TestCerts;
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  certs = makeTestCerts();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

async function setup(handler: Handler, extra: Partial<ProxmoxClientOptions> = {}, second?: Handler): Promise<{ c: ProxmoxClient; server: TestServer; other?: TestServer }> {
  const server = await startServer(certs.selfA, handler);
  cleanups.push(() => server.close());
  const other = second ? await startServer(certs.selfA, second) : undefined;
  if (other) cleanups.push(() => other.close());
  const c = createProxmoxClient({
    product: 'pve',
    endpoints: other ? [server.url, other.url] : [server.url],
    auth: { kind: 'token', tokenId: 'pulse@pve!mon', secret: 'tok-secret' },
    tls: { fingerprint: certs.selfA.fingerprint },
    ...extra,
  });
  cleanups.push(() => c.close());
  return other ? { c, server, other } : { c, server };
}

const raw = (status: number, body: string, headers: Record<string, string | number> = {}): Handler => (_req, res) => {
  res.writeHead(status, headers);
  res.end(body);
};

describe('answers the client cannot use', () => {
  it('times out a server that sends headers and then stalls mid-body, and drops that socket', async () => {
    const clock = manualClock();
    const { c, server } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"data":[{"node":"pve1"},');
    }, { timeoutMs: 300, now: clock.now });
    const error = await c.get('/cluster/resources').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.timeout', endpoint: server.url });
    expect((error as Error).message).toContain('within 300 ms');

    expect(c.endpoints()[0]).toMatchObject({ status: 'backing-off' });

    clock.advance(60_000);
    server.handler = raw(200, '{"data":1}');
    await expect(c.get('/version')).resolves.toBe(1);
    expect(server.handshakes).toBe(2);
  });

  it('drops an answer bigger than maxBodyBytes while it streams, and aborts the socket', async () => {
    const big = `{"data":"${'x'.repeat(10_000)}"}`;
    const { c, server } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked: no length to check up front
      res.write(big.slice(0, 5_000));
      res.end(big.slice(5_000));
    }, { maxBodyBytes: 4_096 });
    await expect(c.get('/cluster/resources')).rejects.toMatchObject({ code: 'proxmox.too_large', endpoint: server.url });
    server.handler = raw(200, '{"data":1}');
    await expect(c.get('/version')).resolves.toBe(1);
    expect(server.handshakes).toBe(2);
  });

  it('refuses an answer whose Content-Length is over the limit before reading it', async () => {
    const { c } = await setup(raw(200, 'x'.repeat(5_000), { 'Content-Length': 5_000 }), { maxBodyBytes: 4_096 });
    await expect(c.get('/cluster/resources')).rejects.toMatchObject({ code: 'proxmox.too_large' });
  });

  it('calls garbage a bad response without quoting it, and does not fail over', async () => {
    const { c, other } = await setup(raw(200, '<html>pveproxy says hi</html>'), {}, raw(200, '{"data":1}'));
    const error = await c.get('/version').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.bad_response', status: 200 });
    expect((error as Error).message).not.toContain('pveproxy says hi');
    expect(other!.requests).toHaveLength(0);
  });

  it('calls JSON without a data member a bad response', async () => {
    const { c } = await setup(raw(200, '{"result":[]}'));
    await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.bad_response' });
  });

  it('passes a null data through: some endpoints answer that way', async () => {
    const { c } = await setup(raw(200, '{"data":null}'));
    await expect(c.get('/nodes/pve1/apt/update')).resolves.toBeNull();
  });

  it.each([404, 501])('maps %i to not_found without failing over', async (code) => {
    const { c, other } = await setup(raw(code, ''), {}, raw(200, '{"data":1}'));
    await expect(c.get('/nodes/pve1/disks/zfs')).rejects.toMatchObject({ code: 'proxmox.not_found', status: code });
    expect(other!.requests).toHaveLength(0);
  });

  it('fails over when pveproxy cannot reach its own daemon (500 Can\'t connect)', async () => {
    const { c, other } = await setup((_req, res) => {
      res.writeHead(500, "Can't connect to 127.0.0.1:85 (Connection refused)");
      res.end();
    }, {}, raw(200, '{"data":1}'));
    await expect(c.get('/version')).resolves.toBe(1);
    expect(other!.requests).toHaveLength(1);
  });

  it('starts the deadline when a socket is free, so a queue behind the endpoint\'s 4 sockets is no timeout', async () => {
    const { c, server } = await setup((_req, res) => {
      setTimeout(() => raw(200, '{"data":1}')(_req, res), 100);
    }, { timeoutMs: 250 });
    await expect(Promise.all(Array.from({ length: 12 }, () => c.get('/version')))).resolves.toHaveLength(12);
    expect(server.handshakes).toBe(4);
  });

  it('retries once on a fresh socket when the server closed the idle keep-alive one', async () => {
    const { c, server } = await setup(raw(200, '{"data":1}'));
    await c.get('/version');
    server.dropConnections();
    await expect(c.get('/version')).resolves.toBe(1);
    expect(c.endpoints()[0]).toMatchObject({ status: 'ok', failures: 0 });
  });
});
