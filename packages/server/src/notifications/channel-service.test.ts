import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.js';
import { openDatabase } from '../store/database.js';
import { createStateStore, type StateStore } from '../store/index.js';
import { createChannelService, MASK } from './channel-service.js';
import { type Receiver, sampleAlert, sampleNotification, startReceiver } from './test-receiver.js';

describe('channel service', () => {
  let store: StateStore;
  let receiver: Receiver;
  const logs: string[] = [];
  const tags: Record<string, string[]> = { 'host:pve1': ['prod', 'rack1'], 'host:lab': ['lab'] };
  let service: ReturnType<typeof createChannelService>;
  const TOKEN = '123456:SECRET-bot-token';

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-channels-')) }));
    receiver = await startReceiver((req) => req.path.includes('/fail') ? { status: 500, body: 'down' } : { body: '{"ok":true}' });
    service = createChannelService({
      store, box: createSecretBox(randomBytes(32)), now: () => 1_700_000_000_000, testTimeoutMs: 2000,
      logger: { warn: (obj, msg) => logs.push(JSON.stringify({ obj, msg })) }, resourceTags: (id) => tags[id],
    });
  });
  afterAll(async () => {
    await receiver.close();
    await store.close();
  });

  const telegram = (config: object = {}) => ({ name: 'phone', type: 'telegram', config: { botToken: TOKEN, chatId: '42', apiUrl: receiver.url, ...config } });
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);

  it('stores secrets sealed, answers them masked, and keeps them when sent back masked', async () => {
    const created = await service.create(telegram(), 'user:admin');
    expect(created.config).toEqual({ botToken: MASK, chatId: '42', apiUrl: receiver.url, silent: false });
    expect(created).toMatchObject({ type: 'telegram', enabled: true, minSeverity: 'warning', tags: [], sendResolved: true });
    const row = await store.notificationChannels.byId(created.id);
    expect(row!.config_sealed).not.toContain('SECRET');
    expect(JSON.parse(row!.config_sealed).botToken).toMatch(/^pse1:/);
    const updated = await service.update(created.id, { ...telegram({ botToken: MASK, chatId: '43' }), name: 'phone 2' }, 'user:admin');
    expect(updated.config).toMatchObject({ botToken: MASK, chatId: '43' });
    expect((await service.target(created.id))!.config).toMatchObject({ botToken: TOKEN, chatId: '43' });
    expect(await service.test(created.id, 'user:admin')).toEqual({ ok: true });
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ chat_id: '43', parse_mode: 'HTML' });
    expect(receiver.requests.at(-1)!.path).toBe(`/bot${TOKEN}/sendMessage`);
  });

  it('will not send a kept secret to a new host, nor take a mask for a new channel', async () => {
    const { id } = await service.create(telegram(), 'user:admin');
    expect(await codeOf(service.update(id, telegram({ botToken: MASK, apiUrl: 'https://evil.example' }), 'user:admin')))
      .toBe('validation.failed: body.config.botToken: enter the secret again to send it to the new host evil.example');
    expect(await codeOf(service.create(telegram({ botToken: MASK }), 'user:admin'))).toBe('validation.failed: body.config.botToken: enter the secret');
    expect(await codeOf(service.update(id, { name: 'x', type: 'slack', config: { url: MASK } }, 'user:admin'))).toBe('validation.failed: body.config.url: enter the secret');
  });

  it('refuses invalid settings per type with the field named', async () => {
    expect(await codeOf(service.create({ name: 's', type: 'slack', config: { url: 'ftp://hooks.slack.com/x' } }, 'u'))).toBe('validation.failed: body.config.url: an http:// or https:// incoming webhook URL');
    expect(await codeOf(service.create({ name: 't', type: 'telegram', config: { chatId: '1' } }, 'u'))).toBe('validation.failed: body.config.botToken: the bot token is required');
    expect(await codeOf(service.create({ name: 'p', type: 'pagerduty', config: { routingKey: 'short' } }, 'u'))).toMatch(/^validation.failed: body.config.routingKey: a routing key is/);
    expect(await codeOf(service.create({ name: 'm', type: 'matrix', config: { homeserverUrl: 'https://m.org', accessToken: 't', roomId: '#alias' } }, 'u'))).toMatch(/body.config.roomId: a room id looks like/);
    expect(await codeOf(service.create({ name: 'w', type: 'webhook', config: { url: 'https://x.org', bodyTemplate: '{"a": "{{nope}}"}' } }, 'u'))).toMatch(/^validation.failed: body.config.bodyTemplate: unknown field "nope"/);
    expect(await codeOf(service.create({ name: 'w', type: 'webhook', config: { url: 'https://x.org', bodyTemplate: '{"a": {{title}}}' } }, 'u'))).toMatch(/body.config.bodyTemplate: the body does not come out as valid JSON/);
    expect(await codeOf(service.create({ name: 'w', type: 'webhook', config: { url: 'https://x.org', bodyTemplate: '{"a": "{{title | upper}}"}' } }, 'u'))).toMatch(/unknown filter "upper"/);
    expect(await codeOf(service.create({ name: '', type: 'carrier-pigeon', config: {} }, 'u'))).toMatch(/^validation.failed: body.name: .*; body.type: /);
    expect(await codeOf(service.get('nope'))).toBe('channel.not_found: No notification channel with that id.');
  });

  it('tests unsaved settings and reports a failure without the secret or the URL', async () => {
    const hookUrl = `${receiver.url}/fail/T0/B0/hook-secret-part`;
    expect(await service.test({ name: 'x', type: 'slack', config: { url: hookUrl } }, 'user:admin')).toEqual({ ok: false, error: 'Slack answered HTTP 500: down' });
    const { id } = await service.create({ name: 'slack', type: 'slack', config: { url: hookUrl } }, 'user:admin');
    expect(await service.test({ id, name: 'slack', type: 'slack', config: { url: MASK } }, 'user:admin')).toMatchObject({ ok: false });
    const okUrl = `${receiver.url}/ok/hook-secret-part`;
    expect(await service.test({ name: 'x', type: 'slack', config: { url: okUrl } }, 'user:admin')).toEqual({ ok: true });
    expect(JSON.parse(receiver.requests.at(-1)!.body).text).toBe('[TEST] Test notification from Pulse');
  });

  it('never writes a secret to the audit log or the log', async () => {
    const audit = JSON.stringify(await store.audit.recent(1000));
    expect(audit).toContain('channel.create');
    expect(audit).toContain('channel.update');
    expect(audit).toContain('channel.test');
    for (const secret of ['SECRET-bot-token', 'hook-secret-part']) {
      expect(audit).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
      expect(JSON.stringify(await service.list())).not.toContain(secret);
    }
  });

  it('routes by severity, tags, resolve preference and explicit lists, skipping disabled channels', async () => {
    for (const row of await store.notificationChannels.list()) await store.notificationChannels.remove(row.id);
    const make = async (name: string, extra: object) => (await service.create({ name, type: 'slack', config: { url: 'https://hooks.example/x' }, ...extra }, 'u')).id;
    const all = await make('all', { minSeverity: 'info' });
    const critical = await make('critical', { minSeverity: 'critical', sendResolved: false });
    const prod = await make('prod', { minSeverity: 'info', tags: ['prod'] });
    const off = await make('off', { minSeverity: 'info', enabled: false });
    const sort = (ids: string[]) => [...ids].sort();
    const warning = sampleNotification('firing', { severity: 'warning' });
    expect(sort(await service.route(warning))).toEqual(sort([all, prod]));
    const lab = sampleNotification('firing', { alerts: [sampleAlert({ resourceId: 'host:lab' })] });
    expect(sort(await service.route(lab))).toEqual(sort([all, critical]));
    expect(sort(await service.route(sampleNotification('resolved')))).toEqual(sort([all, prod]));
    expect(await service.route(warning, [critical, off, 'gone'])).toEqual([critical]);
    expect(logs.join('\n')).toContain('gone');
  });
});
