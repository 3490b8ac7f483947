import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestPulse, type TestPulse } from '../../test-support/pulse.js';

const PUBLIC = new Set(['GET /api/health', 'POST /api/setup', 'POST /api/session']);
/**
 * Public by design, each behind its own credential or publication: a push token, a status page's
 * slug. Without a valid one they answer a bare 404 (400 for a malformed key) that says nothing
 * about what exists.
 */
const PUBLIC_BY_KEY = new Set([
  'GET /api/push/{token}', 'POST /api/push/{token}', 'GET /api/public/status/{slug}',
  'GET /api/badge/{slug}/{index}/status.svg', 'GET /api/badge/{slug}/{index}/uptime.svg', 'GET /api/badge/{slug}/{index}/response.svg',
]);
/** Agent routes check install or agent tokens themselves: still 401 without one, with their own code. */
const OWN_TOKENS: Record<string, string> = {
  'POST /api/agents/enrol': 'agent.install_token_invalid',
  'POST /api/agents/report': 'agent.token_invalid',
  'GET /api/agents/pulse-agent.mjs': 'agent.token_invalid',
  // Piped into sh, so it answers with a script that fails.
  'GET /api/agents/install.sh': 'shell',
};

async function tokenFor(t: TestPulse, admin: { cookie: string; csrf: string }, scopes: string[]): Promise<string> {
  const res = await fetch(`${t.url}/api/tokens`, {
    method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `t-${scopes.join('-')}`, scopes }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

function wsOpen(url: string, headers: Record<string, string>): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/ws', 'pulse.v1.json', { headers });
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

describe('auth', () => {
  let t: TestPulse;
  let admin: { cookie: string; csrf: string };

  beforeAll(async () => {
    t = await startTestPulse();
  });
  afterAll(() => t.close());

  it('before setup only health and setup answer, and health says setup is needed', async () => {
    const health = await (await fetch(`${t.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', setupRequired: true });
    expect((await fetch(`${t.url}/api/resources`)).status).toBe(401);
    const weak = await fetch(`${t.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'short' }) });
    expect(weak.status).toBe(400);
    expect((await weak.json()).error).toMatchObject({ code: 'validation.failed', message: expect.stringContaining('body.password') });
    admin = await t.setupAdmin();
    const again = await fetch(`${t.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('setup.done');
  });

  it('answers 401 on every /api route without auth, except health, login and setup', async () => {
    const doc = (await (await fetch(`${t.url}/api/openapi.json`, { headers: { cookie: admin.cookie } })).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    let checked = 0;
    for (const { method, path } of routes) {
      if (PUBLIC.has(`${method} ${path}`)) continue;
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-0000-0000-000000000000');
      const res = await fetch(`${t.url}${concrete}`, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }) });
      if (PUBLIC_BY_KEY.has(`${method} ${path}`)) {
        // 404 for an unknown key; 400 when the placeholder is not even shaped like one (a badge index).
        expect([400, 404], `${method} ${path}`).toContain(res.status);
        checked++;
        continue;
      }
      expect(res.status, `${method} ${path}`).toBe(401);
      const own = OWN_TOKENS[`${method} ${path}`];
      if (own === 'shell') expect(await res.text()).toMatch(/^echo .*\nexit 1\n$/);
      else expect((await res.json()).error.code).toBe(own ?? 'auth.required');
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    expect((await fetch(`${t.url}/api/no-such-route`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await wsOpen(t.url, {})).status).toBe(401);
  });

  it('answers 403 to a token that lacks the scope, and 200 to one that has it', async () => {
    const reader = await tokenFor(t, admin, ['monitoring:read']);
    const auth = { authorization: `Bearer ${reader}` };
    expect((await fetch(`${t.url}/api/resources`, { headers: auth })).status).toBe(200);
    const create = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: ['admin'] }) });
    expect(create.status).toBe(403);
    expect((await create.json()).error).toMatchObject({ code: 'auth.forbidden', message: expect.stringContaining('tokens:write') });
    expect((await fetch(`${t.url}/metrics`, { headers: auth })).status).toBe(403);
    const scraper = await tokenFor(t, admin, ['metrics:read']);
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^pulse_connections_active \d+/m);
    expect(text).toMatch(/^pulse_resources \d+/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('refuses a session mutation without the CSRF token', async () => {
    const noCsrf = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: ['monitoring:read'] }) });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error.code).toBe('auth.csrf');
    const wrong = await fetch(`${t.url}/api/session`, { method: 'DELETE', headers: { cookie: admin.cookie, 'x-csrf-token': 'nope' } });
    expect(wrong.status).toBe(403);
    expect((await fetch(`${t.url}/api/me`, { headers: { cookie: admin.cookie } })).status).toBe(200);
  });

  it('revoked tokens stop working at once', async () => {
    const token = await tokenFor(t, admin, ['monitoring:read']);
    const list = (await (await fetch(`${t.url}/api/tokens`, { headers: { cookie: admin.cookie } })).json()) as { tokens: Array<{ id: string; name: string }> };
    expect(JSON.stringify(list)).not.toContain(token.split('.')[1]);
    const id = token.slice('pulse_'.length).split('.')[0];
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/ws`, 'pulse.v1.json', { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const del = await fetch(`${t.url}/api/tokens/${id}`, { method: 'DELETE', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    expect(del.status).toBe(204);
    expect(await closed).toBe(4501);
    expect((await fetch(`${t.url}/api/resources`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${t.url}/api/resources`, { headers: { authorization: 'Bearer pulse_garbage' } })).status).toBe(401);
  });

  it('locks out repeated bad logins with 429 and retry-after', async () => {
    const attempt = (password: string) => fetch(`${t.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt('wrong-password')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const locked = await attempt(ADMIN.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await locked.json()).error.code).toBe('auth.rate_limited');
  });

  it('refuses a WebSocket from a foreign Origin and accepts the same origin', async () => {
    const host = new URL(t.url).host;
    expect(await wsOpen(t.url, { cookie: admin.cookie, origin: 'https://evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await wsOpen(t.url, { cookie: admin.cookie, origin: `http://${host}` })).toEqual({ opened: true });
  });

  it('logs out: the cookie no longer works and open sockets of that session close with 4501', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/ws`, 'pulse.v1.json', { headers: { cookie: admin.cookie } });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const res = await fetch(`${t.url}/api/session`, { method: 'DELETE', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    expect(res.status).toBe(204);
    expect(await closed).toBe(4501);
    expect((await fetch(`${t.url}/api/me`, { headers: { cookie: admin.cookie } })).status).toBe(401);
  });
});

describe('sessions expire', () => {
  it('a session past its lifetime answers 401', async () => {
    let now = Date.now();
    const t = await startTestPulse({ now: () => now, env: { PULSE_SESSION_TTL_HOURS: '1' } });
    try {
      const admin = await t.setupAdmin();
      expect((await fetch(`${t.url}/api/me`, { headers: { cookie: admin.cookie } })).status).toBe(200);
      now += 3_600_001;
      const res = await fetch(`${t.url}/api/me`, { headers: { cookie: admin.cookie } });
      expect(res.status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
