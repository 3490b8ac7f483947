import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { type ConnectionEvent, ConnectionError, createConnectionService } from './index.js';

const SECRET = 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
/** A throwaway self-signed certificate, made here rather than checked in. */
function selfSignedPem(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-ca-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=pulse-test-ca', '-days', '2',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}
const CA = selfSignedPem();

const input = (over: Record<string, unknown> = {}) => ({
  name: `pve-${randomBytes(3).toString('hex')}`, product: 'pve', endpoints: ['https://PVE1.lan', 'https://10.0.0.2:8443/'],
  auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', secret: SECRET }, ...over,
});
const codeOf = async (work: Promise<unknown>) => {
  const err = await work.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectionError);
  return err as ConnectionError;
};

describe('connection service', () => {
  let store: StateStore;
  let clock = 1_700_000_000_000;
  const key = randomBytes(32);
  const logs: unknown[] = [];
  const logger = { info: (obj: object, msg?: string) => logs.push([obj, msg]), error: (obj: object, msg?: string) => logs.push([obj, msg]) };
  const make = (box = createSecretBox(key)) => createConnectionService({ store, box, now: () => clock, logger });

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-connections-')) }));
  });
  afterAll(() => store?.close());

  it('stores a connection normalised, with defaults, and shows no secret', async () => {
    const service = make();
    const created = await service.create(input({ tls: { fingerprint: 'ab'.repeat(32) } }), 'user:a');
    expect(created).toMatchObject({
      product: 'pve', endpoints: ['https://pve1.lan:8006', 'https://10.0.0.2:8443'], intervalMs: 10_000, enabled: true,
      auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', hasSecret: true }, tls: { fingerprint: `AB${':AB'.repeat(31)}`, ca: false, insecure: false },
    });
    expect(JSON.stringify(await service.list())).not.toContain(SECRET);
    const row = await store.connections.byId(created.id);
    expect(row?.secret_ciphertext).toMatch(/^pse1:/);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    const pbs = await service.create(input({ product: 'pbs', endpoints: ['https://backup'], auth: { kind: 'password', username: 'root@pam', password: 'pw' } }), 'user:a');
    expect(pbs).toMatchObject({ endpoints: ['https://backup:8007'], intervalMs: 60_000, auth: { kind: 'password', username: 'root@pam' } });
  });

  it('opens secrets for the poller only, and says secrets.wrong_key rather than failing when the key changed', async () => {
    const service = make();
    const { id } = await service.create(input(), 'user:a');
    const opened = await service.getDecrypted(id);
    expect(opened).toMatchObject({ ok: true, connection: { id, auth: { kind: 'token', secret: SECRET } } });
    const other = make(createSecretBox(randomBytes(32)));
    const all = await other.listDecrypted();
    const mine = all.find((c) => c.connection.id === id);
    expect(mine).toMatchObject({ ok: false, error: { code: 'secrets.wrong_key' } });
    expect(await other.getDecrypted('nope')).toBeUndefined();
  });

  it.each([
    [{ name: '-bad' }, 'body.name'],
    [{ name: 'a'.repeat(65) }, 'body.name'],
    [{ endpoints: ['http://pve1'] }, 'body.endpoints.0'],
    [{ endpoints: ['https://pve1/api2/json'] }, 'body.endpoints.0'],
    [{ endpoints: ['https://pve1:70000'] }, 'body.endpoints.0'],
    [{ endpoints: ['https://pve1', 'https://PVE1:8006'] }, 'body.endpoints.1'],
    [{ endpoints: [] }, 'body.endpoints'],
    [{ auth: { kind: 'token', tokenId: 'pulse@pve', secret: 'x' } }, 'body.auth.tokenId'],
    [{ auth: { kind: 'token', tokenId: 'pulse@pve!t', secret: '' } }, 'body.auth.secret'],
    [{ auth: { kind: 'password', username: 'root', password: 'x' } }, 'body.auth.username'],
    [{ tls: { fingerprint: 'abc' } }, 'body.tls.fingerprint'],
    [{ tls: { ca: 'not pem' } }, 'body.tls.ca'],
    [{ tls: { ca: CA.replace(/(-----\n)(.{12})/, '$1AAAAAAAAAAAA') } }, 'body.tls.ca'],
    [{ intervalMs: 4999 }, 'body.intervalMs'],
    [{ intervalMs: 3_600_001 }, 'body.intervalMs'],
    [{ product: 'pmx' }, 'body.product'],
    [{ extra: 1 }, 'body'],
  ])('refuses %o naming %s', async (over, field) => {
    const err = await codeOf(make().create(input(over), 'user:a'));
    expect(err.code).toBe('validation.failed');
    expect(err.message).toContain(field);
  });

  it('refuses a taken name on create and rename', async () => {
    const service = make();
    const a = await service.create(input(), 'user:a');
    expect((await codeOf(service.create(input({ name: a.name }), 'user:a'))).code).toBe('connection.name_taken');
    const b = await service.create(input(), 'user:a');
    expect((await codeOf(service.update(b.id, { name: a.name }, 'user:a'))).code).toBe('connection.name_taken');
    expect((await codeOf(service.update('missing', { enabled: false }, 'user:a'))).code).toBe('connection.not_found');
    expect((await codeOf(service.remove('missing', 'user:a'))).code).toBe('connection.not_found');
  });

  it('keeps the secret on update for the same user and hosts, and asks for it again otherwise', async () => {
    const service = make();
    const { id } = await service.create(input(), 'user:a');
    clock += 1000;
    const updated = await service.update(id, { intervalMs: 30_000, endpoints: ['https://pve1.lan:8007'], tls: { insecure: true } }, 'user:a');
    expect(updated).toMatchObject({ intervalMs: 30_000, endpoints: ['https://pve1.lan:8007'], tls: { insecure: true }, updatedAt: clock });
    expect(await service.getDecrypted(id)).toMatchObject({ ok: true, connection: { auth: { secret: SECRET } } });
    expect((await codeOf(service.update(id, { endpoints: ['https://evil.example'] }, 'user:a'))).message).toMatch(/body\.auth\.secret: .*evil\.example/);
    expect((await codeOf(service.update(id, { auth: { kind: 'token', tokenId: 'other@pve!x' } }, 'user:a'))).message).toContain('body.auth.secret');
    expect((await codeOf(service.update(id, { auth: { kind: 'password', username: 'root@pam' } }, 'user:a'))).message).toContain('body.auth.password');
    const moved = await service.update(id, { endpoints: ['https://pve9'], auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', secret: 'new-secret' }, tls: { ca: `\n${CA}\n`, insecure: false } }, 'user:a');
    expect(moved.tls).toEqual({ ca: true, insecure: false });
    expect((await service.getDecrypted(id))).toMatchObject({ ok: true, connection: { tls: { ca: CA } } });
    expect((await service.update(id, { tls: { ca: null } }, 'user:a')).tls.ca).toBe(false);
    expect(await service.getDecrypted(id)).toMatchObject({ ok: true, connection: { endpoints: ['https://pve9:8006'], auth: { secret: 'new-secret' } } });
  });

  it('emits a change event per mutation, records each in the audit log without the secret, and survives a failing listener', async () => {
    const service = make();
    const events: ConnectionEvent[] = [];
    service.onChange(() => {
      throw new Error('listener bug');
    });
    const stop = service.onChange((e) => events.push(e));
    const { id, name } = await service.create(input(), 'user:admin');
    await service.update(id, { enabled: false }, 'token:t1');
    await service.update(id, { enabled: false }, 'token:t1');
    await service.remove(id, 'user:admin');
    stop();
    expect(events).toEqual([{ type: 'created', id, name }, { type: 'updated', id, name }, { type: 'deleted', id, name }]);
    const audit = (await store.audit.recent(50)).filter((e) => e.target === id).reverse();
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['connection.create', 'user:admin'], ['connection.update', 'token:t1'], ['connection.delete', 'user:admin']]);
    expect(JSON.parse(audit[1]!.detail!)).toMatchObject({ changed: ['enabled'], secretChanged: false });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(logs.some((l) => JSON.stringify(l).includes('listener failed'))).toBe(true);
  });

  it('resolves a test of a stored connection with unsaved changes and its stored secret', async () => {
    const service = make();
    const { id } = await service.create(input(), 'user:a');
    expect(await service.resolveTest({ id, intervalMs: 20_000 })).toMatchObject({ id, intervalMs: 20_000, auth: { secret: SECRET } });
    const fresh = await service.resolveTest(input({ product: 'pmg', endpoints: ['https://mail'] }));
    expect(fresh).toMatchObject({ product: 'pmg', endpoints: ['https://mail:8006'], intervalMs: 60_000 });
    expect(fresh).not.toHaveProperty('id');
    expect((await codeOf(service.resolveTest({ name: 'x' }))).code).toBe('validation.failed');
    expect((await codeOf(service.resolveTest({ id: 'missing' }))).code).toBe('connection.not_found');
  });

  it('seals secrets again with the current key after a rotation', async () => {
    const oldKey = randomBytes(32);
    const { id } = await make(createSecretBox(oldKey)).create(input(), 'user:a');
    const box = createSecretBox(randomBytes(32), [oldKey, key]);
    const rotated = make(box);
    expect(await rotated.reseal()).toBeGreaterThanOrEqual(1);
    expect(await rotated.reseal()).toBe(0);
    expect((await store.connections.byId(id))?.secret_ciphertext.split(':')[1]).toBe(box.keyId);
    expect(await rotated.getDecrypted(id)).toMatchObject({ ok: true, connection: { auth: { secret: SECRET } } });
  });
});
