import { randomUUID } from 'node:crypto';
import type { Resource } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './database.js';
import { createStateStore, type StateStore } from './state-store.js';

const host = (id: string, cpu: number): Resource => ({
  id, type: 'host', name: id, source: 'local', status: 'online', metrics: { cpu }, details: {},
  identity: {}, tags: [], lastSeen: 1,
});

/** One suite every state-store backend must pass. */
export function stateStoreContract(name: string, open: () => Promise<Db>): void {
  describe(`state store on ${name}`, () => {
    let store: StateStore;
    beforeAll(async () => {
      store = createStateStore(await open());
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores users and finds them by name and id', async () => {
      const id = randomUUID();
      const username = `u-${id}`;
      await store.users.insert({ id, username, password_hash: 'h', role: 'admin', created_at: 1_700_000_000_000 });
      expect((await store.users.byUsername(username))?.id).toBe(id);
      expect((await store.users.byId(id))?.created_at).toBe(1_700_000_000_000);
      expect(await store.users.count()).toBeGreaterThanOrEqual(1);
    });

    it('refuses a second user with the same name', async () => {
      const username = `dup-${randomUUID()}`;
      await store.users.insert({ id: randomUUID(), username, password_hash: 'h', role: 'admin', created_at: 1 });
      await expect(store.users.insert({ id: randomUUID(), username, password_hash: 'h', role: 'admin', created_at: 1 })).rejects.toThrow();
    });

    it('keeps sessions until they expire', async () => {
      const userId = randomUUID();
      await store.users.insert({ id: userId, username: `s-${userId}`, password_hash: 'h', role: 'admin', created_at: 1 });
      const idHash = randomUUID();
      await store.sessions.insert({ id_hash: idHash, user_id: userId, csrf_token: 'c', created_at: 1, expires_at: 100, last_seen_at: 1 });
      expect((await store.sessions.byHash(idHash))?.expires_at).toBe(100);
      await store.sessions.touch(idHash, 50, 200);
      expect((await store.sessions.byHash(idHash))?.expires_at).toBe(200);
      expect(await store.sessions.removeExpired(201)).toBeGreaterThanOrEqual(1);
      expect(await store.sessions.byHash(idHash)).toBeUndefined();
    });

    it('revokes a token once', async () => {
      const userId = randomUUID();
      await store.users.insert({ id: userId, username: `t-${userId}`, password_hash: 'h', role: 'admin', created_at: 1 });
      const id = randomUUID();
      await store.tokens.insert({ id, name: 'ci', secret_hash: 'x', scopes: '["monitoring:read"]', user_id: userId, created_at: 1, last_used_at: null, expires_at: null, revoked_at: null });
      expect((await store.tokens.listActive()).some((t) => t.id === id)).toBe(true);
      expect(await store.tokens.revoke(id, 2)).toBe(true);
      expect(await store.tokens.revoke(id, 3)).toBe(false);
      expect((await store.tokens.listActive()).some((t) => t.id === id)).toBe(false);
    });

    it('upserts and removes resources in one write', async () => {
      const a = `host:${randomUUID()}`;
      const b = `host:${randomUUID()}`;
      await store.resources.saveMany([host(a, 1), host(b, 2)], [], 10);
      await store.resources.saveMany([host(a, 3)], [b], 11);
      const all = await store.resources.loadAll();
      expect(all.find((r) => r.id === a)?.metrics.cpu).toBe(3);
      expect(all.find((r) => r.id === b)).toBeUndefined();
    });

    it('saves and removes more resources than fit in one statement', async () => {
      const ids = Array.from({ length: 450 }, () => `host:${randomUUID()}`);
      await store.resources.saveMany(ids.map((id, i) => host(id, i)), [], 20);
      await store.resources.saveMany(ids.slice(0, 300).map((id) => host(id, 7)), ids.slice(300), 21);
      const saved = new Map((await store.resources.loadAll()).map((r) => [r.id, r]));
      expect(ids.slice(0, 300).every((id) => saved.get(id)?.metrics.cpu === 7)).toBe(true);
      expect(ids.slice(300).some((id) => saved.has(id))).toBe(false);
    });

    it('counts install token uses atomically and stops at the limit, expiry or revocation', async () => {
      const id = randomUUID().slice(0, 16);
      await store.installTokens.insert({ id, secret_hash: 'h', created_by: 'user:x', created_at: 1, expires_at: 1000, max_uses: 2, uses: 0, last_used_at: null, revoked_at: null });
      expect((await store.installTokens.listUsable(10)).some((r) => r.id === id)).toBe(true);
      const uses = await Promise.all([1, 2, 3].map(() => store.installTokens.consume(id, 10)));
      expect(uses.filter(Boolean)).toHaveLength(2);
      expect(await store.installTokens.byId(id)).toMatchObject({ uses: 2, last_used_at: 10 });
      expect((await store.installTokens.listUsable(10)).some((r) => r.id === id)).toBe(false);
      const other = randomUUID().slice(0, 16);
      await store.installTokens.insert({ id: other, secret_hash: 'h', created_by: 'user:x', created_at: 1, expires_at: 1000, max_uses: 5, uses: 0, last_used_at: null, revoked_at: null });
      expect(await store.installTokens.consume(other, 1000)).toBe(false);
      expect(await store.installTokens.revoke(other, 20)).toBe(true);
      expect(await store.installTokens.consume(other, 30)).toBe(false);
    });

    it('keeps agents, their reissued tokens and reported state, and forgets revoked ones', async () => {
      const id = randomUUID().slice(0, 16);
      await store.agents.insert({
        id, hostname: 'edge', machine_id: 'm', version: '0.1.0', token_hash: 'h1', token_issued_at: 1, install_token_id: null,
        enrolled_at: 1_700_000_000_000, last_report_at: null, state: null, revoked_at: null,
      });
      await store.agents.reissue(id, { hostname: 'edge-2', version: '0.2.0', token_hash: 'h2', token_issued_at: 2, install_token_id: 'it' });
      await store.agents.saveStates([{ id, version: '0.3.0', last_report_at: 1_700_000_000_123, state: '{"runs":[["r",3]]}' }]);
      expect((await store.agents.listActive()).find((a) => a.id === id)).toMatchObject({
        hostname: 'edge-2', version: '0.3.0', token_hash: 'h2', enrolled_at: 1_700_000_000_000, last_report_at: 1_700_000_000_123, state: '{"runs":[["r",3]]}',
      });
      expect(await store.agents.revoke(id, 5)).toBe(true);
      expect(await store.agents.revoke(id, 6)).toBe(false);
      expect((await store.agents.listActive()).some((a) => a.id === id)).toBe(false);
    });

    it('keeps connections, refuses a taken name on insert and rename, and removes them', async () => {
      const id = randomUUID();
      const name = `pve-${id.slice(0, 8)}`;
      const row = {
        id, name, product: 'pve' as const, endpoints: '["https://pve1:8006"]', auth_kind: 'token' as const, auth_user: 'pulse@pve!pulse',
        secret_ciphertext: 'pse1:00000000:x', tls_fingerprint: null, tls_ca: null, tls_insecure: 0, interval_ms: 10_000, enabled: 1,
        created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000,
      };
      expect(await store.connections.insert(row)).toBe(true);
      expect(await store.connections.insert({ ...row, id: randomUUID() })).toBe(false);
      expect(await store.connections.byId(id)).toEqual(row);
      expect((await store.connections.byName(name))?.id).toBe(id);
      const other = { ...row, id: randomUUID(), name: `pbs-${id.slice(0, 8)}`, product: 'pbs' as const };
      expect(await store.connections.insert(other)).toBe(true);
      expect(await store.connections.update(other.id, { name, updated_at: 2 })).toBe('name_taken');
      expect(await store.connections.update(id, { tls_insecure: 1, enabled: 0, updated_at: 1_700_000_000_123 })).toBe('ok');
      expect(await store.connections.byId(id)).toMatchObject({ tls_insecure: 1, enabled: 0, updated_at: 1_700_000_000_123, created_at: 1_700_000_000_000 });
      expect(await store.connections.update(randomUUID(), { updated_at: 3 })).toBe('not_found');
      expect((await store.connections.list()).map((c) => c.id)).toEqual(expect.arrayContaining([id, other.id]));
      expect(await store.connections.remove(id)).toBe(true);
      expect(await store.connections.remove(id)).toBe(false);
      expect(await store.connections.byId(id)).toBeUndefined();
    });
    it('keeps monitors, refuses a taken name or push token, and removes one with its events and incidents', async () => {
      const id = randomUUID();
      const name = `web-${id.slice(0, 8)}`;
      const row = {
        id, name, type: 'http', definition: '{"type":"http"}', enabled: 1, push_token: null, source: 'ui' as const,
        created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000,
      };
      expect(await store.monitors.insert(row)).toBe('ok');
      expect(await store.monitors.insert({ ...row, id: randomUUID() })).toBe('name_taken');
      const push = { ...row, id: randomUUID(), name: `push-${id.slice(0, 8)}`, type: 'push', push_token: `tok-${id}`, source: 'file' as const };
      expect(await store.monitors.insert(push)).toBe('ok');
      // Many monitors without a token: NULL never collides.
      expect(await store.monitors.insert({ ...row, id: randomUUID(), name: `tcp-${id.slice(0, 8)}` })).toBe('ok');
      expect(await store.monitors.insert({ ...push, id: randomUUID(), name: `push2-${id.slice(0, 8)}` })).toBe('token_taken');
      expect(await store.monitors.byId(id)).toEqual(row);
      expect((await store.monitors.byPushToken(`tok-${id}`))?.id).toBe(push.id);
      expect((await store.monitors.byName(push.name))?.source).toBe('file');
      expect(await store.monitors.update(push.id, { name, updated_at: 2 })).toBe('name_taken');
      expect(await store.monitors.update(id, { enabled: 0, updated_at: 1_700_000_000_123 })).toBe('ok');
      expect(await store.monitors.byId(id)).toMatchObject({ enabled: 0, updated_at: 1_700_000_000_123, created_at: 1_700_000_000_000 });
      expect(await store.monitors.update(randomUUID(), { updated_at: 3 })).toBe('not_found');
      await store.monitorIncidents.open({ id: randomUUID(), monitor_id: id, started_at: 10, ended_at: null, reason_code: 'tcp.refused', reason_message: 'refused' });
      await store.monitorIncidents.addEvents([{ monitor_id: id, at: 10, kind: 'down', status: 'down', reason_code: 'tcp.refused', reason_message: 'refused', result: null }]);
      expect(await store.monitors.remove(id)).toBe(true);
      expect(await store.monitors.remove(id)).toBe(false);
      expect(await store.monitors.byId(id)).toBeUndefined();
      expect(await store.monitorIncidents.list(id)).toEqual([]);
      expect(await store.monitorIncidents.events(id)).toEqual([]);
    });

    it('records one incident per outage however many servers open it, and closes it once', async () => {
      const monitorId = randomUUID();
      const incident = (n: number) => ({ id: randomUUID(), monitor_id: monitorId, started_at: 1_700_000_000_000 + n, ended_at: null, reason_code: 'http.status', reason_message: 'answered 503' });
      const opened = await Promise.all([incident(0), incident(0), incident(0)].map((row) => store.monitorIncidents.open(row)));
      expect(opened.filter(Boolean)).toHaveLength(1);
      expect(await store.monitorIncidents.list(monitorId)).toHaveLength(1);
      expect((await store.monitorIncidents.openOnes()).filter((r) => r.monitor_id === monitorId)).toHaveLength(1);
      expect(await store.monitorIncidents.close(monitorId, 1_700_000_060_000)).toBe(1);
      expect(await store.monitorIncidents.close(monitorId, 1_700_000_070_000)).toBe(0);
      await store.monitorIncidents.open(incident(100_000));
      const [newest, oldest] = await store.monitorIncidents.list(monitorId);
      expect(newest).toMatchObject({ started_at: 1_700_000_100_000, ended_at: null });
      expect(oldest).toMatchObject({ started_at: 1_700_000_000_000, ended_at: 1_700_000_060_000 });
      expect((await store.monitorIncidents.since([monitorId], 1_700_000_070_000)).map((r) => r.started_at)).toEqual([1_700_000_100_000]);
    });

    it('keeps monitor events newest first and drops those past retention', async () => {
      const monitorId = randomUUID();
      const event = (at: number, kind: 'down' | 'up' | 'state') => ({ monitor_id: monitorId, at, kind, status: kind === 'up' ? 'up' : 'down', reason_code: null, reason_message: null, result: kind === 'down' ? '{"status":"down"}' : null });
      await store.monitorIncidents.addEvents([event(1, 'down'), event(2, 'state'), event(3, 'up')]);
      expect((await store.monitorIncidents.events(monitorId)).map((e) => [e.at, e.kind])).toEqual([[3, 'up'], [2, 'state'], [1, 'down']]);
      expect(await store.monitorIncidents.removeEventsBefore(3)).toBeGreaterThanOrEqual(2);
      expect((await store.monitorIncidents.events(monitorId)).map((e) => e.at)).toEqual([3]);
    });

    it('keeps maintenance windows and status pages', async () => {
      const id = randomUUID();
      await store.maintenanceWindows.insert({ id, title: 'patching', definition: '{"startsAt":1,"endsAt":2}', created_at: 5 });
      expect(await store.maintenanceWindows.update(id, { title: 'kernel', definition: '{"startsAt":1,"endsAt":3}' })).toBe(true);
      expect(await store.maintenanceWindows.byId(id)).toEqual({ id, title: 'kernel', definition: '{"startsAt":1,"endsAt":3}', created_at: 5 });
      expect((await store.maintenanceWindows.list()).some((w) => w.id === id)).toBe(true);
      expect(await store.maintenanceWindows.remove(id)).toBe(true);
      expect(await store.maintenanceWindows.update(id, { title: 'x', definition: '{}' })).toBe(false);
      const page = { id: randomUUID(), slug: `s-${id.slice(0, 8)}`, definition: '{}', created_at: 1, updated_at: 1 };
      expect(await store.statusPages.insert(page)).toBe(true);
      expect(await store.statusPages.insert({ ...page, id: randomUUID() })).toBe(false);
      expect((await store.statusPages.getBySlug(page.slug))?.id).toBe(page.id);
      expect(await store.statusPages.remove(page.id)).toBe(true);
    });

    it('keeps notification channels, updates and removes them', async () => {
      const id = randomUUID();
      const row = {
        id, name: `ops-${id.slice(0, 8)}`, type: 'slack', enabled: 1, config_sealed: '{"url":"pse1:00000000:x"}', min_severity: 'warning' as const,
        tags: '["prod"]', send_resolved: 1, created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000,
      };
      await store.notificationChannels.insert(row);
      expect(await store.notificationChannels.byId(id)).toEqual(row);
      expect(await store.notificationChannels.update(id, { enabled: 0, updated_at: 1_700_000_000_123 })).toBe(true);
      expect(await store.notificationChannels.byId(id)).toMatchObject({ enabled: 0, updated_at: 1_700_000_000_123, created_at: 1_700_000_000_000 });
      expect((await store.notificationChannels.list()).some((c) => c.id === id)).toBe(true);
      expect(await store.notificationChannels.update(randomUUID(), { updated_at: 1 })).toBe(false);
      expect(await store.notificationChannels.remove(id)).toBe(true);
      expect(await store.notificationChannels.remove(id)).toBe(false);
    });

    it('queues one outbox row per (notification, channel), claims it once and keeps its outcome', async () => {
      const channel = randomUUID();
      const row = (n: string, at: number) => ({
        id: randomUUID(), notification_id: n, channel_id: channel, payload: '{}', state: 'queued' as const, attempts: 0,
        next_attempt_at: at, last_error: null, created_at: at, sent_at: null,
      });
      const first = row(`n-${channel}`, 1_700_000_000_000);
      expect(await store.notificationOutbox.insertMany([first, row(`m-${channel}`, 1_700_000_000_001)])).toBe(2);
      expect(await store.notificationOutbox.insertMany([{ ...first, id: randomUUID() }])).toBe(0);
      const mine = (await store.notificationOutbox.pending(10_000)).filter((r) => r.channel_id === channel);
      expect(mine.map((r) => r.id)[0]).toBe(first.id);
      const claims = await Promise.all([1, 2, 3].map(() => store.notificationOutbox.claim(first.id, 1_700_000_010_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.notificationOutbox.requeueSending(1_700_000_005_000, true)).toBe(0);
      expect(await store.notificationOutbox.requeueSending(1_700_000_020_000, true)).toBeGreaterThanOrEqual(1);
      expect(await store.notificationOutbox.byId(first.id)).toMatchObject({ state: 'queued', next_attempt_at: 1_700_000_020_000 });
      expect(await store.notificationOutbox.claim(first.id, 1_700_000_030_000)).toBe(true);
      const outcome = { state: 'dead' as const, attempts: 1, next_attempt_at: 1_700_000_000_000, last_error: 'HTTP 400', sent_at: null };
      expect(await store.notificationOutbox.finish(first.id, outcome)).toBe(true);
      expect(await store.notificationOutbox.finish(first.id, outcome)).toBe(false);
      expect((await store.notificationOutbox.list({ state: 'dead', channelId: channel, limit: 10 })).map((r) => r.id)).toEqual([first.id]);
      expect(await store.notificationOutbox.revive(first.id, 1_700_000_040_000)).toBe(true);
      expect(await store.notificationOutbox.byId(first.id)).toMatchObject({ state: 'queued', attempts: 0, next_attempt_at: 1_700_000_040_000, last_error: 'HTTP 400' });
      expect(await store.notificationOutbox.revive(first.id, 1)).toBe(false);
    });

    it('keeps alert rules (built-in edits flagged), overrides, and alerts: upserted per change, open ones listed, resolved ones pruned', async () => {
      const id = `rule-${randomUUID()}`;
      const rule = {
        id, builtIn: false, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, name: 'cpu', enabled: true, severity: 'warning' as const,
        target: { types: ['host' as const], tags: [], resourceIds: [] }, condition: { kind: 'threshold' as const, metric: 'cpu', op: '>' as const, trigger: 90, clear: 80 },
        forS: 60, channels: [], renotifyS: 0, escalateAfterS: 0, escalateTo: [],
      };
      await store.alertRules.save(rule);
      await store.alertRules.save({ ...rule, name: 'cpu high', createdAt: 5, updatedAt: 1_700_000_000_123 });
      expect(await store.alertRules.byId(id)).toEqual({ ...rule, name: 'cpu high', updatedAt: 1_700_000_000_123 });
      await store.alertRules.save({ ...rule, id: 'builtin:cpu', builtIn: true, enabled: false });
      expect((await store.alertRules.list()).find((r) => r.id === 'builtin:cpu')).toMatchObject({ builtIn: true, enabled: false });
      expect(await store.alertRules.remove(id)).toBe(true);
      expect(await store.alertRules.remove(id)).toBe(false);
      expect(await store.alertRules.byId(id)).toBeUndefined();

      const override = { id: randomUUID(), scope: { kind: 'tag' as const, tag: 'lab' }, mode: 'no-alerts' as const };
      await store.alertOverrides.insert(override, 10);
      expect((await store.alertOverrides.list()).find((o) => o.id === override.id)).toEqual(override);
      expect(await store.alertOverrides.remove(override.id)).toBe(true);
      expect(await store.alertOverrides.remove(override.id)).toBe(false);

      const resourceId = `host:${randomUUID()}`;
      const alert = (n: number, over: Record<string, unknown> = {}) => ({
        id: `${resourceId}:${n}`, ruleId: 'builtin:cpu', ruleName: 'CPU', resourceId, resourceName: 'pve1', severity: 'warning' as const,
        state: 'pending' as const, message: 'CPU 97 % (trigger 90 %)', value: 97.5, pendingSince: 1_700_000_000_000 + n, flapping: false, ...over,
      });
      await store.alerts.saveMany([alert(1), alert(2)]);
      await store.alerts.saveMany([alert(1, { state: 'firing', firedAt: 1_700_000_060_001 }), alert(2, { state: 'resolved', resolvedAt: 1_700_000_100_000 })]);
      await store.alerts.saveMany([alert(1, { state: 'acknowledged', firedAt: 1_700_000_060_001, acknowledgedAt: 1_700_000_070_000, acknowledgedBy: 'user:x' })]);
      expect(await store.alerts.byId(alert(1).id)).toEqual(alert(1, { state: 'acknowledged', firedAt: 1_700_000_060_001, acknowledgedAt: 1_700_000_070_000, acknowledgedBy: 'user:x' }));
      expect((await store.alerts.open()).filter((a) => a.resourceId === resourceId).map((a) => a.id)).toEqual([alert(1).id]);
      expect((await store.alerts.list({ resourceId, resolved: true, limit: 10 })).map((a) => a.state)).toEqual(['resolved', 'acknowledged']);
      expect((await store.alerts.list({ resourceId, resolved: false, limit: 10 })).map((a) => a.id)).toEqual([alert(1).id]);
      expect(await store.alerts.removeResolvedBefore(1_700_000_100_000)).toBe(0);
      expect(await store.alerts.removeResolvedBefore(1_700_000_100_001)).toBeGreaterThanOrEqual(1);
      expect((await store.alerts.list({ resourceId, resolved: true, limit: 10 })).map((a) => a.id)).toEqual([alert(1).id]);
    });

    it('overwrites settings and records audit entries', async () => {
      const key = `k-${randomUUID()}`;
      await store.settings.set(key, 'one');
      await store.settings.set(key, 'two');
      expect(await store.settings.get(key)).toBe('two');
      await store.audit.record({ at: 5, actor: 'user:x', action: 'token.create', target: key, detail: { scopes: ['a'] } });
      const [latest] = await store.audit.recent(1);
      expect(latest?.target).toBe(key);
    });
  });
}
