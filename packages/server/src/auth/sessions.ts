import type { StateStore, UserRow } from '../store/index.js';
import { randomToken, sha256 } from './digest.js';
import { type Principal, scopesForRole } from './principal.js';

export interface SessionOptions {
  store: StateStore;
  now: () => number;
  ttlMs: () => number;
}

// Refreshing `last_seen_at` on every request would be a database write per API call; once a
// minute is enough to keep sliding expiry honest.
const TOUCH_EVERY_MS = 60_000;

export function createSessionService({ store, now, ttlMs }: SessionOptions) {
  return {
    async create(user: UserRow): Promise<{ cookie: string; principal: Principal; expiresAt: number }> {
      const cookie = randomToken();
      const csrfToken = randomToken();
      const at = now();
      const expiresAt = at + ttlMs();
      await store.sessions.insert({ id_hash: sha256(cookie), user_id: user.id, csrf_token: csrfToken, created_at: at, expires_at: expiresAt, last_seen_at: at });
      return { cookie, expiresAt, principal: toPrincipal(user, csrfToken, sha256(cookie)) };
    },

    async resolve(cookie: string): Promise<Principal | undefined> {
      const idHash = sha256(cookie);
      const session = await store.sessions.byHash(idHash);
      const at = now();
      if (!session) return undefined;
      if (session.expires_at <= at) {
        await store.sessions.remove(idHash);
        return undefined;
      }
      const user = await store.users.byId(session.user_id);
      if (!user) return undefined;
      if (at - session.last_seen_at > TOUCH_EVERY_MS) await store.sessions.touch(idHash, at, at + ttlMs());
      return toPrincipal(user, session.csrf_token, idHash);
    },

    async destroy(sessionHash: string): Promise<void> {
      await store.sessions.remove(sessionHash);
    },

    removeExpired: () => store.sessions.removeExpired(now()),
  };
}
export type SessionService = ReturnType<typeof createSessionService>;

function toPrincipal(user: UserRow, csrfToken: string, sessionHash: string): Principal {
  return {
    id: `user:${user.id}`, name: user.username, kind: 'session', userId: user.id,
    scopes: scopesForRole(user.role), csrfToken, sessionHash,
  };
}
