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
