import { X509Certificate } from 'node:crypto';
import { CheckResult } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { createCertificate } from '../../../../../tools/proxmox-sim/certs.mjs';
import { HttpAgentPool, runCheck } from './index.js';
import { makeCertificate } from './testing/certs.js';
import { httpMonitor, loopbackLookup } from './testing/monitors.js';
import { type Running, startHttpServer, startHttpsServer } from './testing/servers.js';

const DAY = 86_400_000;

describe('HTTPS checks: the certificate is always reported, trust is judged per verifyTls', () => {
  const servers: Running[] = [];
  let valid: { key: string; cert: string };
  let expired: { key: string; cert: string };
  let soon: { key: string; cert: string };
  let ok: Running;
  let old: Running;
  let expiring: Running;
  let plain: Running;
  const check = (url: string, extra: Parameters<typeof httpMonitor>[1] = {}, options = {}) =>
    runCheck(httpMonitor(url, extra), Date.now(), 0, { timeoutMs: 5_000, lookup: loopbackLookup, ...options });

  beforeAll(async () => {
    valid = createCertificate({ commonName: 'localhost' });
    expired = makeCertificate({ notBefore: Date.now() - 30 * DAY, notAfter: Date.now() - 2 * DAY });
    soon = makeCertificate({ notBefore: Date.now() - DAY, notAfter: Date.now() + 5 * DAY + 3_600_000 });
    const hello = (_req: unknown, res: { end(body: string): void }) => res.end('hello');
    servers.push((ok = await startHttpsServer(hello, valid)), (old = await startHttpsServer(hello, expired)));
    servers.push((expiring = await startHttpsServer(hello, soon)), (plain = await startHttpServer(hello)));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('is up over a trusted chain and reports protocol, cipher and certificate facts', async () => {
    const result = await check(`https://localhost:${ok.port}/`, {}, { ca: valid.cert });
    expect(result.reason).toBeUndefined();
    const x509 = new X509Certificate(valid.cert);
    expect(result.tls).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/), cipher: expect.any(String) });
    expect(result.tls?.certificate).toMatchObject({ fingerprint256: x509.fingerprint256, validTo: Date.parse(x509.validTo), altNames: ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1'] });
    expect(result.tls?.certificate?.subject).toContain('CN=localhost');
    expect(result.tls?.certificate?.daysLeft).toBeGreaterThan(3000);
    expect(result.timings.tlsUs).toBeGreaterThan(0);
    expect(result.warning).toBeUndefined();
    expect(CheckResult.parse(result)).toEqual(result);
  });

  it('checks an IP URL against the IP names of the certificate (no SNI)', async () => {
    expect((await check(`https://127.0.0.1:${ok.port}/`, {}, { ca: valid.cert })).status).toBe('up');
  });

  it('is down with tls.untrusted for a self-signed certificate, still reporting it', async () => {
    const result = await check(`https://localhost:${ok.port}/`);
    expect(result).toMatchObject({ status: 'down', reason: { code: 'tls.untrusted', phase: 'tls' } });
    expect(result.tls?.certificate?.fingerprint256).toBe(new X509Certificate(valid.cert).fingerprint256);
    expect(result.timings.tlsUs).toBeGreaterThan(0);
    expect(result.httpStatus).toBeUndefined();
  });

  it('is up with verifyTls false for the same certificate', async () => {
    const result = await check(`https://localhost:${ok.port}/`, { verifyTls: false, keyword: { value: 'hello' } });
    expect(result).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(result.tls?.certificate).toBeDefined();
  });

  it('is down with tls.hostname when the certificate names another host', async () => {
    const result = await check(`https://status.example.test:${ok.port}/`, {}, { ca: valid.cert });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'tls.hostname', phase: 'tls' } });
    expect(result.reason?.message).toContain('DNS:localhost');
  });

  it('is down with tls.expired for an expired certificate, even when its issuer is trusted', async () => {
    const result = await check(`https://localhost:${old.port}/`, {}, { ca: expired.cert });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'tls.expired', phase: 'tls' } });
    expect(result.tls?.certificate?.daysLeft).toBeLessThan(0);
  });

  it('names expiry, not trust, when an expired certificate is also self-signed', async () => {
    expect((await check(`https://localhost:${old.port}/`)).reason?.code).toBe('tls.expired');
  });

  it('stays up with a tls.expired warning when verifyTls is false', async () => {
    const result = await check(`https://localhost:${old.port}/`, { verifyTls: false });
    expect(result).toMatchObject({ status: 'up', warning: { code: 'tls.expired' } });
  });

  it('warns tls.expires_soon within certExpiryDays, and not when that is 0', async () => {
    const result = await check(`https://localhost:${expiring.port}/`, { certExpiryDays: 14 }, { ca: soon.cert });
    expect(result).toMatchObject({ status: 'up', warning: { code: 'tls.expires_soon' } });
    expect(result.tls?.certificate?.daysLeft).toBe(5);
    expect(result.warning?.message).toContain('5 day(s)');
    expect((await check(`https://localhost:${expiring.port}/`, { certExpiryDays: 0 }, { ca: soon.cert })).warning).toBeUndefined();
    expect((await check(`https://localhost:${expiring.port}/`, { certExpiryDays: 3 }, { ca: soon.cert })).warning).toBeUndefined();
  });

  it('is down with tls.failed when the port speaks plain HTTP', async () => {
    expect(await check(`https://localhost:${plain.port}/`)).toMatchObject({ status: 'down', reason: { code: 'tls.failed', phase: 'tls' } });
  });

  it('keeps the certificate facts on a reused kept-alive TLS connection', async () => {
    const pool = new HttpAgentPool();
    try {
      const first = await check(`https://localhost:${ok.port}/`, { keepAlive: true }, { ca: valid.cert, agentPool: pool });
      const second = await check(`https://localhost:${ok.port}/`, { keepAlive: true }, { ca: valid.cert, agentPool: pool });
      expect(first).toMatchObject({ status: 'up', reused: false });
      expect(first.timings.tlsUs).toBeGreaterThan(0);
      expect(second).toMatchObject({ status: 'up', reused: true, ip: '127.0.0.1' });
      expect(second.timings.tlsUs).toBeUndefined();
      expect(second.tls?.certificate?.fingerprint256).toBe(first.tls?.certificate?.fingerprint256);
    } finally {
      pool.close();
    }
  });
});
