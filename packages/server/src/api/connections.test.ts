import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '@pulse/protocol';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse } from '../../test-support/pulse.js';
import { createAuthenticator, createSessionService, createTokenService } from '../auth/index.js';
import { type ConnectionRuntime, type ConnectionUnderTest, createConnectionService } from '../connections/index.js';
import { createSecretBox } from '../secrets/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createAccessHook } from './access.js';
import { onError } from './errors.js';
import { registerConnectionRoutes } from './routes/connections.js';

const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const input = (name: string, over: Record<string, unknown> = {}) => ({
  name, product: 'pve', endpoints: ['https://pve1.lan'], auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', secret: SECRET }, ...over,
});

/** Stands in for the Proxmox poller: records what it was asked and answers from a table. */
function fakeRuntime() {
  const tested: ConnectionUnderTest[] = [];
  const runtime: ConnectionRuntime = {
    async test(connection) {
      tested.push(connection);
      return { ok: true, product: connection.product, version: '9.0.3', nodes: ['pve1'] };
    },
    async fingerprint(url) {
      if (url.includes('down')) throw Object.assign(new Error(`${url} did not answer`), { code: 'proxmox.unreachable' });
      return { fingerprint: 'AB:CD', subject: `CN=${new URL(url).hostname}`, validTo: '2030-01-01T00:00:00Z', selfSigned: true };
    },
    state: (id) => (id === stateful ? { status: 'error', error: { code: 'proxmox.unauthorized', message: 'token refused' }, lastPollAt: 5 } : undefined),
  };
  let stateful = '';
  return { runtime, tested, markStateful: (id: string) => { stateful = id; } };
}

