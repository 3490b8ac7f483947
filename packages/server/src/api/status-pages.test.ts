import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '@pulse/protocol';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createSessionService, createTokenService } from '../auth/index.js';
import { createMemoryMetricStore } from '../history/metric-store-memory.js';
import { DEFAULT_RETENTION_MS } from '../history/tiers.js';
import type { Sample } from '../history/types.js';
import { BADGE_COLOURS } from '../monitors/status-pages/index.js';
import { createRegistry } from '../resources/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createAccessHook } from './access.js';
import { onError } from './errors.js';
import { registerPublicStatusRoutes } from './routes/public-status.js';
import { registerStatusPageRoutes } from './routes/status-pages.js';
import { registerWeb } from './web.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
/** What no public answer may contain: where the monitors point, and every id. */
const SECRET_PLACES = ['shop.example.com', 'db.internal.lan', '10.1.2.3', '5432', 'intranet.corp.lan'];
const MONITORS = [
  { id: 'mon-web-0001', name: 'Website', type: 'http', definition: { type: 'http', name: 'Website', url: 'https://shop.example.com/health?key=abc' } },
  { id: 'mon-db-0002', name: 'Database <primary>', type: 'tcp', definition: { type: 'tcp', name: 'Database <primary>', host: 'db.internal.lan', port: 5432 } },
  { id: 'mon-intra-0003', name: 'Intranet', type: 'http', definition: { type: 'http', name: 'Intranet', url: 'https://intranet.corp.lan/' } },
  { id: 'mon-paused-0004', name: 'Old API', type: 'ping', definition: { type: 'ping', name: 'Old API', host: '10.9.9.9' }, enabled: 0 },
] as const;

