import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse } from '../../test-support/pulse.js';

/** The routes as `pulse serve` mounts them (api/app.ts and main.ts), not a test-built app. */
describe('status pages in a running Pulse', () => {
  let t: TestPulse;
  let admin: { cookie: string; csrf: string };
  beforeAll(async () => {
    t = await startTestPulse();
    admin = await t.setupAdmin();
  });
  afterAll(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });

  it('opens the public page, its badges and its browser address to anyone, and nothing else', async () => {
    const write = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin: t.url, 'content-type': 'application/json' };
    const created = await fetch(`${t.url}/api/status-pages`, { method: 'POST', headers: write, body: JSON.stringify({ slug: 'empty', title: 'Nothing yet', groups: [] }) });
    expect(created.status).toBe(201);
    const view = await get('/api/public/status/empty');
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ title: 'Nothing yet', overall: 'operational', groups: [] });
    expect((await get('/api/public/status/missing')).status).toBe(404);
    expect((await get('/api/badge/empty/0/status.svg')).status).toBe(404);
    // No dashboard is built in tests: the fallback's 503 (not a 401) shows /status/* needs no login.
    expect((await get('/status/empty')).status).toBe(503);
    for (const path of ['/api/status-pages', '/api/monitors', '/api/resources', '/api/public/other']) {
      expect((await get(path)).status, path).toBe(401);
    }
    expect((await get('/api/status-pages', { cookie: admin.cookie })).status).toBe(200);
  });
});
