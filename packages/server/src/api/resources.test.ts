import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';

describe('resources API', () => {
  let t: TestPulse;
  let headers: Record<string, string>;

  beforeAll(async () => {
    t = await startTestPulse();
    const admin = await t.setupAdmin();
    headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
  });
  afterAll(() => t.close());

  const get = async (path: string) => {
    const res = await fetch(`${t.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('lists this machine as a host and filters by type, status and text', async () => {
    const { body } = await waitFor(async () => {
      const r = await get('/api/resources');
      return r.body.resources.length ? r : undefined;
    }, 'the local host');
    const host = body.resources.find((r: { type: string }) => r.type === 'host');
    expect(host.id).toMatch(/^host:/);
    expect(host.metrics['mem.used']).toBeLessThanOrEqual(host.metrics['mem.total']);
    expect((await get('/api/resources?type=host')).body.resources).toHaveLength(1);
    expect((await get('/api/resources?type=vm')).body.resources).toHaveLength(0);
    expect((await get('/api/resources?status=offline')).body.resources).toHaveLength(0);
    expect((await get(`/api/resources?q=${encodeURIComponent(host.name.toUpperCase())}`)).body.resources).toHaveLength(1);
    expect((await get(`/api/resources/${encodeURIComponent(host.id)}`)).body.resource.id).toBe(host.id);
  });

  it('serves the recent series of a metric, growing as samples arrive', async () => {
    const { body } = await get('/api/resources?type=host');
    const id = encodeURIComponent(body.resources[0].id);
    const points = await waitFor(async () => {
      const s = (await get(`/api/resources/${id}/series?metrics=cpu,mem.percent&window=600`)).body.series;
      return s.cpu.t.length >= 3 ? s : undefined;
    }, 'three cpu points');
    expect(points.cpu.v.every((v: number) => v >= 0 && v <= 100)).toBe(true);
    expect(points['mem.percent'].t.length).toBeGreaterThan(0);
  });

  it.each([
    ['/api/resources?type=spaceship', 400, 'validation.failed', 'querystring.type'],
    ['/api/resources/nope', 404, 'resource.not_found', 'nope'],
    ['/api/resources/nope/series?metrics=cpu', 404, 'resource.not_found', 'nope'],
    ['/api/resources/x/series', 400, 'validation.failed', 'querystring.metrics'],
    ['/api/resources/x/series?metrics=cpu&window=99999', 400, 'validation.failed', 'querystring.window'],
  ])('answers %s with %i %s', async (path, status, code, mention) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toContain(mention);
  });

  it('answers malformed and mistyped bodies with a 400 that says what is wrong', async () => {
    const post = (body: string, type = 'application/json') => fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
    const malformed = await post('{"name": "x", ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('body.malformed');
    const mistyped = await post(JSON.stringify({ name: 42, scopes: 'all' }));
    expect(mistyped.status).toBe(400);
    const { error } = await mistyped.json();
    expect(error.code).toBe('validation.failed');
    expect(error.message).toContain('body.name');
    expect(error.message).toContain('body.scopes');
    const unknownScope = await post(JSON.stringify({ name: 'x', scopes: ['root'] }));
    expect(unknownScope.status).toBe(400);
    const wrongType = await post('name=x', 'application/x-www-form-urlencoded');
    expect(wrongType.status).toBe(415);
    const huge = await post(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), scopes: ['monitoring:read'] }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('body.too_large');
    // Nothing above broke the server or the session.
    expect((await get('/api/me')).status).toBe(200);
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const { status, body } = await get('/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/resources', '/api/resources/{id}', '/api/tokens', '/api/session', '/api/me']));
    expect(body.paths['/api/resources'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['type', 'status', 'q']));
  });
});
