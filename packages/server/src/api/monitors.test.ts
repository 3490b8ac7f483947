import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, Scope } from '@pulse/protocol';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createSessionService, createTokenService } from '../auth/index.js';
import { createMemoryMetricStore } from '../history/metric-store-memory.js';
import { createMaintenanceService } from '../monitors/maintenance-service.js';
import { createMonitorResults } from '../monitors/monitor-results.js';
import { createMonitorService } from '../monitors/monitor-service.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createAccessHook } from './access.js';
import { onError } from './errors.js';
import { registerMaintenanceRoutes } from './routes/maintenance.js';
import { registerMonitorRoutes, type Push } from './routes/monitors.js';
import { registerPushRoutes } from './routes/push.js';

const PASSWORD = 'pw-d0n7-5h0w-m3';
const BEARER = 'bearer-d0n7-5h0w-m3';
const http = (name: string, over: Record<string, unknown> = {}) => ({ type: 'http', name, url: 'https://example.test/health', intervalS: 60, ...over });
const retention = { raw: 86_400_000, '1m': 7 * 86_400_000, '1h': 90 * 86_400_000, '1d': 730 * 86_400_000 };

describe('monitors API (routes with real auth, store, service and results; a fake check runner)', () => {
  let store: StateStore;
  let url: string;
  let close: () => Promise<void>;
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const pushes: Array<{ monitorId: string; push: Push }> = [];
  const logLines: string[] = [];
  const headers: Record<string, Record<string, string>> = {};
  let results: ReturnType<typeof createMonitorResults>;

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-monitors-api-')) }));
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    const service = createMonitorService({ store, now });
    const maintenance = createMaintenanceService({ store, now });
    results = createMonitorResults({ store, now, logger, inMaintenance: maintenance.covers });
    service.onChange((c) => (c.kind === 'upsert' ? results.track(c.monitor) : results.forget(c.id)));
    const tokens = createTokenService({ store, now: Date.now });
    const authenticate = createAuthenticator(createSessionService({ store, now: Date.now, ttlMs: () => 3_600_000 }), tokens);
    await store.users.insert({ id: 'u1', username: 'admin', password_hash: 'x', role: 'admin', created_at: 1 });
    for (const [who, scopes] of [['admin', ['admin']], ['writer', ['settings:write', 'monitoring:read']], ['reader', ['monitoring:read']], ['settingsReader', ['settings:read']]] as const) {
      headers[who] = { authorization: `Bearer ${(await tokens.create({ name: who, scopes: [...scopes] as Scope[], userId: 'u1' })).token}` };
    }
    const history = createMemoryMetricStore({ now, retention });
    const runNow = async (monitor: { id: string }): Promise<CheckResult> => {
      const result: CheckResult = { monitorId: monitor.id, scheduledAt: clock, startedAt: clock, status: 'up', timings: { totalUs: 12_345 }, attempt: 0, worker: 'local' };
      await results.applyResult(result, results.monitor(monitor.id)!);
      return result;
    };
    const monitors = { service, results, maintenance, history: { store: history, retention: () => retention }, runNow, now,
      recordPush: (monitor: { id: string }, push: Push) => void pushes.push({ monitorId: monitor.id, push }) };
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(onError);
    app.addHook('onRequest', createAccessHook(authenticate, () => []));
    registerMonitorRoutes(app, { monitors });
    registerMaintenanceRoutes(app, { maintenance });
    registerPushRoutes(app, { service, recordPush: monitors.recordPush, now });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await store.close();
    };
  });
  afterAll(() => close?.());

  const answers: string[] = [];
  const call = async (method: string, path: string, body?: unknown, as: Record<string, string> | undefined = headers.admin) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { ...as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };

  it('creates, lists, reads, changes, pauses and deletes a monitor, masking its credentials everywhere', async () => {
    const created = await call('POST', '/api/monitors', http('api', { auth: { kind: 'basic', username: 'ops', password: PASSWORD }, headers: { Authorization: `Bearer ${BEARER}`, Accept: 'application/json' } }), headers.writer);
    expect(created.status).toBe(201);
    const { id } = created.body.monitor;
    expect(created.body.monitor).toMatchObject({
      name: 'api', type: 'http', intervalS: 60, timeoutMs: 10_000, retries: 1, state: 'unknown', managedBy: 'ui',
      auth: { kind: 'basic', username: 'ops', password: '********' }, headers: { Authorization: '********', Accept: 'application/json' },
    });
    expect((await call('GET', '/api/monitors', undefined, headers.reader)).body.monitors.map((m: { id: string }) => m.id)).toEqual([id]);
    // The UI sends back what it was shown: masked values keep the stored secrets.
    const shown = (await call('GET', `/api/monitors/${id}`, undefined, headers.reader)).body.monitor;
    const { id: _i, createdAt: _c, updatedAt: _u, state: _s, managedBy: _m, uptime24h: _up, ...definition } = shown;
    const renamed = await call('PUT', `/api/monitors/${id}`, { ...definition, name: 'api-v2' }, headers.writer);
    expect(renamed.status).toBe(200);
    expect(renamed.body.monitor).toMatchObject({ name: 'api-v2', auth: { password: '********' } });
    const exported = await call('GET', '/api/monitors/export', undefined, headers.settingsReader);
    expect(exported.body.monitors[0]).toMatchObject({ name: 'api-v2', auth: { password: PASSWORD }, headers: { Authorization: `Bearer ${BEARER}` } });
    expect((await call('POST', `/api/monitors/${id}/pause`, undefined, headers.writer)).body.monitor).toMatchObject({ enabled: false, state: 'paused' });
    expect((await call('POST', `/api/monitors/${id}/resume`, undefined, headers.writer)).body.monitor).toMatchObject({ enabled: true, state: 'unknown' });
    expect((await call('DELETE', `/api/monitors/${id}`, undefined, headers.writer)).status).toBe(204);
    expect((await call('GET', `/api/monitors/${id}`)).body.error.code).toBe('monitor.not_found');
    const audit = await store.audit.recent(20);
    expect(audit.filter((e) => e.target === id).map((e) => e.action).sort()).toEqual(['monitor.create', 'monitor.delete', 'monitor.pause', 'monitor.resume', 'monitor.update']);
    for (const text of [...answers.filter((a) => !a.includes('"version":1')), ...logLines, JSON.stringify(audit)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(BEARER);
    }
  });

  it.each([
    ['a URL that is not one', http('v1', { url: 'not a url' }), 'url'],
    ['an unsupported scheme', http('v2', { url: 'ftp://files.test/' }), 'url'],
    ['an unsupported type', { type: 'smtp', name: 'v3', host: 'mail.test' }, 'type'],
    ['interval 0', http('v4', { intervalS: 0 }), 'intervalS'],
    ['interval 100000', http('v5', { intervalS: 100_000 }), 'intervalS'],
    ['a timeout as long as the interval', http('v6', { intervalS: 10, timeoutMs: 10_000 }), 'timeoutMs'],
    ['a JSON path with an empty step', http('v7', { jsonPath: [{ path: 'data..ok', op: '==', value: true }] }), 'jsonPath.0.path'],
    ['a JSON path with an open bracket', http('v8', { jsonPath: [{ path: 'items[0', op: 'exists' }] }), 'jsonPath.0.path'],
    ['a header name with a space', http('v9', { headers: { 'X Bad': '1' } }), 'headers'],
    ['a TCP port of 0', { type: 'tcp', name: 'v10', host: 'db.lan', port: 0 }, 'port'],
    ['a DNS resolver that is no address', { type: 'dns', name: 'v11', hostname: 'example.test', resolver: 'dns.google' }, 'resolver'],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const answer = await call('POST', '/api/monitors', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation.failed');
    expect(answer.body.error.message).toContain(field);
  });

  it('answers 409 for a name in use, on create and on rename', async () => {
    expect((await call('POST', '/api/monitors', http('taken'))).status).toBe(201);
    const other = (await call('POST', '/api/monitors', http('free'))).body.monitor;
    expect((await call('POST', '/api/monitors', http('taken'))).body.error.code).toBe('monitor.name_taken');
    const renamed = await call('PUT', `/api/monitors/${other.id}`, http('taken'));
    expect(renamed.status).toBe(409);
  });

  it('keeps the scopes: reading needs monitoring:read, export settings:read, changes settings:write', async () => {
    expect((await call('POST', '/api/monitors', http('nope'), headers.reader)).status).toBe(403);
    expect((await call('GET', '/api/monitors/export', undefined, headers.reader)).status).toBe(403);
    expect((await call('GET', '/api/monitors', undefined, headers.settingsReader)).status).toBe(403);
    expect((await call('GET', '/api/monitors', undefined, {})).status).toBe(401);
  });

  it('exports and imports by name: merge creates and updates, replace removes the unlisted, a bad import changes nothing', async () => {
    const exported = (await call('GET', '/api/monitors/export')).body;
    expect(exported.version).toBe(1);
    expect(exported.monitors.every((m: Record<string, unknown>) => m.id === undefined)).toBe(true);
    const again = await call('POST', '/api/monitors/import', { ...exported, mode: 'merge' });
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: exported.monitors.length, removed: 0 });
    const changed = [{ ...exported.monitors[0], intervalS: 120 }, http('imported'), { type: 'push', name: 'nightly-backup', intervalS: 86_400 }];
    expect((await call('POST', '/api/monitors/import', { version: 1, monitors: changed, mode: 'replace' })).body)
      .toEqual({ created: 2, updated: 1, unchanged: 0, removed: exported.monitors.length - 1 });
    const before = (await call('GET', '/api/monitors')).body.monitors.map((m: { name: string }) => m.name).sort();
    expect(before).toEqual(['imported', 'nightly-backup', exported.monitors[0].name].sort());
    const bad = await call('POST', '/api/monitors/import', { version: 1, monitors: [http('fine'), http('broken', { url: 'gopher://x' })], mode: 'replace' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/monitors\.1 \("broken"\): url/);
    expect((await call('GET', '/api/monitors')).body.monitors.map((m: { name: string }) => m.name).sort()).toEqual(before);
  });

  it('takes pushes without a login, says nothing about unknown tokens, and limits each token to 10 a second', async () => {
    const push = (await call('GET', '/api/monitors')).body.monitors.find((m: { name: string }) => m.name === 'nightly-backup');
    expect(push.pushUrl).toMatch(/^\/api\/push\/[A-Za-z0-9_-]{32}$/);
    const ok = await call('GET', `${push.pushUrl}?status=down&msg=disk%20full&ping=42`, undefined, {});
    expect(ok).toMatchObject({ status: 200, body: { ok: true } });
    expect(pushes.at(-1)).toEqual({ monitorId: push.id, push: { status: 'down', msg: 'disk full', ping: 42 } });
    expect((await call('POST', push.pushUrl, { status: 'up' }, {})).status).toBe(200);
    expect(pushes.at(-1)?.push.status).toBe('up');
    const unknown = await call('GET', '/api/push/not-a-token', undefined, {});
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'push.not_found', message: 'Not found.' } } });
    clock += 1000;
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call('GET', push.pushUrl, undefined, {})).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    clock += 1000;
    expect((await call('GET', push.pushUrl, undefined, {})).status).toBe(200);
  });

  it('checks now, then answers results newest first, incidents and uptime', async () => {
    const monitor = (await call('POST', '/api/monitors', http('checked-now'))).body.monitor;
    const checked = await call('POST', `/api/monitors/${monitor.id}/check`, undefined, headers.writer);
    expect(checked.body.result).toMatchObject({ monitorId: monitor.id, status: 'up' });
    expect((await call('GET', `/api/monitors/${monitor.id}`)).body.monitor).toMatchObject({ state: 'up', lastCheckAt: clock });
    clock += 1000;
    await call('POST', `/api/monitors/${monitor.id}/check`, undefined, headers.writer);
    const listed = (await call('GET', `/api/monitors/${monitor.id}/results?limit=5`, undefined, headers.reader)).body.results;
    expect(listed.map((r: CheckResult) => r.startedAt)).toEqual([clock, clock - 1000]);
    expect((await call('GET', `/api/monitors/${monitor.id}/incidents`, undefined, headers.reader)).body).toEqual({ incidents: [] });
    expect((await call('GET', `/api/monitors/${monitor.id}/uptime`, undefined, headers.reader)).body).toEqual({ uptime: { '24h': null, '7d': null, '30d': null, '1y': null } });
    expect((await call('POST', '/api/monitors/nope/check', undefined, headers.writer)).status).toBe(404);
  });

  it('keeps maintenance windows, refusing unknown time zones and reversed times', async () => {
    const body = { title: 'Kernel updates', startsAt: clock, endsAt: clock + 3_600_000, recurrence: { freq: 'weekly', weekdays: [0], timezone: 'Europe/Berlin' } };
    const created = await call('POST', '/api/maintenance', body, headers.writer);
    expect(created.status).toBe(201);
    expect(created.body.window).toMatchObject({ title: 'Kernel updates', monitorIds: [], recurrence: { freq: 'weekly', weekdays: [0], timezone: 'Europe/Berlin' } });
    const { id } = created.body.window;
    expect((await call('GET', '/api/maintenance', undefined, headers.reader)).body.windows.map((w: { id: string }) => w.id)).toEqual([id]);
    expect((await call('PUT', `/api/maintenance/${id}`, { ...body, title: 'Patches' }, headers.writer)).body.window.title).toBe('Patches');
    const badZone = await call('POST', '/api/maintenance', { ...body, recurrence: { freq: 'daily', timezone: 'Mars/Olympus' } }, headers.writer);
    expect(badZone).toMatchObject({ status: 400, body: { error: { code: 'validation.failed' } } });
    expect(badZone.body.error.message).toContain('timezone');
    expect((await call('POST', '/api/maintenance', { ...body, endsAt: clock - 1 }, headers.writer)).status).toBe(400);
    expect((await call('POST', '/api/maintenance', body, headers.reader)).status).toBe(403);
    expect((await call('DELETE', `/api/maintenance/${id}`, undefined, headers.writer)).status).toBe(204);
    expect((await call('GET', `/api/maintenance/${id}`)).body.error.code).toBe('maintenance.not_found');
  });
});
