import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './index.js';
import { httpMonitor } from './testing/monitors.js';
import { type Running, startHttpServer } from './testing/servers.js';

const JSON_BODY = JSON.stringify({ status: 'ok', data: { items: [{ name: 'Alpha', n: 3 }, { name: 'beta', n: 7 }], tags: ['eu', 'prod'] }, up: true, none: null });

describe('HTTP body checks: keyword, JSON paths, the byte bound and compression', () => {
  let web: Running;
  const url = (path: string) => `http://127.0.0.1:${web.port}${path}`;
  const check = (path: string, extra: Parameters<typeof httpMonitor>[1] = {}) => runCheck(httpMonitor(url(path), extra), Date.now(), 0, { timeoutMs: 5_000 });

  beforeAll(async () => {
    web = await startHttpServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON_BODY);
      if (path === '/text') return void res.end('Service is Healthy today');
      if (path === '/gzip') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(JSON_BODY));
      if (path === '/br') return void res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync('Service is Healthy'));
      if (path === '/bomb') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 'a')));
      if (path === '/endless') {
        // an endless chunked body: only the check's bound stops it
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 'x');
        const pump = () => { while (res.write(chunk)); };
        res.on('drain', pump);
        res.on('close', () => res.off('drain', pump));
        pump();
        return;
      }
      res.writeHead(404).end();
    });
  });
  afterAll(() => web.close());

  it('finds a keyword case-insensitively by default', async () => {
    expect((await check('/text', { keyword: { value: 'healthy' } })).status).toBe('up');
  });

  it('is down with http.keyword when the case must match and does not', async () => {
    const result = await check('/text', { keyword: { value: 'healthy', caseSensitive: true } });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'http.keyword', phase: 'assert' } });
  });

  it('is down with http.keyword_present when an inverted keyword is there', async () => {
    expect(await check('/text', { keyword: { value: 'HEALTHY', invert: true } })).toMatchObject({ status: 'down', reason: { code: 'http.keyword_present' } });
    expect((await check('/text', { keyword: { value: 'error', invert: true } })).status).toBe('up');
  });

  it('passes JSON path assertions with every operator', async () => {
    const result = await check('/json', {
      jsonPath: [
        { path: 'status', op: '==', value: 'ok' },
        { path: '$.data.items[1].name', op: '==', value: 'beta' },
        { path: 'data.items.length', op: '==', value: 2 },
        { path: 'data.items[0].n', op: '<', value: 4 },
        { path: 'data.items[1].n', op: '>=', value: 7 },
        { path: 'data.items[0].name.length', op: '<=', value: 5 },
        { path: 'data.items[1].n', op: '>', value: '6' },
        { path: 'status', op: '!=', value: 'down' },
        { path: 'data.tags', op: 'contains', value: 'prod' },
        { path: 'data.items[0].name', op: 'contains', value: 'lph' },
        { path: 'up', op: '==', value: true },
        { path: 'none', op: '==', value: null },
        { path: 'none', op: 'exists' },
        { path: 'missing', op: 'exists', value: false },
      ],
    });
    expect(result.reason).toBeUndefined();
  });

  it('is down with json.assertion naming the path, the value seen and the expectation', async () => {
    const result = await check('/json', { jsonPath: [{ path: 'status', op: '==', value: 'ok' }, { path: 'data.items[0].n', op: '>', value: 5 }] });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'json.assertion' } });
    expect(result.reason?.message).toBe('data.items[0].n is 3; expected > 5');
  });

  it('is down with json.assertion when the path is absent', async () => {
    expect(await check('/json', { jsonPath: [{ path: 'data.nope[3]', op: 'exists' }] })).toMatchObject({ reason: { code: 'json.assertion', message: expect.stringContaining('is nothing') } });
  });

  it('is down with json.invalid when the body is not JSON', async () => {
    expect(await check('/text', { jsonPath: [{ path: 'a', op: 'exists' }] })).toMatchObject({ status: 'down', reason: { code: 'json.invalid' } });
  });

  it('decodes gzip and brotli bodies before asserting', async () => {
    expect((await check('/gzip', { jsonPath: [{ path: 'data.items[0].name', op: '==', value: 'Alpha' }] })).reason).toBeUndefined();
    expect((await check('/br', { keyword: { value: 'healthy' } })).status).toBe('up');
  });

  it('stops an endless body at maxBodyBytes and stays up when nothing needs the body', async () => {
    const result = await check('/endless', { maxBodyBytes: 64 * 1024 });
    expect(result).toMatchObject({ status: 'up', facts: { truncated: true, bodyBytes: 64 * 1024 } });
  });

  it('is down with http.body_too_large when a keyword needs a body past the bound', async () => {
    const result = await check('/endless', { maxBodyBytes: 64 * 1024, keyword: { value: 'never-there' } });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'http.body_too_large', phase: 'download' }, facts: { truncated: true } });
  });

  it('applies the same bound to the decoded body (a 4 MiB gzip bomb in a few kB)', async () => {
    const result = await check('/bomb', { maxBodyBytes: 64 * 1024, keyword: { value: 'a' } });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'http.body_too_large' } });
    expect(result.facts?.truncated).toBeUndefined();
  });
});
