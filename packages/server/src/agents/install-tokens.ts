import { INSTALL_TOKEN_PREFIX, type InstallToken } from '@pulse/protocol';
import type { InstallTokenRow, StateStore } from '../store/index.js';
import { mintToken, newAgentId, parseToken, secretMatches } from './secrets.js';

/**
 * Install tokens (`pulse_install_<id>.<secret>`) let a machine fetch the installer and enrol one agent
 * per use. They expire, can be revoked, and count their uses; only the secret's hash is stored.
 */
export function createInstallTokenService({ store, now }: { store: StateStore; now: () => number }) {
  async function find(token: string | undefined): Promise<InstallTokenRow | undefined> {
    const parsed = parseToken(INSTALL_TOKEN_PREFIX, token);
    if (!parsed) return undefined;
    const row = await store.installTokens.byId(parsed.id);
    return row && secretMatches(row.secret_hash, parsed.secret) ? row : undefined;
  }
  const isUsable = (row: InstallTokenRow, at: number) => row.revoked_at === null && row.expires_at > at && row.uses < row.max_uses;

  return {
    async create(input: { expiresInHours: number; maxUses: number; createdBy: string }): Promise<{ id: string; token: string; expiresAt: number; maxUses: number }> {
      const id = newAgentId();
      const { token, hash } = mintToken(INSTALL_TOKEN_PREFIX, id);
      const at = now();
      const expiresAt = at + input.expiresInHours * 3_600_000;
      await store.installTokens.insert({
        id, secret_hash: hash, created_by: input.createdBy, created_at: at, expires_at: expiresAt,
        max_uses: input.maxUses, uses: 0, last_used_at: null, revoked_at: null,
      });
      return { id, token, expiresAt, maxUses: input.maxUses };
    },
    /** The token's id when it could enrol a machine now; nothing is used up. */
    async check(token: string | undefined): Promise<string | undefined> {
      const row = await find(token);
      return row && isUsable(row, now()) ? row.id : undefined;
    },
    /** Uses the token once and returns its id; undefined when it cannot be used (any more). */
    async consume(token: string | undefined): Promise<string | undefined> {
      const row = await find(token);
      return row && (await store.installTokens.consume(row.id, now())) ? row.id : undefined;
    },
    list: async (): Promise<InstallToken[]> => (await store.installTokens.listUsable(now())).map((row) => ({
      id: row.id, createdAt: row.created_at, createdBy: row.created_by, expiresAt: row.expires_at,
      maxUses: row.max_uses, uses: row.uses, lastUsedAt: row.last_used_at,
    })),
    revoke: (id: string): Promise<boolean> => store.installTokens.revoke(id, now()),
  };
}
export type InstallTokenService = ReturnType<typeof createInstallTokenService>;
