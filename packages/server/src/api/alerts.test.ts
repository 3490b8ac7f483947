import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notification, Scope } from '@pulse/protocol';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/pulse.js';
import { createAlertService, type AlertService } from '../alerts/alert-service.js';
import { builtinRules } from '../alerts/defaults.js';
import { createAlertEngine } from '../alerts/engine.js';
import { createAuthenticator, createSessionService, createTokenService } from '../auth/index.js';
import { createRegistry, type ObservedResource } from '../resources/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createAccessHook } from './access.js';
import { onError } from './errors.js';
import { registerAlertRuleRoutes } from './routes/alert-rules.js';
import { registerAlertRoutes } from './routes/alerts.js';

const host = (metrics: Record<string, number>): ObservedResource => ({
  id: 'host:web1', type: 'host', name: 'web1', source: 'test', status: 'online', metrics, details: {}, identity: {}, tags: ['prod'],
});
const thresholdRule = (over: Record<string, unknown> = {}) => ({
  name: 'Queue deep', severity: 'critical', target: { types: ['host'] }, condition: { kind: 'threshold', metric: 'queue.depth', op: '>', trigger: 100, clear: 50 }, ...over,
});

describe('alerts API (routes with real auth, store, alert service and engine; a registry the test drives)', () => {
  let store: StateStore;
  let service: AlertService;
  let url: string;
  let close: () => Promise<void>;
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const registry = createRegistry();
  const notified: Array<{ notification: Notification; channels: string[] | 'default' }> = [];
  const headers: Record<string, Record<string, string>> = {};
  const observe = (metrics: Record<string, number>) => registry.apply({ source: 'test', at: clock, resources: [host(metrics)], complete: true });

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-alerts-api-')) }));
    const logger = pino({ level: 'silent' });
    observe({ cpu: 5, 'queue.depth': 3 });
    service = await createAlertService({
      store, registry, createEngine: createAlertEngine, builtIns: builtinRules(), now, logger, tickMs: 60_000,
      notify: async (notification, channels) => void notified.push({ notification, channels }),
      historyDays: () => 90, publicUrl: () => 'https://pulse.example.com',
    });
    service.start();
    const tokens = createTokenService({ store, now: Date.now });
    const authenticate = createAuthenticator(createSessionService({ store, now: Date.now, ttlMs: () => 3_600_000 }), tokens);
    await store.users.insert({ id: 'u1', username: 'admin', password_hash: 'x', role: 'admin', created_at: 1 });
    for (const [who, scopes] of [['admin', ['admin']], ['reader', ['monitoring:read']], ['settingsReader', ['settings:read']]] as const) {
      headers[who] = { authorization: `Bearer ${(await tokens.create({ name: who, scopes: [...scopes] as Scope[], userId: 'u1' })).token}` };
    }
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(onError);
    app.addHook('onRequest', createAccessHook(authenticate, () => []));
    registerAlertRoutes(app, { alerts: service });
    registerAlertRuleRoutes(app, { alerts: service });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await service.stop();
      await store.close();
    };
  });
  afterAll(() => close?.());

  const call = async (method: string, path: string, body?: unknown, as: Record<string, string> | undefined = headers.admin) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { ...as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('creates, lists, reads, replaces and deletes a rule on a metric some resource reports', async () => {
    const created = await call('POST', '/api/alert-rules', thresholdRule());
    expect(created.status).toBe(201);
    const { id } = created.body.rule;
    expect(created.body.rule).toMatchObject({ builtIn: false, enabled: true, forS: 0, target: { types: ['host'], tags: [], resourceIds: [] }, channels: [] });
    const listed = (await call('GET', '/api/alert-rules', undefined, headers.reader)).body.rules;
    expect(listed.map((r: { id: string }) => r.id)).toContain(id);
    expect(listed.filter((r: { builtIn: boolean }) => r.builtIn).map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['builtin:cpu', 'builtin:offline']));
    const replaced = await call('PUT', `/api/alert-rules/${id}`, thresholdRule({ name: 'Queue very deep', condition: { kind: 'threshold', metric: 'queue.depth', op: '>', trigger: 500, clear: 400 } }));
    expect(replaced.body.rule).toMatchObject({ id, name: 'Queue very deep', condition: { trigger: 500 }, createdAt: created.body.rule.createdAt });
    expect((await call('GET', `/api/alert-rules/${id}`, undefined, headers.reader)).body.rule.name).toBe('Queue very deep');
    expect((await call('DELETE', `/api/alert-rules/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/alert-rules/${id}`)).body.error.code).toBe('rule.not_found');
    expect((await call('PUT', `/api/alert-rules/${id}`, thresholdRule())).status).toBe(404);
    const audit = (await store.audit.recent(10)).filter((e) => e.target === id).map((e) => e.action).sort();
    expect(audit).toEqual(['alert_rule.create', 'alert_rule.delete', 'alert_rule.update']);
  });

  it.each([
    ['a metric no resource reports, suggesting close names', thresholdRule({ condition: { kind: 'threshold', metric: 'queue_depth', op: '>', trigger: 1, clear: 0 } }), 'alert.unknown_metric', /"queue\.depth"/],
    ['a counter no resource reports', thresholdRule({ condition: { kind: 'increase', metric: 'restartz', increase: 3, windowS: 60 } }), 'alert.unknown_metric', /"restarts"/],
    ['a clear above the trigger of a ">" rule', thresholdRule({ condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 80, clear: 90 } }), 'validation.failed', /clear \(90\) must be at or below trigger \(80\)/],
    ['a clear below the trigger of a "<" rule', thresholdRule({ condition: { kind: 'threshold', metric: 'cpu', op: '<', trigger: 10, clear: 5 } }), 'validation.failed', /at or above/],
    ['an unknown resource type', thresholdRule({ target: { types: ['toaster'] } }), 'validation.failed', /target\.types/],
    ['an unknown condition kind', thresholdRule({ condition: { kind: 'vibes' } }), 'validation.failed', /condition/],
    ['an empty name', thresholdRule({ name: '  ' }), 'validation.failed', /name/],
    ['a negative for-duration', thresholdRule({ forS: -5 }), 'validation.failed', /forS/],
  ])('refuses %s', async (_what, body, code, message) => {
    const res = await call('POST', '/api/alert-rules', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
  });

  it('accepts a metric once some resource has reported it', async () => {
    const rule = thresholdRule({ condition: { kind: 'threshold', metric: 'jobs.failed', op: '>', trigger: 0, clear: 0 } });
    expect((await call('POST', '/api/alert-rules', rule)).body.error.code).toBe('alert.unknown_metric');
    observe({ cpu: 5, 'queue.depth': 3, 'jobs.failed': 0 });
    const created = await call('POST', '/api/alert-rules', rule);
    expect(created.status).toBe(201);
    await call('DELETE', `/api/alert-rules/${created.body.rule.id}`);
  });

  it('edits a built-in in place, refuses to delete it, and disables it instead', async () => {
    const cpu = (await call('GET', '/api/alert-rules/builtin:cpu')).body.rule;
    expect(cpu).toMatchObject({ builtIn: true, condition: { metric: 'cpu', trigger: 90, clear: 80 } });
    const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...input } = cpu;
    const edited = await call('PUT', '/api/alert-rules/builtin:cpu', { ...input, condition: { ...input.condition, trigger: 95, clear: 85 } });
    expect(edited.status).toBe(200);
    expect(edited.body.rule).toMatchObject({ id: 'builtin:cpu', builtIn: true, condition: { trigger: 95, clear: 85 } });
    const refused = await call('DELETE', '/api/alert-rules/builtin:cpu');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'rule.builtin', message: expect.stringMatching(/disable it instead/) });
    await call('PUT', '/api/alert-rules/builtin:cpu', { ...input, enabled: false });
    const listed = (await call('GET', '/api/alert-rules')).body.rules.filter((r: { id: string }) => r.id === 'builtin:cpu');
    expect(listed).toEqual([expect.objectContaining({ builtIn: true, enabled: false, condition: expect.objectContaining({ trigger: 90 }) })]);
    expect(service.rules().find((r) => r.id === 'builtin:cpu')?.enabled).toBe(false);
  });

  it('adds, lists and removes overrides, refusing impossible or unattached thresholds', async () => {
    const silence = await call('POST', '/api/alert-overrides', { scope: { kind: 'tag', tag: 'lab' }, mode: 'no-alerts' });
    expect(silence.status).toBe(201);
    clock += 1;
    const other = await call('POST', '/api/alert-overrides', { scope: { kind: 'resource', resourceId: 'host:web1' }, ruleId: 'builtin:disk', mode: 'threshold', trigger: 97, clear: 95 });
    expect(other.body.override).toMatchObject({ ruleId: 'builtin:disk', trigger: 97, clear: 95 });
    for (const [body, message] of [
      [{ scope: { kind: 'type', type: 'host' }, mode: 'threshold', trigger: 97, clear: 95 }, /ruleId, trigger and clear/],
      [{ scope: { kind: 'type', type: 'host' }, ruleId: 'builtin:disk', mode: 'threshold', trigger: 90, clear: 95 }, /clear \(95\) must be at or below/],
      [{ scope: { kind: 'type', type: 'host' }, ruleId: 'builtin:offline', mode: 'threshold', trigger: 90, clear: 85 }, /status rule/],
      [{ scope: { kind: 'type', type: 'host' }, ruleId: 'nope', mode: 'no-alerts' }, /no alert rule "nope"/],
      [{ scope: { kind: 'planet', planet: 'mars' }, mode: 'no-alerts' }, /scope/],
    ] as const) {
      const res = await call('POST', '/api/alert-overrides', body);
      expect([res.status, res.body.error.code]).toEqual([400, 'validation.failed']);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await call('GET', '/api/alert-overrides', undefined, headers.reader)).body.overrides.map((o: { id: string }) => o.id))
      .toEqual([silence.body.override.id, other.body.override.id]);
    expect((await call('DELETE', `/api/alert-overrides/${silence.body.override.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/alert-overrides/${silence.body.override.id}`)).body.error.code).toBe('override.not_found');
    expect(service.overrides().map((o) => o.id)).toEqual([other.body.override.id]);
    await call('DELETE', `/api/alert-overrides/${other.body.override.id}`);
  });

  it('reads the defaults and stores new settings, filling in what was left out', async () => {
    expect((await call('GET', '/api/alert-settings', undefined, headers.reader)).body.settings).toMatchObject({ cooldownS: 300, perResourceHourlyCap: 10, quietHours: { enabled: false } });
    const put = await call('PUT', '/api/alert-settings', { cooldownS: 60, quietHours: { enabled: true, start: '23:00' } });
    expect(put.body.settings).toMatchObject({ cooldownS: 60, groupWindowS: 30, quietHours: { enabled: true, start: '23:00', end: '07:00', timezone: 'UTC' } });
    expect(JSON.parse((await store.settings.get('alert_settings'))!)).toEqual(put.body.settings);
    expect((await call('PUT', '/api/alert-settings', { cooldownS: -1 })).body.error.code).toBe('validation.failed');
    expect((await call('PUT', '/api/alert-settings', { quietHours: { start: '25h' } })).status).toBe(400);
    await call('PUT', '/api/alert-settings', { cooldownS: 0, groupWindowS: 0 });
  });

  it('lets readers read and only settings:write change anything', async () => {
    expect((await call('POST', '/api/alert-rules', thresholdRule(), headers.reader)).status).toBe(403);
    expect((await call('PUT', '/api/alert-settings', {}, headers.reader)).status).toBe(403);
    expect((await call('GET', '/api/alerts', undefined, headers.settingsReader)).status).toBe(403);
    expect((await call('GET', '/api/alert-rules', undefined, {})).status).toBe(401);
  });

  it('shows a firing alert, acknowledges and snoozes it, and keeps it resolved in the history', async () => {
    const rule = (await call('POST', '/api/alert-rules', thresholdRule())).body.rule;
    clock += 1000;
    observe({ cpu: 5, 'queue.depth': 250, 'jobs.failed': 0 });
    const [alert] = (await call('GET', '/api/alerts', undefined, headers.reader)).body.alerts;
    expect(alert).toMatchObject({ ruleId: rule.id, resourceId: 'host:web1', resourceName: 'web1', state: 'firing', severity: 'critical', value: 250 });
    expect(notified.some((n) => n.notification.kind === 'firing' && n.notification.alerts.some((a) => a.id === alert.id))).toBe(true);
    expect(notified.find((n) => n.notification.kind === 'firing')).toMatchObject({ channels: 'default', notification: { url: expect.stringMatching(/^https:\/\/pulse\.example\.com\//) } });

    expect((await call('POST', '/api/alerts/nope/ack')).body.error.code).toBe('alert.not_found');
    expect((await call('POST', `/api/alerts/${alert.id}/ack`, undefined, headers.reader)).status).toBe(403);
    const acked = await call('POST', `/api/alerts/${encodeURIComponent(alert.id)}/ack`);
    expect(acked.body.alert).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedBy: 'admin', acknowledgedAt: clock });
    expect((await call('POST', `/api/alerts/${encodeURIComponent(alert.id)}/snooze`, { untilMs: clock - 1 })).body.error.code).toBe('validation.failed');
    const snoozed = await call('POST', `/api/alerts/${encodeURIComponent(alert.id)}/snooze`, { untilMs: clock + 3_600_000 });
    expect(snoozed.body.alert).toMatchObject({ id: alert.id, snoozedUntil: clock + 3_600_000 });

    clock += 1000;
    observe({ cpu: 5, 'queue.depth': 10, 'jobs.failed': 0 });
    expect((await call('GET', '/api/alerts?resourceId=host:web1')).body.alerts).toEqual([]);
    const all = (await call('GET', '/api/alerts?state=all&resourceId=host:web1')).body.alerts;
    expect(all).toEqual([expect.objectContaining({ id: alert.id, state: 'resolved', resolvedAt: clock, acknowledgedBy: 'admin' })]);
    expect(await store.alerts.byId(alert.id)).toMatchObject({ state: 'resolved' });
  });
  it('brings open alerts back after a restart and prunes resolved ones past history_days', async () => {
    const resolvedId = (await store.alerts.list({ resourceId: 'host:web1', resolved: true, limit: 10 })).find((a) => a.state === 'resolved')!.id;
    clock += 1000;
    observe({ cpu: 5, 'queue.depth': 300, 'jobs.failed': 0 });
    const open = service.active().find((a) => a.resourceId === 'host:web1')!;
    expect(open.state).toBe('firing');
    await service.stop();
    clock += 86_400_000;
    const restarted = await createAlertService({
      store, registry, createEngine: createAlertEngine, builtIns: builtinRules(), now, logger: pino({ level: 'silent' }), tickMs: 60_000,
      notify: async () => {}, historyDays: () => 1, publicUrl: () => undefined,
    });
    try {
      expect(restarted.active()).toEqual([expect.objectContaining({ id: open.id, state: 'firing', firedAt: open.firedAt })]);
      restarted.start();
      await waitFor(async () => (await store.alerts.byId(resolvedId)) === undefined, 'the old resolved alert to be pruned');
      expect(await store.alerts.byId(open.id)).toMatchObject({ state: 'firing' });
    } finally {
      await restarted.stop();
    }
  });
});
