import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notification, Scope } from '@pulse/protocol';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/pulse.js';
import { createAuthenticator, createSessionService, createTokenService } from '../auth/index.js';
import { createNotifier, type Notifier } from '../notifications/index.js';
import { createSecretBox } from '../secrets/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createAccessHook } from './access.js';
import { onError } from './errors.js';
import { registerChannelRoutes } from './routes/channels.js';

const TOKEN = 'sekrit-b0t-t0ken-d0nt-l34k';

/** A loopback receiver answering each request with the next queued status (200 once they run out). */
async function startReceiver() {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, statuses, stop: () => new Promise<void>((done) => server.close(() => done())) };
}

const notification = (id: string): Notification => ({
  id, kind: 'firing', severity: 'critical', title: 'Queue deep on app', summary: 'queue.depth 250', at: 1_800_000_000_000, suppressed: [],
  alerts: [{ id: 'a1', ruleId: 'r1', ruleName: 'Queue deep', resourceId: 'app:queue', resourceName: 'queue', severity: 'critical', state: 'firing', message: 'queue.depth 250', pendingSince: 1, flapping: false }],
});

describe('channels and notifications API (real auth, store, secret box and notifier; a loopback receiver)', () => {
  let store: StateStore;
  let notifier: Notifier;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let url: string;
  let close: () => Promise<void>;
  const headers: Record<string, Record<string, string>> = {};
  const answers: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-channels-api-')) }));
    const logger = pino({ level: 'silent' });
    // maxAttempts 1: the first failure is a dead letter, which the retry endpoint revives.
    notifier = createNotifier({ store, box: createSecretBox(randomBytes(32)), now: Date.now, logger, backoff: { maxAttempts: 1 }, pollMs: 50 });
    await notifier.start();
    const tokens = createTokenService({ store, now: Date.now });
    const authenticate = createAuthenticator(createSessionService({ store, now: Date.now, ttlMs: () => 3_600_000 }), tokens);
    await store.users.insert({ id: 'u1', username: 'admin', password_hash: 'x', role: 'admin', created_at: 1 });
    for (const [who, scopes] of [['admin', ['admin']], ['settingsReader', ['settings:read']], ['reader', ['monitoring:read']]] as const) {
      headers[who] = { authorization: `Bearer ${(await tokens.create({ name: who, scopes: [...scopes] as Scope[], userId: 'u1' })).token}` };
    }
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(onError);
    app.addHook('onRequest', createAccessHook(authenticate, () => []));
    registerChannelRoutes(app, { notifications: notifier });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await notifier.stop();
      await store.close();
      await receiver.stop();
    };
  });
  afterAll(() => close?.());

  const call = async (method: string, path: string, body?: unknown, as: Record<string, string> | undefined = headers.admin) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { ...as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  // The table below is built before the receiver listens: its URL is only read for sends.
  const webhook = (over: Record<string, unknown> = {}) => ({ name: 'ops', type: 'webhook', config: { url: receiver?.url ?? 'http://127.0.0.1:9/hook', headers: { Authorization: `Bearer ${TOKEN}` } }, ...over });

  it('creates, lists, replaces and deletes a channel, masking its secrets in every answer and keeping them when sent back masked', async () => {
    const created = await call('POST', '/api/channels', webhook());
    expect(created.status).toBe(201);
    const { id } = created.body.channel;
    expect(created.body.channel).toMatchObject({ name: 'ops', type: 'webhook', enabled: true, minSeverity: 'warning', sendResolved: true, config: { url: receiver.url, headers: '********' } });
    expect((await call('GET', '/api/channels', undefined, headers.settingsReader)).body.channels.map((c: { id: string }) => c.id)).toEqual([id]);
    const { id: _i, createdAt: _c, updatedAt: _u, ...shown } = (await call('GET', `/api/channels/${id}`, undefined, headers.settingsReader)).body.channel;
    const renamed = await call('PUT', `/api/channels/${id}`, { ...shown, name: 'ops-2', minSeverity: 'critical' });
    expect(renamed.body.channel).toMatchObject({ name: 'ops-2', minSeverity: 'critical', config: { headers: '********' } });
    // The kept secret still reaches the receiver: a test send carries it.
    expect((await call('POST', `/api/channels/${id}/test`)).body).toEqual({ ok: true });
    expect(receiver.received.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // ...but not to a host it was never entered for.
    const moved = await call('PUT', `/api/channels/${id}`, { ...shown, config: { ...shown.config, url: 'http://other.test/hook' } });
    expect([moved.status, moved.body.error.code]).toEqual([400, 'validation.failed']);
    expect((await call('DELETE', `/api/channels/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/channels/${id}`)).body.error.code).toBe('channel.not_found');
    expect((await call('POST', `/api/channels/${id}/test`)).status).toBe(404);
    const audit = JSON.stringify(await store.audit.recent(20));
    for (const text of [...answers, audit]) expect(text).not.toContain(TOKEN);
  });

  it.each([
    ['an unknown type', webhook({ type: 'carrier-pigeon' }), /type/],
    ['a webhook without a URL', webhook({ config: {} }), /config\.url/],
    ['a non-http URL', webhook({ config: { url: 'ftp://files.test/' } }), /config\.url/],
    ['a masked secret with nothing stored', webhook({ config: { url: 'http://a.test/', secret: '********' } }), /enter the secret/],
  ])('refuses %s', async (_what, body, message) => {
    const res = await call('POST', '/api/channels', body);
    expect([res.status, res.body.error.code]).toEqual([400, 'validation.failed']);
    expect(res.body.error.message).toMatch(message);
  });

  it('tests unsaved settings and says why a send failed', async () => {
    expect((await call('POST', '/api/channels/test', webhook())).body).toEqual({ ok: true });
    receiver.statuses.push(503);
    const failed = (await call('POST', '/api/channels/test', webhook())).body;
    expect(failed).toEqual({ ok: false, error: expect.stringMatching(/503/) });
  });

  it('lists a dead delivery and sends it again on retry', async () => {
    const channel = (await call('POST', '/api/channels', webhook({ name: 'dead-letters', minSeverity: 'info' }))).body.channel;
    receiver.statuses.push(500);
    const before = receiver.received.length;
    await notifier.enqueue(notification('n:firing:1'), 'default');
    const dead = await waitFor(async () => (await call('GET', '/api/notifications?state=dead', undefined, headers.settingsReader)).body.deliveries[0], 'a dead delivery');
    expect(dead).toMatchObject({ notificationId: 'n:firing:1', channelId: channel.id, channelName: 'dead-letters', channelType: 'webhook', attempts: 1, lastError: expect.stringMatching(/500/) });
    expect((await call('POST', `/api/notifications/${dead.id}/retry`, undefined, headers.settingsReader)).status).toBe(403);
    expect((await call('POST', `/api/notifications/${dead.id}/retry`)).body.delivery).toMatchObject({ id: dead.id, state: 'queued', attempts: 0 });
    await waitFor(async () => (await call('GET', '/api/notifications?state=sent')).body.deliveries.some((d: { id: string }) => d.id === dead.id), 'the retried delivery to be sent');
    expect(receiver.received.slice(before).map((r) => r.headers['x-pulse-delivery'])).toEqual(['n:firing:1', 'n:firing:1']);
    expect((await call('POST', `/api/notifications/${dead.id}/retry`)).body.error.code).toBe('delivery.not_dead');
    expect((await call('POST', '/api/notifications/nope/retry')).status).toBe(404);
  });

  it('keeps channels to settings scopes', async () => {
    expect((await call('GET', '/api/channels', undefined, headers.reader)).status).toBe(403);
    expect((await call('POST', '/api/channels', webhook(), headers.settingsReader)).status).toBe(403);
    expect((await call('GET', '/api/notifications', undefined, headers.reader)).status).toBe(403);
  });
});
