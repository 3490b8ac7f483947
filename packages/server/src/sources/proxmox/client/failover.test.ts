import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxClient, type ProxmoxClient, type ProxmoxClientOptions } from './index.js';
import { json, makeTestCerts, manualClock, refusedUrl, startServer, startSilentServer, type TestCerts, type TestServer } from './testing/servers.js';

let certs: TestCerts;
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  certs = makeTestCerts();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

async function serve(handler?: Parameters<typeof startServer>[1]): Promise<TestServer> {
  const server = await startServer(certs.selfA, handler);
  cleanups.push(() => server.close());
  return server;
}

function client(endpoints: string[], extra: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  const c = createProxmoxClient({
    product: 'pve',
    endpoints,
    auth: { kind: 'token', tokenId: 'pulse@pve!mon', secret: 'tok-secret' },
    tls: { fingerprint: certs.selfA.fingerprint },
    random: () => 1, // no jitter: delays are exactly the backoff step
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

const status = (code: number, message: string, headers: Record<string, string> = {}) =>
  ((_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(code, message, headers);
    res.end();
  });

describe('failover across cluster members', () => {
  it('moves on when the first endpoint refuses connections, and keeps using the healthy one', async () => {
    const dead = await refusedUrl();
    const live = await serve();
    const clock = manualClock();
    const c = client([dead, live.url], { now: clock.now });
    await expect(c.get('/cluster/resources')).resolves.toBe('ok');
    expect(c.endpoints()).toEqual([
      expect.objectContaining({ url: dead, status: 'backing-off', failures: 1, backoffUntil: clock.now() + 1_000, lastError: expect.objectContaining({ code: 'proxmox.unreachable' }) }),
      expect.objectContaining({ url: live.url, status: 'ok', failures: 0 }),
    ]);
  });

  it('moves on when the first endpoint accepts but never answers', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const live = await serve();
    const c = client([silent.url, live.url], { timeoutMs: 300 });
    await expect(c.get('/version')).resolves.toBe('ok');
    expect(silent.connections).toBe(1);
    expect(c.endpoints()[0]).toMatchObject({ lastError: { code: 'proxmox.timeout' } });
  });

  it('moves on from a 503 and honours its Retry-After', async () => {
    const busy = await serve(status(503, 'Service Unavailable', { 'Retry-After': '30' }));
    const live = await serve();
    const clock = manualClock();
    const c = client([busy.url, live.url], { now: clock.now });
    await expect(c.get('/version')).resolves.toBe('ok');
    expect(c.endpoints()[0]).toMatchObject({ status: 'backing-off', backoffUntil: clock.now() + 30_000, lastError: { code: 'proxmox.server_error' } });
    clock.advance(29_999);
    await c.get('/version');
    expect(busy.requests).toHaveLength(1);
    clock.advance(1);
    await c.get('/version');
    expect(busy.requests).toHaveLength(2);
  });

  it('backs off a 429 until its Retry-After date, then reports rate_limited when no one else can answer', async () => {
    const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const limited = await serve(status(429, 'Too Many Requests', { 'Retry-After': 'Thu, 01 Jan 2026 00:01:00 GMT' }));
    const c = client([limited.url], { now: clock.now });
    await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.rate_limited', status: 429, retryAfterMs: 60_000 });
    const fast = await c.get('/version').catch((e: unknown) => e);
    expect(fast).toMatchObject({ code: 'proxmox.rate_limited', endpoint: limited.url, retryAfterMs: 60_000 });
    expect(limited.requests).toHaveLength(1);
  });

  it('backs off exponentially with jitter, capped, on the injected clock, and resets on success', async () => {
    const clock = manualClock();
    let failing = true;
    const flaky = await serve((_req, res) => (failing ? status(502, 'Bad Gateway')(_req, res) : json(res, 200, { data: 'ok' })));
    const c = client([flaky.url], { now: clock.now });
    const waits: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.server_error', status: 502 });
      const until = c.endpoints()[0]!.backoffUntil!;
      waits.push(until - clock.now());
      await expect(c.get('/version')).rejects.toMatchObject({ message: expect.stringMatching(/Every endpoint is backing off/) });
      clock.advance(until - clock.now());
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(flaky.requests).toHaveLength(8);
    failing = false;
    await expect(c.get('/version')).resolves.toBe('ok');
    expect(c.endpoints()[0]).toMatchObject({ status: 'ok', failures: 0 });
    expect(c.endpoints()[0]!.backoffUntil).toBeUndefined();
  });

  it('spreads retries with jitter between half and all of the step', async () => {
    const clock = manualClock();
    const down = await refusedUrl();
    const c = client([down], { now: clock.now, random: () => 0 });
    await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.unreachable' });
    expect(c.endpoints()[0]!.backoffUntil! - clock.now()).toBe(500);
  });

  it('treats 595 as the target node being offline, not the endpoint failing', async () => {
    const first = await serve(status(595, 'Connection refused'));
    const second = await serve();
    const c = client([first.url, second.url]);
    await expect(c.get('/nodes/pve3/status')).rejects.toMatchObject({ code: 'proxmox.node_offline', status: 595, endpoint: first.url });
    expect(second.requests).toHaveLength(0);
    expect(c.endpoints()[0]).toMatchObject({ status: 'ok', failures: 0 });
  });

  it('does not fail over on a 500 from a handler (guest agent not running): every member would say the same', async () => {
    const first = await serve(status(500, 'QEMU guest agent is not running'));
    const second = await serve();
    const c = client([first.url, second.url]);
    await expect(c.get('/nodes/pve1/qemu/100/agent/get-fsinfo')).rejects.toMatchObject({ code: 'proxmox.server_error', status: 500, message: expect.stringContaining('guest agent is not running') });
    expect(second.requests).toHaveLength(0);
  });

  it('reports every member down with the first member’s error when all fail', async () => {
    const a = await refusedUrl();
    const b = await serve(status(504, 'Gateway Timeout'));
    const c = client([a, b.url]);
    await expect(c.get('/version')).rejects.toMatchObject({ code: 'proxmox.unreachable', endpoint: a });
    expect(c.endpoints().map((e) => e.status)).toEqual(['backing-off', 'backing-off']);
  });

  it('fails over past a member whose certificate fails its pin without sending it the request', async () => {
    const impostor = await startServer(certs.selfB);
    cleanups.push(() => impostor.close());
    const live = await serve();
    const c = client([impostor.url, live.url]);
    await expect(c.get('/version')).resolves.toBe('ok');
    expect(impostor.requests).toHaveLength(0);
    expect(c.endpoints()[0]).toMatchObject({ lastError: { code: 'proxmox.tls_fingerprint_mismatch' } });
  });

  it('keeps state and sockets of members that stay when discovery changes the list', async () => {
    const a = await serve();
    const b = await serve();
    const c = client([a.url]);
    await c.get('/version');
    c.setEndpoints([a.url, b.url, `${b.url}/`]);
    expect(c.endpoints()).toEqual([expect.objectContaining({ url: a.url, status: 'ok' }), expect.objectContaining({ url: b.url, status: 'untested' })]);
    await c.get('/version');
    expect(a.handshakes).toBe(1);
    c.setEndpoints([b.url]);
    await c.get('/version');
    expect(b.requests).toHaveLength(1);
  });
});
