import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxClient, readFingerprint, type ProxmoxClient, type ProxmoxClientOptions, type ProxmoxTls } from './index.js';
import { makeTestCerts, startServer, type TestCerts, type TestServer } from './testing/servers.js';

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

async function serve(pair: TestCerts['selfA']): Promise<TestServer> {
  const server = await startServer(pair, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"data":{"version":"8.2.4"}}');
  });
  servers.push(server);
  return server;
}

function client(url: string, tls: ProxmoxTls, extra: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  const c = createProxmoxClient({ product: 'pve', endpoints: [url], auth: { kind: 'token', tokenId: 'pulse@pve!mon', secret: 's3cr3t' }, tls, ...extra });
  clients.push(c);
  return c;
}

describe('TLS pinning', () => {
  it('accepts a self-signed node whose fingerprint is pinned, in any case and with or without colons', async () => {
    const server = await serve(certs.selfA);
    const bare = certs.selfA.fingerprint.replace(/:/g, '').toLowerCase();
    await expect(client(server.url, { fingerprint: bare }).get('/version')).resolves.toEqual({ version: '8.2.4' });
    await expect(client(server.url, { fingerprint: certs.selfA.fingerprint }).get('/version')).resolves.toEqual({ version: '8.2.4' });
  });

  it('keeps one pinned connection alive across requests, and one pool per endpoint', async () => {
    const server = await serve(certs.selfA);
    const c = client(server.url, { fingerprint: certs.selfA.fingerprint });
    for (let i = 0; i < 5; i++) await c.get('/version');
    await Promise.all([c.get('/version'), c.get('/version')]);
    expect(server.requests).toHaveLength(7);
    // sequential requests reuse the socket; the two at once need a second one, no more
    expect(server.handshakes).toBe(2);
  });

  it('refuses a node whose certificate does not match the pin before any request reaches it', async () => {
    const server = await serve(certs.selfB);
    const error = await client(server.url, { fingerprint: certs.selfA.fingerprint }).get('/version').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.tls_fingerprint_mismatch', endpoint: server.url, fingerprint: certs.selfB.fingerprint });
    expect(String((error as Error).message)).toContain(certs.selfA.fingerprint);
    expect(String((error as Error).message)).toContain(certs.selfB.fingerprint);
    // Control: a correctly pinned request is seen, so a leaked one would have been seen as well.
    await client(server.url, { fingerprint: certs.selfB.fingerprint }).get('/version');
    expect(server.requests).toHaveLength(1);
  });

  it('checks the pin again on every new connection: a certificate swapped after a good poll is refused', async () => {
    const server = await serve(certs.selfA);
    const c = client(server.url, { fingerprint: certs.selfA.fingerprint });
    await c.get('/version');
    expect(server.requests).toHaveLength(1);

    server.setCert(certs.selfB);
    server.dropConnections();
    await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.tls_fingerprint_mismatch' });
    expect(server.requests).toHaveLength(1);
    expect(c.endpoints()[0]).toMatchObject({ status: 'backing-off', lastError: { code: 'proxmox.tls_fingerprint_mismatch' } });
  });

  it('accepts a pin for one cluster member given with setEndpoints', async () => {
    const a = await serve(certs.selfA);
    const b = await serve(certs.selfB);
    const c = client(a.url, { fingerprint: certs.selfA.fingerprint });
    c.setEndpoints([b.url, a.url], { [b.url]: certs.selfB.fingerprint });
    await c.get('/version');
    expect(b.requests).toHaveLength(1);
    expect(a.requests).toHaveLength(0);
  });

  it('rejects a malformed pin when the client is built', () => {
    expect(() => client('https://127.0.0.1:8006', { fingerprint: 'AB:CD' })).toThrow(/64 hex digits/);
  });
});

describe('TLS without a pin', () => {
  it('calls a self-signed certificate untrusted and names its fingerprint so it can be pinned on first use', async () => {
    const server = await serve(certs.selfA);
    const c = client(server.url, {});
    const error = await c.get('/version').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.tls_untrusted', endpoint: server.url, fingerprint: certs.selfA.fingerprint });
    expect((error as Error).message).toMatch(/pin its SHA-256 fingerprint/);
    expect((error as Error).message).toContain(certs.selfA.fingerprint);
    expect(server.requests).toHaveLength(0);

    // Trust on first use: the UI shows the fingerprint, the user accepts, the client rebuilds its agents.
    const seen = await readFingerprint(server.url);
    expect(seen).toMatchObject({ fingerprint: certs.selfA.fingerprint, selfSigned: true, subject: 'CN=pve1' });
    expect(Date.parse(seen.validTo)).toBeGreaterThan(Date.now());
    c.setTls({ fingerprint: seen.fingerprint });
    await expect(c.get('/version')).resolves.toEqual({ version: '8.2.4' });
  });

  it('trusts a node signed by the given CA when the certificate names the address', async () => {
    const server = await serve(certs.caLeafIp);
    await expect(client(server.url, { ca: certs.caCert }).get('/version')).resolves.toEqual({ version: '8.2.4' });
    expect(await readFingerprint(server.url)).toMatchObject({ selfSigned: false });
  });

  it('with a CA only, refuses a certificate issued for another name than the address connected to', async () => {
    const server = await serve(certs.caLeafName);
    const error = await client(server.url, { ca: certs.caCert }).get('/version').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox.tls_untrusted', fingerprint: certs.caLeafName.fingerprint });
    expect((error as Error).message).toContain('not issued for 127.0.0.1');
    expect(server.requests).toHaveLength(0);
  });

  it('with a CA and a pin, connects by IP: the pin identifies the certificate', async () => {
    const server = await serve(certs.caLeafName);
    await expect(client(server.url, { ca: certs.caCert, fingerprint: certs.caLeafName.fingerprint }).get('/version')).resolves.toEqual({ version: '8.2.4' });
  });

  it('with a CA and a pin, still refuses a pinned certificate that does not chain to the CA', async () => {
    const server = await serve(certs.selfA);
    await expect(client(server.url, { ca: certs.caCert, fingerprint: certs.selfA.fingerprint }).get('/version')).rejects.toMatchObject({ code: 'proxmox.tls_untrusted' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a certificate from another CA', async () => {
    const server = await serve(certs.selfB);
    await expect(client(server.url, { ca: certs.caCert }).get('/version')).rejects.toMatchObject({ code: 'proxmox.tls_untrusted' });
    expect(server.requests).toHaveLength(0);
  });

  it('skips verification only in insecure mode', async () => {
    const server = await serve(certs.selfB);
    await expect(client(server.url, { insecure: true }).get('/version')).resolves.toEqual({ version: '8.2.4' });
  });

  it('reuses one keep-alive connection across polls', async () => {
    const server = await serve(certs.selfA);
    const c = client(server.url, { fingerprint: certs.selfA.fingerprint });
    for (let i = 0; i < 5; i += 1) await c.get('/version');
    expect(server.requests).toHaveLength(5);
    expect(server.handshakes).toBe(1);
  });
});