describe('connections API (routes with real auth, store and service; a fake runtime)', () => {
  let store: StateStore;
  let url: string;
  let close: () => Promise<void>;
  const logLines: string[] = [];
  const fake = fakeRuntime();
  const headers: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-connections-api-')) }));
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    const now = Date.now;
    const service = createConnectionService({ store, box: createSecretBox(randomBytes(32)), now, logger });
    const tokens = createTokenService({ store, now });
    const authenticate = createAuthenticator(createSessionService({ store, now, ttlMs: () => 3_600_000 }), tokens);
    await store.users.insert({ id: 'u1', username: 'admin', password_hash: 'x', role: 'admin', created_at: 1 });
    for (const [who, scopes] of [['admin', ['admin']], ['writer', ['settings:write', 'monitoring:read']], ['reader', ['monitoring:read']], ['settingsReader', ['settings:read']]] as const) {
      const created = await tokens.create({ name: who, scopes: [...scopes] as Scope[], userId: 'u1' });
      headers[who] = { authorization: `Bearer ${created.token}` };
    }
    // The same setup as api/app.ts, with only the connection routes registered.
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(onError);
    app.addHook('onRequest', createAccessHook(authenticate, () => []));
    registerConnectionRoutes(app, { connections: { service, runtime: fake.runtime } });
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
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, type: res.headers.get('content-type') };
  };

  it('creates, lists, reads, changes and deletes a connection, never answering or logging a secret', async () => {
    const created = await call('POST', '/api/connections', input('pve-main', { tls: { fingerprint: 'ab'.repeat(32) } }));
    expect(created.status).toBe(201);
    const { id } = created.body.connection;
    expect(created.body.connection).toMatchObject({
      name: 'pve-main', product: 'pve', endpoints: ['https://pve1.lan:8006'], intervalMs: 10_000, enabled: true,
      auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', hasSecret: true }, tls: { ca: false, insecure: false },
    });
    fake.markStateful(id);
    const listed = await call('GET', '/api/connections', undefined, headers.reader);
    expect(listed.status).toBe(200);
    expect(listed.body.connections.find((c: { id: string }) => c.id === id).state).toEqual({ status: 'error', error: { code: 'proxmox.unauthorized', message: 'token refused' }, lastPollAt: 5 });
    expect((await call('GET', `/api/connections/${id}`, undefined, headers.reader)).body.connection.name).toBe('pve-main');
    const patched = await call('PATCH', `/api/connections/${id}`, { enabled: false, auth: { kind: 'password', username: 'root@pam', password: PASSWORD } }, headers.writer);
    expect(patched.status).toBe(200);
    expect(patched.body.connection).toMatchObject({ enabled: false, auth: { kind: 'password', username: 'root@pam', hasSecret: true } });
    expect((await call('DELETE', `/api/connections/${id}`, undefined, headers.writer)).status).toBe(204);
    expect((await call('GET', `/api/connections/${id}`)).body.error.code).toBe('connection.not_found');
    const audit = await store.audit.recent(10);
    expect(audit.filter((e) => e.target === id).map((e) => e.action).sort()).toEqual(['connection.create', 'connection.delete', 'connection.update']);
    for (const text of [...answers, ...logLines, JSON.stringify(audit)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(PASSWORD);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });

  it('answers 400 validation.failed naming the field, 404 and 409', async () => {
    const bad = await call('POST', '/api/connections', input('x', { endpoints: ['http://pve1'], intervalMs: 100 }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation.failed');
    expect(bad.body.error.message).toContain('body.endpoints.0');
    expect(bad.body.error.message).toContain('body.intervalMs');
    const noSecret = await call('POST', '/api/connections', input('x', { auth: { kind: 'token', tokenId: 'a@pve!b', secret: '' } }));
    expect(noSecret.body.error.message).toContain('body.auth.secret');
    const dup = await call('POST', '/api/connections', input('twice', { endpoints: ['https://a', 'https://A:8006'] }));
    expect(dup.body.error).toMatchObject({ code: 'validation.failed', message: expect.stringContaining('body.endpoints.1') });
    expect((await call('POST', '/api/connections', input('twice'))).status).toBe(201);
    const taken = await call('POST', '/api/connections', input('twice'));
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('connection.name_taken');
    expect((await call('PATCH', '/api/connections/nope', { enabled: true })).status).toBe(404);
    expect((await call('DELETE', '/api/connections/nope')).body.error.code).toBe('connection.not_found');
    expect((await call('PATCH', '/api/connections/nope', { secret: 'x' })).status).toBe(400);
  });

  it('needs monitoring:read to read and settings:write to change', async () => {
    expect((await call('GET', '/api/connections', undefined, {})).status).toBe(401);
    expect((await call('GET', '/api/connections', undefined, headers.settingsReader)).status).toBe(403);
    const refused = await call('POST', '/api/connections', input('by-reader'), headers.reader);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth.forbidden');
    expect((await call('POST', '/api/connections/test', input('t'), headers.reader)).status).toBe(403);
    expect((await call('POST', '/api/connections/fingerprint', { url: 'https://pve1' }, headers.reader)).status).toBe(403);
    expect((await call('DELETE', '/api/connections/any', undefined, headers.reader)).status).toBe(403);
    expect((await call('GET', '/api/connections/setup-script?product=pve', undefined, headers.reader)).status).toBe(403);
  });

  it('tests new settings and stored ones (with their secret) through the runtime', async () => {
    const fresh = await call('POST', '/api/connections/test', input('new-one', { product: 'pbs', endpoints: ['https://backup'] }), headers.writer);
    expect(fresh.body).toEqual({ ok: true, product: 'pbs', version: '9.0.3', nodes: ['pve1'] });
    expect(fake.tested.at(-1)).toMatchObject({ endpoints: ['https://backup:8007'], auth: { secret: SECRET } });
    const { id } = (await call('POST', '/api/connections', input('stored'))).body.connection;
    await call('POST', '/api/connections/test', { id, endpoints: ['https://pve1.lan:8443'] }, headers.writer);
    expect(fake.tested.at(-1)).toMatchObject({ id, endpoints: ['https://pve1.lan:8443'], auth: { secret: SECRET } });
    expect((await call('POST', '/api/connections/test', { id: 'nope' })).status).toBe(404);
    // A secret sealed by a key this Pulse no longer has is a failed test, not a server error.
    const row = (await store.connections.byId(id))!;
    await store.connections.insert({ ...row, id: 'lost-key', name: 'lost-key', secret_ciphertext: createSecretBox(randomBytes(32)).seal(SECRET, 'connection:lost-key') });
    const lost = await call('POST', '/api/connections/test', { id: 'lost-key' });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ ok: false, product: 'pve', error: { code: 'secrets.wrong_key', hint: expect.any(String) } });
    const bad = await call('POST', '/api/connections/test', { name: 'x', product: 'pve' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.endpoints');
  });

  it('reads a fingerprint through the runtime and says why when the endpoint does not answer', async () => {
    const ok = await call('POST', '/api/connections/fingerprint', { url: 'https://backup', product: 'pbs' }, headers.writer);
    expect(ok.body).toMatchObject({ fingerprint: 'AB:CD', subject: 'CN=backup', selfSigned: true });
    const down = await call('POST', '/api/connections/fingerprint', { url: 'https://down.lan' });
    expect(down.status).toBe(502);
    expect(down.body.error).toEqual({ code: 'proxmox.unreachable', message: 'https://down.lan:8006 did not answer' });
    expect((await call('POST', '/api/connections/fingerprint', { url: 'ftp://x' })).status).toBe(400);
  });

  it('serves setup scripts that pass sh -n, and refuses unsafe names', async () => {
    for (const product of ['pve', 'pbs', 'pmg']) {
      const res = await call('GET', `/api/connections/setup-script?product=${product}&user=mon&token=t1`, undefined, headers.settingsReader);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain/);
      expect(res.text).toContain(`mon@${product}`);
      expect(() => execFileSync('sh', ['-n'], { input: res.text })).not.toThrow();
    }
    for (const query of ['product=pve&user=x%27%3Bid', 'product=pve&token=-t', 'product=pve&user=Root', 'product=xen']) {
      const res = await call('GET', `/api/connections/setup-script?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation.failed');
    }
  });
});
