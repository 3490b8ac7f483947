import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgentPool, runCheck } from './index.js';
import { httpMonitor } from './testing/monitors.js';
import { type Running, startHttpServer } from './testing/servers.js';

/** Echoes what it received as JSON, and serves a few fixed routes. */
function route(req: http.IncomingMessage, res: http.ServerResponse, other: () => number) {
  const url = new URL(req.url ?? '/', 'http://x');
  const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
  if (hop) {
    const left = Number(hop[1]);
    res.writeHead(left > 0 ? 302 : 200, left > 0 ? { location: `/hop/${left - 1}` } : {}).end('landed');
    return;
  }
  if (url.pathname === '/elsewhere') return void res.writeHead(307, { location: `http://127.0.0.1:${other()}/echo` }).end();
  if (url.pathname === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
  if (url.pathname === '/moved') return void res.writeHead(301, { location: '/echo' }).end();
  if (url.pathname === '/status') return void res.writeHead(Number(url.searchParams.get('code'))).end('status');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString(), remote: req.socket.remotePort }));
  });
}

describe('HTTP checks against a local server', () => {
  let web: Running;
  let other: Running;
  const url = (path: string) => `http://127.0.0.1:${web.port}${path}`;
  const check = (target: string, extra: Parameters<typeof httpMonitor>[1] = {}, options = {}) =>
    runCheck(httpMonitor(target, extra), 1_000, 0, { timeoutMs: 5_000, worker: 'local', ...options });

  beforeAll(async () => {
    other = await startHttpServer((req, res) => route(req, res, () => other.port));
    web = await startHttpServer((req, res) => route(req, res, () => other.port));
  });
  afterAll(async () => {
    await web.close();
    await other.close();
  });

  it('is up with the status, the IP, no DNS phase for an IP literal and the schedule fields', async () => {
    const result = await check(url('/echo'));
    expect(result).toMatchObject({ monitorId: 'mon-1', scheduledAt: 1_000, attempt: 0, worker: 'local', status: 'up', httpStatus: 200, ip: '127.0.0.1', reused: false });
    expect(result.timings.dnsUs).toBeUndefined();
    expect(result.timings.connectUs).toBeGreaterThanOrEqual(0);
    expect(result.timings.tlsUs).toBeUndefined();
    expect(result.facts).toMatchObject({ httpVersion: '1.1' });
  });

  it('resolves a name with the injected lookup and times it', async () => {
    const result = await check(`http://app.internal:${web.port}/echo`, {}, { lookup: async () => ({ address: '127.0.0.1', family: 4 }) });
    expect(result.status).toBe('up');
    expect(result.timings.dnsUs).toBeGreaterThanOrEqual(0);
  });

  it('sends the method, headers, body and basic credentials it is given', async () => {
    const result = await check(url('/echo'), {
      method: 'POST', headers: { 'X-Probe': 'yes', 'Content-Type': 'text/plain' }, body: 'hello',
      auth: { kind: 'basic', username: 'ops', password: 's3cret' },
      jsonPath: [
        { path: 'method', op: '==', value: 'POST' },
        { path: 'body', op: '==', value: 'hello' },
        { path: 'headers.x-probe', op: '==', value: 'yes' },
        { path: "headers['content-length']", op: '==', value: 5 },
        { path: 'headers.authorization', op: '==', value: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` },
        { path: 'headers.host', op: '==', value: `127.0.0.1:${web.port}` },
      ],
    });
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('up');
  });

  it('sends a bearer token', async () => {
    const result = await check(url('/echo'), { auth: { kind: 'bearer', token: 'tok' }, jsonPath: [{ path: 'headers.authorization', op: '==', value: 'Bearer tok' }] });
    expect(result.status).toBe('up');
  });

  it('handles HEAD (no body) as up', async () => {
    const result = await check(url('/echo'), { method: 'HEAD' });
    expect(result).toMatchObject({ status: 'up', httpStatus: 200, facts: { bodyBytes: 0 } });
  });

  it('is down with http.status outside the accepted ranges, and up inside "5xx" or an exact code', async () => {
    const down = await check(url('/status?code=503'));
    expect(down).toMatchObject({ status: 'down', httpStatus: 503, reason: { code: 'http.status', phase: 'assert' } });
    expect(down.reason?.message).toMatch(/503.*200-299/);
    expect((await check(url('/status?code=503'), { acceptedStatus: ['5xx'] })).status).toBe('up');
    expect((await check(url('/status?code=418'), { acceptedStatus: ['200-299', '418'] })).status).toBe('up');
  });

  it('follows redirects, reporting the count, the final URL and the time spent before the last hop', async () => {
    const result = await check(url('/hop/3'), { keyword: { value: 'landed' } });
    expect(result).toMatchObject({ status: 'up', httpStatus: 200, facts: { redirects: 3, finalUrl: url('/hop/0') } });
    expect(result.facts?.redirectUs).toBeGreaterThan(0);
    expect(result.timings.totalUs).toBeGreaterThanOrEqual((result.facts?.redirectUs as number) + (result.timings.ttfbUs ?? 0));
  });

  it('is down with http.too_many_redirects past maxRedirects', async () => {
    const result = await check(url('/hop/3'), { maxRedirects: 2 });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'http.too_many_redirects' } });
  });

  it('judges the 3xx itself when redirects are not followed', async () => {
    expect(await check(url('/hop/1'), { followRedirects: false })).toMatchObject({ status: 'down', httpStatus: 302, reason: { code: 'http.status' } });
    expect(await check(url('/hop/1'), { followRedirects: false, acceptedStatus: ['302'] })).toMatchObject({ status: 'up', httpStatus: 302 });
  });

  it('turns a POST into a GET on 303 and 301, and keeps credentials off another origin', async () => {
    const seeOther = await check(url('/see-other'), { method: 'POST', body: 'x', jsonPath: [{ path: 'method', op: '==', value: 'GET' }, { path: 'body', op: '==', value: '' }] });
    expect(seeOther.status).toBe('up');
    const moved = await check(url('/moved'), { method: 'POST', body: 'x', jsonPath: [{ path: 'method', op: '==', value: 'GET' }] });
    expect(moved.status).toBe('up');
    const elsewhere = await check(url('/elsewhere'), {
      auth: { kind: 'bearer', token: 'tok' },
      jsonPath: [{ path: 'headers.authorization', op: 'exists', value: false }, { path: 'headers.host', op: '==', value: `127.0.0.1:${other.port}` }],
    });
    expect(elsewhere.reason).toBeUndefined();
  });

  it('reuses a kept-alive connection from the pool and says so (no DNS/connect phases then)', async () => {
    const pool = new HttpAgentPool();
    try {
      const monitor = { keepAlive: true, jsonPath: [{ path: 'remote', op: 'exists' as const }] };
      const first = await check(url('/echo'), monitor, { agentPool: pool });
      const second = await check(url('/echo'), monitor, { agentPool: pool });
      expect(first).toMatchObject({ status: 'up', reused: false });
      expect(first.timings.connectUs).toBeGreaterThanOrEqual(0);
      expect(second).toMatchObject({ status: 'up', reused: true, ip: '127.0.0.1' });
      expect(second.timings.connectUs).toBeUndefined();
      expect(second.timings.ttfbUs).toBeGreaterThanOrEqual(0);
      expect(pool.size).toBe(1);
    } finally {
      pool.close();
    }
  });

  it('opens a fresh connection per check without keepAlive', async () => {
    const pool = new HttpAgentPool();
    for (let i = 0; i < 2; i++) {
      const result = await check(url('/echo'), { jsonPath: [{ path: 'headers.connection', op: '==', value: 'close' }] }, { agentPool: pool });
      expect(result).toMatchObject({ status: 'up', reused: false });
      expect(result.timings.connectUs).toBeGreaterThanOrEqual(0);
    }
    expect(pool.size).toBe(0);
  });
});
