import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { createCertificate } from '../../../../../tools/proxmox-sim/certs.mjs';
import { runCheck } from './index.js';
import { httpMonitor, loopbackLookup } from './testing/monitors.js';
import {
  type Running, closedPort, lookupVia, startDnsServer, startHttpServer, startHttpsServer, startSilentServer, startSynDroppingServer,
} from './testing/servers.js';

/** The deadline must hold: the result comes within timeoutMs plus a margin for a loaded machine. */
const TIMEOUT_MS = 400;
const WITHIN_US = (TIMEOUT_MS + 250) * 1000;

describe('HTTP checks that fail at run time name the phase and the reason', () => {
  const cleanups: (() => unknown)[] = [];
  const track = <T extends Running>(server: T): T => {
    cleanups.push(() => server.close());
    return server;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const check = (url: string, options = {}, extra: Parameters<typeof httpMonitor>[1] = {}) =>
    runCheck(httpMonitor(url, extra), Date.now(), 0, { timeoutMs: TIMEOUT_MS, ...options });

  it('times out as timeout.ttfb within timeoutMs when the server accepts and never answers', async () => {
    const silent = track(await startSilentServer());
    const result = await check(`http://127.0.0.1:${silent.port}/`);
    expect(result).toMatchObject({ status: 'down', reason: { code: 'timeout.ttfb', phase: 'ttfb' } });
    expect(result.timings.totalUs).toBeLessThan(WITHIN_US);
    expect(result.timings.connectUs).toBeGreaterThanOrEqual(0);
  });

  it('times out as timeout.download when the body stalls half way', async () => {
    const web = track(await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('half');
    }));
    const result = await check(`http://127.0.0.1:${web.port}/`);
    expect(result).toMatchObject({ status: 'down', httpStatus: 200, reason: { code: 'timeout.download', phase: 'download' } });
    expect(result.timings.ttfbUs).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalUs).toBeLessThan(WITHIN_US);
  });

  it('times out as timeout.tls when the handshake never finishes', async () => {
    const web = track(await startHttpsServer((_req, res) => res.end(), { ...createCertificate(), handshakeDelayMs: 10_000 }));
    const result = await check(`https://localhost:${web.port}/`, { lookup: loopbackLookup });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'timeout.tls', phase: 'tls' } });
    expect(result.timings.totalUs).toBeLessThan(WITHIN_US);
  });

  it('times out as timeout.connect when the server drops our SYNs', async () => {
    const web = track(await startSynDroppingServer());
    cleanups.unshift(await web.stallAccepts(1_500));
    const result = await check(`http://127.0.0.1:${web.port}/`);
    expect(result).toMatchObject({ status: 'down', reason: { code: 'timeout.connect', phase: 'connect' } });
    expect(result.timings.totalUs).toBeLessThan(WITHIN_US);
  });

  it('times out as timeout.dns when the resolver never answers', async () => {
    const result = await check('http://hangs.test/', { lookup: () => new Promise(() => undefined) });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'timeout.dns', phase: 'dns' } });
    expect(result.timings.totalUs).toBeLessThan(WITHIN_US);
  });

  it('is down with tcp.refused on a closed port', async () => {
    const port = await closedPort();
    const result = await check(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ status: 'down', ip: '127.0.0.1', reason: { code: 'tcp.refused', phase: 'connect' } });
    expect(result.reason?.message).toContain(`127.0.0.1:${port}`);
  });

  it('is down with dns.not_found for a name the resolver does not know (NXDOMAIN)', async () => {
    const dns = track(await startDnsServer({ A: { 'known.test': ['127.0.0.1'] } }));
    const result = await check('http://unknown.test/', { lookup: lookupVia(dns.port), timeoutMs: 5_000 });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'dns.not_found', phase: 'dns' } });
    expect(result.ip).toBeUndefined();
  });

  it('is down with tcp.reset when the server drops the connection mid-body', async () => {
    const web = track(await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    }));
    const result = await check(`http://127.0.0.1:${web.port}/`, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'tcp.reset', phase: 'download' } });
  });

  it('is down with check.cancelled when the caller aborts', async () => {
    const silent = track(await startSilentServer());
    const controller = new AbortController();
    const pending = check(`http://127.0.0.1:${silent.port}/`, { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort();
    expect(await pending).toMatchObject({ status: 'down', reason: { code: 'check.cancelled' } });
  });
});
