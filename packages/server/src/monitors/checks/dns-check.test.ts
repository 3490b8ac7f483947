import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './index.js';
import { monitor } from './testing/monitors.js';
import { type Running, closedPort, startDnsServer } from './testing/servers.js';

describe('DNS checks against a loopback DNS server', () => {
  let server: Running;
  let slow: Running;
  const dns = (hostname: string, recordType: string, extra: Record<string, unknown> = {}, resolverPort = server.port) =>
    monitor({ name: 'dns', type: 'dns', hostname, recordType: recordType as 'A', resolver: `127.0.0.1:${resolverPort}`, ...extra });
  const check = (m: ReturnType<typeof monitor>, timeoutMs = 3_000) => runCheck(m, 0, 0, { timeoutMs });

  beforeAll(async () => {
    const zone = {
      A: { 'app.test': ['10.0.0.1', '10.0.0.2'] },
      AAAA: { 'app.test': ['2001:db8::1'] },
      MX: { 'app.test': [{ exchange: 'mail.app.test', priority: 10 }] },
      TXT: { 'app.test': ['v=spf1 -all'] },
      CNAME: { 'www.app.test': 'app.test' },
    };
    server = await startDnsServer(zone);
    slow = await startDnsServer(zone, { delayMs: 2_000 });
  });
  afterAll(async () => {
    await server.close();
    await slow.close();
  });

  it('answers A records as text and times the query', async () => {
    const result = await check(dns('app.test', 'A', { expected: ['10.0.0.2'] }));
    expect(result).toMatchObject({ status: 'up', facts: { recordType: 'A', answers: ['10.0.0.1', '10.0.0.2'], resolver: `127.0.0.1:${server.port}` } });
    expect(result.timings.dnsUs).toBe(result.timings.totalUs);
  });

  it('answers AAAA, MX, TXT and CNAME records', async () => {
    expect((await check(dns('app.test', 'AAAA'))).facts?.answers).toEqual(['2001:db8::1']);
    expect((await check(dns('app.test', 'MX', { expected: ['MAIL.app.test.'] }))).facts?.answers).toEqual(['10 mail.app.test']);
    expect((await check(dns('app.test', 'TXT', { expected: ['v=spf1 -all'] }))).status).toBe('up');
    expect((await check(dns('www.app.test', 'CNAME', { expected: ['app.test'] }))).facts?.answers).toEqual(['app.test']);
  });

  it('is down with dns.unexpected when an expected value is missing', async () => {
    const result = await check(dns('app.test', 'A', { expected: ['10.0.0.1', '10.9.9.9'] }));
    expect(result).toMatchObject({ status: 'down', reason: { code: 'dns.unexpected' } });
    expect(result.reason?.message).toContain('missing 10.9.9.9');
  });

  it('is down with dns.not_found on NXDOMAIN', async () => {
    expect(await check(dns('nope.test', 'A'))).toMatchObject({ status: 'down', reason: { code: 'dns.not_found', phase: 'dns' } });
  });

  it('is down with dns.timeout within timeoutMs when the resolver is too slow', async () => {
    const result = await check(dns('app.test', 'A', {}, slow.port), 400);
    expect(result).toMatchObject({ status: 'down', reason: { code: 'dns.timeout' } });
    expect(result.timings.totalUs).toBeLessThan(900_000);
  });

  it('is down with dns.timeout when nothing listens at the resolver address', async () => {
    const result = await check(dns('app.test', 'A', {}, await closedPort()), 400);
    expect(result).toMatchObject({ status: 'down', reason: { code: 'dns.timeout' } });
  });
});
