import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiToken, Scope } from '@pulse/protocol';
import type { ApiTokenRow, StateStore } from '../store/index.js';
import { randomToken, sha256 } from './digest.js';
import type { Principal } from './principal.js';

const PREFIX = 'pulse_';
const MARK_USED_EVERY_MS = 60_000;

/**
 * API tokens look like `pulse_<id>.<secret>`: the id finds the row, the secret is compared by
 * hash. Only the hash is stored; the token is shown once, at creation.
 */
export function createTokenService({ store, now }: { store: StateStore; now: () => number }) {
  const lastMarked = new Map<string, number>();
  return {
    async create(input: { name: string; scopes: Scope[]; userId: string; expiresInDays?: number | undefined }): Promise<{ token: string; info: ApiToken }> {
      const id = randomUUID();
      const secret = randomToken();
      const at = now();
      const row: ApiTokenRow = {
        id, name: input.name, secret_hash: sha256(secret), scopes: JSON.stringify(input.scopes), user_id: input.userId,
        created_at: at, last_used_at: null, expires_at: input.expiresInDays ? at + input.expiresInDays * 86_400_000 : null, revoked_at: null,
      };
      await store.tokens.insert(row);
      return { token: `${PREFIX}${id}.${secret}`, info: toInfo(row) };
    },

    async verify(token: string): Promise<Principal | undefined> {
      if (!token.startsWith(PREFIX)) return undefined;
      const [id, secret] = token.slice(PREFIX.length).split('.');
      if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
      const row = await store.tokens.byId(id);
      if (!row || row.revoked_at !== null) return undefined;
      const at = now();
      if (row.expires_at !== null && row.expires_at <= at) return undefined;
      const expected = Buffer.from(row.secret_hash);
      const actual = Buffer.from(sha256(secret));
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
      if (at - (lastMarked.get(id) ?? 0) > MARK_USED_EVERY_MS) {
        lastMarked.set(id, at);
        await store.tokens.markUsed(id, at);
      }
      return { id: `token:${id}`, name: row.name, kind: 'token', userId: row.user_id, scopes: JSON.parse(row.scopes) as Scope[] };
    },

    list: async (): Promise<ApiToken[]> => (await store.tokens.listActive()).map(toInfo),
    revoke: (id: string) => store.tokens.revoke(id, now()),
  };
}
export type TokenService = ReturnType<typeof createTokenService>;

function toInfo(row: ApiTokenRow): ApiToken {
  return {
    id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as Scope[], createdAt: row.created_at,
    lastUsedAt: row.last_used_at, expiresAt: row.expires_at,
  };
}