describe('status pages API (real access hook, store on SQLite, registry and metric store)', () => {
  let store: StateStore;
  let url: string;
  let close: () => Promise<void>;
  let clock = NOW;
  const headers: Record<string, Record<string, string>> = {};
  const page = (over: Record<string, unknown> = {}) => ({
    slug: 'acme', title: 'Acme status', description: 'Our services', footer: '© Acme',
    groups: [{ name: 'Public', monitorIds: ['mon-web-0001', 'mon-db-0002'] }, { name: 'Legacy', monitorIds: ['mon-paused-0004'] }], ...over,
  });

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-status-pages-')) }));
    const now = () => clock;
    for (const m of MONITORS) {
      await store.monitors.insert({
        id: m.id, name: m.name, type: m.type, definition: JSON.stringify(m.definition), enabled: 'enabled' in m ? m.enabled : 1,
        push_token: null, source: 'ui', created_at: NOW - 40 * DAY, updated_at: NOW - 40 * DAY,
      });
    }
    // The registry as monitor-source.ts fills it (CONTRACT.md, "Resource"), without running checks.
    const registry = createRegistry();
    const resource = (id: string, name: string, state: string, target: string, rt: number, reason: unknown = null) => ({
      id: `monitor:${id}`, type: 'monitor' as const, name, source: 'monitors', status: state === 'up' ? 'online' as const : 'offline' as const,
      metrics: { up: state === 'up' ? 1 : 0, rt }, identity: {}, tags: [],
      details: { monitorType: 'http', target, state, reason, warning: null, lastCheckAt: NOW, interval: 60, ip: '10.1.2.3' },
    });
    registry.apply({ source: 'monitors', at: NOW, complete: true, resources: [
      resource('mon-web-0001', 'Website', 'up', 'https://shop.example.com/health?key=abc', 123.456),
      resource('mon-db-0002', 'Database <primary>', 'down', 'db.internal.lan:5432', 2.5, { code: 'tcp.refused', message: 'connect ECONNREFUSED 10.1.2.3:5432' }),
      resource('mon-intra-0003', 'Intranet', 'up', 'https://intranet.corp.lan/', 40),
    ] });
    // Three days of `up` every 5 minutes, rolled up day by day as a running server would: the website
    // always up, the database down for the first half of each day.
    const history = createMemoryMetricStore({ now, retention: DEFAULT_RETENTION_MS, maintainBatches: 100 });
    for (let day = NOW - 3 * DAY; day < NOW; day += DAY) {
      const samples: Sample[] = [];
      for (let t = day; t < day + DAY; t += 300_000) {
        samples.push({ resource: 'monitor:mon-web-0001', metric: 'up', t, v: 1 });
        samples.push({ resource: 'monitor:mon-db-0002', metric: 'up', t, v: (t % DAY) < DAY / 2 ? 0 : 1 });
      }
      history.append(samples);
      clock = day + DAY;
      await history.maintain();
    }
    for (let i = 0; i < 3; i++) await history.maintain();
    await store.monitorIncidents.open({ id: 'inc-1', monitor_id: 'mon-db-0002', started_at: NOW - 3600_000, ended_at: null, reason_code: 'tcp.refused', reason_message: 'connect ECONNREFUSED 10.1.2.3:5432 (db.internal.lan)' });
    await store.monitorIncidents.open({ id: 'inc-2', monitor_id: 'mon-intra-0003', started_at: NOW - 7200_000, ended_at: NOW - 3600_000, reason_code: 'http.status', reason_message: 'https://intranet.corp.lan/ answered 500' });
    await store.maintenanceWindows.insert({ id: 'mw-1', title: 'Database upgrade', definition: JSON.stringify({ monitorIds: ['mon-db-0002'], startsAt: NOW + DAY, endsAt: NOW + DAY + 3600_000 }), created_at: 1 });
    await store.maintenanceWindows.insert({ id: 'mw-2', title: 'Intranet move', definition: JSON.stringify({ monitorIds: ['mon-intra-0003'], startsAt: NOW + DAY, endsAt: NOW + 2 * DAY }), created_at: 1 });

    const tokens = createTokenService({ store, now: Date.now });
    const authenticate = createAuthenticator(createSessionService({ store, now: Date.now, ttlMs: () => 3_600_000 }), tokens);
    await store.users.insert({ id: 'u1', username: 'admin', password_hash: 'x', role: 'admin', created_at: 1 });
    for (const [who, scopes] of [['writer', ['settings:write', 'monitoring:read']], ['reader', ['monitoring:read']]] as const) {
      headers[who] = { authorization: `Bearer ${(await tokens.create({ name: who, scopes: [...scopes] as Scope[], userId: 'u1' })).token}` };
    }
    const webRoot = mkdtempSync(join(tmpdir(), 'pulse-status-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Pulse</title>');
    // As api/app.ts, with only these routes and the web fallback.
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(onError);
    app.addHook('onRequest', createAccessHook(authenticate, () => []));
    const deps = { store, registry, history: { store: history, retention: () => DEFAULT_RETENTION_MS, report: async () => null }, now };
    registerStatusPageRoutes(app, deps);
    registerPublicStatusRoutes(app, deps);
    await registerWeb(app, webRoot);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await store.close();
    };
  });
  afterAll(() => close?.());

  const call = async (method: string, path: string, body?: unknown, as: Record<string, string> = headers.writer!) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { ...as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
  const anon = (path: string, extra: Record<string, string> = {}) => call('GET', path, undefined, extra);

  it('creates, lists, reads, replaces and deletes a page, and audits each change', async () => {
    const created = await call('POST', '/api/status-pages', page({ slug: 'crud' }));
    expect(created.status).toBe(201);
    const { id } = created.body.statusPage;
    expect(created.body.statusPage).toMatchObject({ slug: 'crud', title: 'Acme status', showIncidents: true, showResponseTimes: true, createdAt: NOW });
    expect((await call('GET', '/api/status-pages', undefined, headers.reader)).body.statusPages.map((p: { slug: string }) => p.slug)).toContain('crud');
    expect((await call('GET', `/api/status-pages/${id}`, undefined, headers.reader)).body.statusPage.id).toBe(id);
    const replaced = await call('PUT', `/api/status-pages/${id}`, page({ slug: 'crud-2', title: 'Renamed', groups: [] }));
    expect(replaced.body.statusPage).toMatchObject({ id, slug: 'crud-2', title: 'Renamed', groups: [] });
    expect((await anon('/api/public/status/crud')).status).toBe(404);
    expect((await anon('/api/public/status/crud-2')).body.title).toBe('Renamed');
    expect((await call('DELETE', `/api/status-pages/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/status-pages/${id}`)).body.error.code).toBe('status_page.not_found');
    expect((await anon('/api/public/status/crud-2')).status).toBe(404);
    const audit = (await store.audit.recent(20)).filter((e) => e.target === id);
    expect(audit.map((e) => e.action).sort()).toEqual(['status_page.create', 'status_page.delete', 'status_page.update']);
  });

  it('answers 400 naming the field or the unknown monitor, 404 and 409 for a taken slug', async () => {
    const bad = await call('POST', '/api/status-pages', page({ slug: 'Bad Slug', logoUrl: 'javascript:alert(1)' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation.failed', message: expect.stringContaining('body.slug') });
    expect(bad.body.error.message).toContain('body.logoUrl');
    const unknown = await call('POST', '/api/status-pages', page({ slug: 'ghost', groups: [{ name: 'x', monitorIds: ['mon-web-0001', 'nope'] }] }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('body.groups.0.monitorIds.1: no monitor with id "nope"');
    expect((await call('POST', '/api/status-pages', page({ slug: 'taken' }))).status).toBe(201);
    const taken = await call('POST', '/api/status-pages', page({ slug: 'taken' }));
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('status_page.slug_taken');
    const other = (await call('POST', '/api/status-pages', page({ slug: 'other' }))).body.statusPage.id;
    expect((await call('PUT', `/api/status-pages/${other}`, page({ slug: 'taken' }))).status).toBe(409);
    expect((await call('PUT', '/api/status-pages/nope', page({ slug: 'nope' }))).status).toBe(404);
    expect((await call('DELETE', '/api/status-pages/nope')).status).toBe(404);
  });

  it('needs monitoring:read to read and settings:write to change; everything else stays closed without login', async () => {
    expect((await anon('/api/status-pages')).status).toBe(401);
    expect((await call('POST', '/api/status-pages', page({ slug: 'by-reader' }), headers.reader)).status).toBe(403);
    for (const path of ['/api/monitors', '/api/status-pages/x', '/api/resources', '/api/public', '/api/badge/acme']) {
      expect((await anon(path)).status, path).toBe(401);
    }
    expect((await call('DELETE', '/api/status-pages/x', undefined, {})).status).toBe(401);
  });

  it('shows anyone only the page\'s monitors, with no ids, targets, addresses or settings', async () => {
    await call('POST', '/api/status-pages', page());
    const res = await anon('/api/public/status/acme');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30');
    const view = res.body;
    expect(view).toMatchObject({ title: 'Acme status', description: 'Our services', footer: '© Acme', overall: 'degraded', updatedAt: NOW });
    expect(view.groups.map((g: { name: string; monitors: Array<{ name: string }> }) => [g.name, g.monitors.map((m) => m.name)]))
      .toEqual([['Public', ['Website', 'Database <primary>']], ['Legacy', ['Old API']]]);
    const [web, db] = view.groups[0].monitors;
    expect(web).toMatchObject({ index: 0, state: 'up', responseMs: 123, uptime: { '24h': 100 } });
    expect(db).toMatchObject({ index: 1, state: 'down', responseMs: 3 });
    expect(view.groups[1].monitors[0]).toEqual(expect.objectContaining({ index: 2, state: 'paused' }));
    expect(view.groups[1].monitors[0].responseMs).toBeUndefined();
    // Daily bars: 90 of them, the last being today; the database was up half of each finished day.
    expect(web.history).toHaveLength(90);
    expect(web.history.at(-1).day).toBe(Date.UTC(2025, 5, 15));
    expect(web.history.at(-2)).toEqual({ day: Date.UTC(2025, 5, 14), uptime: 100 });
    expect(db.history.at(-2)).toEqual({ day: Date.UTC(2025, 5, 14), uptime: 50 });
    expect(db.history[0].uptime).toBeNull();
    expect(view.incidents).toEqual([{ monitorName: 'Database <primary>', startedAt: NOW - 3600_000, endedAt: null, reason: 'connect ECONNREFUSED … (…)' }]);
    expect(view.maintenance).toEqual([{ title: 'Database upgrade', startsAt: NOW + DAY, endsAt: NOW + DAY + 3600_000 }]);
    for (const secret of [...SECRET_PLACES, 'Intranet', 'Intranet move', ...MONITORS.map((m) => m.id), 'key=abc', 'tcp.refused', 'monitor:']) {
      expect(res.text, secret).not.toContain(secret);
    }
    const stored = (await call('GET', '/api/status-pages')).body.statusPages.find((p: { slug: string }) => p.slug === 'acme');
    expect(res.text).not.toContain(stored.id);
    expect(Object.keys(web).sort()).toEqual(['history', 'index', 'name', 'responseMs', 'state', 'uptime']);
  });

  it('hides incidents and response times when the page says so, and answers unknown slugs alike', async () => {
    await call('POST', '/api/status-pages', page({ slug: 'quiet', showIncidents: false, showResponseTimes: false }));
    const view = (await anon('/api/public/status/quiet')).body;
    expect(view.incidents).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('responseMs');
    expect((await anon('/api/badge/quiet/0/response.svg')).status).toBe(404);
    const [missing, malformed] = [await anon('/api/public/status/nothing-here'), await anon('/api/public/status/..%2F..%2Fetc')];
    expect(missing.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(malformed.body).toEqual(missing.body);
    expect(missing.body.error).toEqual({ code: 'status_page.not_found', message: 'No status page at this address.' });
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await anon('/api/public/status/acme');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await anon('/api/public/status/acme', { 'if-none-match': `W/"x", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('draws badges by the monitor\'s place on the page: state, uptime and response time, text escaped', async () => {
    const status = await anon('/api/badge/acme/1/status.svg');
    expect(status.status).toBe(200);
    expect(status.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(status.headers.get('cache-control')).toBe('public, max-age=60');
    expect(status.text.startsWith('<svg ')).toBe(true);
    expect(status.text).toContain('Database &lt;primary&gt;');
    expect(status.text).not.toContain('<primary>');
    expect(status.text).toContain(`fill="${BADGE_COLOURS.red}"`);
    expect(status.text).toMatch(/^<svg [^>]*width="(\d+)"/);
    const up = await anon('/api/badge/acme/0/status.svg?label=<b>"shop"</b>');
    expect(up.text).toContain(`fill="${BADGE_COLOURS.green}"`);
    expect(up.text).toContain('&lt;b&gt;&quot;shop&quot;&lt;/b&gt;');
    const widthOf = (svg: string) => Number(/^<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    expect(widthOf(up.text)).toBeGreaterThan(widthOf((await anon('/api/badge/acme/0/status.svg?label=a')).text));
    expect((await anon('/api/badge/acme/2/status.svg')).text).toContain(`fill="${BADGE_COLOURS.grey}"`);
    const uptime = await anon('/api/badge/acme/0/uptime.svg?range=7d');
    expect(uptime.text).toContain('uptime 7d');
    expect(uptime.text).toContain('>100%<');
    expect((await anon('/api/badge/acme/1/uptime.svg?range=30d')).text).toMatch(/>50%</);
    expect((await anon('/api/badge/acme/0/uptime.svg?range=1y')).status).toBe(400);
    expect((await anon('/api/badge/acme/0/response.svg')).text).toContain('>123 ms<');
    for (const path of ['/api/badge/acme/3/status.svg', '/api/badge/nope/0/status.svg', '/api/badge/acme/-1/status.svg']) {
      expect((await anon(path)).status, path).toBeGreaterThanOrEqual(400);
    }
    expect((await anon('/api/badge/acme/3/status.svg')).body.error.code).toBe('status_page.not_found');
  });

  it('serves the page\'s web address to browsers without login', async () => {
    const res = await anon('/status/acme');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>Pulse</title>');
  });

  it('slows down one address that asks too often', async () => {
    clock += 120_000;
    let limited: Awaited<ReturnType<typeof anon>> | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const res = await anon('/api/badge/acme/0/status.svg');
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    clock += 120_000;
    expect((await anon('/api/public/status/acme')).status).toBe(200);
  });
});
