import type { CheckResult } from '@pulse/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { createCertificate } from '../../../../../tools/proxmox-sim/certs.mjs';
import { runCheck } from './index.js';
import { httpMonitor, loopbackLookup, ms } from './testing/monitors.js';
import { type Running, lookupVia, startDnsServer, startHttpServer, startHttpsServer, startSynDroppingServer } from './testing/servers.js';

/*
 * Each target injects 300 ms into one phase. The delayed phase must carry it (≥ 280 ms) and every
 * other phase must stay well under it (< 150 ms): margins wide enough for a loaded CI box.
 */
const DELAY = 300;
const CARRIES = 280_000;
const SPARED = 150_000;
const figures: Record<string, CheckResult['timings']> = {};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(() => {
  // the waterfall seen, in ms, for the record (README and the report quote these)
  console.log(Object.entries(figures).map(([name, t]) =>
    `${name}: dns ${ms(t.dnsUs)} connect ${ms(t.connectUs)} tls ${ms(t.tlsUs)} ttfb ${ms(t.ttfbUs)} download ${ms(t.downloadUs)} total ${ms(t.totalUs)}`).join('\n'));
});

const track = <T extends Running>(server: T): T => {
  cleanups.push(() => server.close());
  return server;
};

function expectOnly(result: CheckResult, phase: 'dnsUs' | 'connectUs' | 'tlsUs' | 'ttfbUs' | 'downloadUs') {
  expect(result.status, JSON.stringify(result.reason)).toBe('up');
  expect(result.timings[phase]).toBeGreaterThanOrEqual(CARRIES);
  for (const other of ['dnsUs', 'connectUs', 'tlsUs', 'ttfbUs', 'downloadUs'] as const) {
    if (other !== phase && result.timings[other] !== undefined) expect(result.timings[other], other).toBeLessThan(SPARED);
  }
  expect(result.timings.totalUs).toBeGreaterThanOrEqual(result.timings[phase] ?? 0);
}

describe('the HTTP waterfall puts an injected delay in the phase it happens in', () => {
  let certificate: { key: string; cert: string };
  beforeAll(() => {
    certificate = createCertificate({ commonName: 'localhost' });
  });

  it('charges a DNS server that answers after 300 ms to dns', async () => {
    const web = track(await startHttpServer((_req, res) => res.end('ok')));
    const dns = track(await startDnsServer({ A: { 'slow-dns.test': ['127.0.0.1'] } }, { delayMs: DELAY }));
    const result = await runCheck(httpMonitor(`http://slow-dns.test:${web.port}/`), Date.now(), 0, { timeoutMs: 5_000, lookup: lookupVia(dns.port) });
    figures['slow dns'] = result.timings;
    expectOnly(result, 'dnsUs');
    expect(result.ip).toBe('127.0.0.1');
  });

  it('charges SYNs the server kernel drops to connect (an accept queue kept full while the server stalls)', async () => {
    const web = track(await startSynDroppingServer());
    const release = await web.stallAccepts(DELAY);
    cleanups.unshift(release);
    const result = await runCheck(httpMonitor(`http://127.0.0.1:${web.port}/`), Date.now(), 0, { timeoutMs: 5_000 });
    figures['slow connect'] = result.timings;
    expectOnly(result, 'connectUs');
    expect(result.timings.dnsUs).toBeUndefined();
  });

  it('charges a TLS server that holds its handshake 300 ms (in SNICallback) to tls', async () => {
    const web = track(await startHttpsServer((_req, res) => res.end('ok'), { ...certificate, handshakeDelayMs: DELAY }));
    const result = await runCheck(httpMonitor(`https://localhost:${web.port}/`), Date.now(), 0, { timeoutMs: 5_000, lookup: loopbackLookup, ca: certificate.cert });
    figures['slow tls'] = result.timings;
    expectOnly(result, 'tlsUs');
    expect(result.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.tls?.certificate?.altNames).toContain('DNS:localhost');
  });

  it('charges a handler that waits 300 ms before its headers to ttfb', async () => {
    const web = track(await startHttpServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), DELAY);
    }));
    const result = await runCheck(httpMonitor(`http://127.0.0.1:${web.port}/`), Date.now(), 0, { timeoutMs: 5_000 });
    figures['slow first byte'] = result.timings;
    expectOnly(result, 'ttfbUs');
  });

  it('charges a body sent in two halves 300 ms apart to download', async () => {
    const web = track(await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a'.repeat(32 * 1024));
      setTimeout(() => res.end('b'.repeat(32 * 1024)), DELAY);
    }));
    const result = await runCheck(httpMonitor(`http://127.0.0.1:${web.port}/`, { keyword: { value: 'ab' } }), Date.now(), 0, { timeoutMs: 5_000 });
    figures['slow body'] = result.timings;
    expectOnly(result, 'downloadUs');
    expect(result.facts?.bodyBytes).toBe(64 * 1024);
  });
});
