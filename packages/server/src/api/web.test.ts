import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onError } from './errors.js';
import { registerWeb } from './web.js';

describe('dashboard files', () => {
  const root = mkdtempSync(join(tmpdir(), 'pulse-web-'));
  const app = Fastify();
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Pulse</title>');
    writeFileSync(join(root, 'assets/app-1234.js'), 'console.log("pulse")'.repeat(100));
    writeFileSync(join(root, 'assets/app-1234.js.br'), brotliCompressSync('console.log("pulse")'.repeat(100)));
    app.setErrorHandler(onError);
    await registerWeb(app, root);
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers client-side routes with index.html, never cached', async () => {
    for (const url of ['/', '/resources/host:abc', '/login']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>Pulse</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets precompressed and cached for good', async () => {
    const res = await app.inject({ url: '/assets/app-1234.js', headers: { 'accept-encoding': 'br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('serves a file added after start (a rebuild without restart)', async () => {
    writeFileSync(join(root, 'assets/new-5678.js'), 'new');
    expect((await app.inject({ url: '/assets/new-5678.js' })).statusCode).toBe(200);
  });

  it('keeps unknown API paths and missing files as JSON 404s', async () => {
    for (const url of ['/api/nope', '/assets/missing.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('route.not_found');
    }
  });
});
