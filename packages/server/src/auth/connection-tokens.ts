import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Scope } from '@pulse/protocol';
import type { Principal } from './principal.js';

const SECRET_SETTING = 'realtime.connection_token_secret';
const PREFIX = 'pct1.';

const Payload = z.object({
  id: z.string(), name: z.string(), kind: z.enum(['session', 'token']), userId: z.string(),
  scopes: z.array(Scope), sessionHash: z.string().optional(), exp: z.number().int(),
});

export interface ConnectionTokenService {
  issue(principal: Principal): { token: string; expiresAt: number };
  /** The principal a token names, or undefined when it is forged, expired or revoked. No database access. */
  verify(token: string): Principal | undefined;
  /** Refuses tokens of matching principals until any issued before now have expired. */
  revokeMatching(match: (principal: Principal) => boolean): void;
}

/**
 * Short-lived signed connection tokens: a client fetches one while signed in and presents it on
 * every (re)connect, so a reconnect storm after a restart verifies HMACs instead of querying the
 * database for sessions. The secret lives in the settings table, shared by every server process.
 */
export async function createConnectionTokenService(deps: {
  settings: { get(key: string): Promise<string | undefined>; set(key: string, value: string): Promise<void> };
  ttlMs: () => number;
  now: () => number;
}): Promise<ConnectionTokenService> {
  let stored = await deps.settings.get(SECRET_SETTING);
  if (!stored) {
    await deps.settings.set(SECRET_SETTING, randomBytes(32).toString('base64url'));
    // Another process may have raced us to it; whatever is stored now is the one everyone uses.
    stored = (await deps.settings.get(SECRET_SETTING))!;
  }
  const secret = Buffer.from(stored, 'base64url');
  const sign = (body: string): Buffer => createHmac('sha256', secret).update(body).digest();
  let revocations: { match: (principal: Principal) => boolean; until: number }[] = [];

  return {
    issue(principal) {
      const expiresAt = deps.now() + deps.ttlMs();
      const payload: z.infer<typeof Payload> = {
        id: principal.id, name: principal.name, kind: principal.kind, userId: principal.userId,
        scopes: [...principal.scopes], sessionHash: principal.sessionHash, exp: expiresAt,
      };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return { token: `${PREFIX}${body}.${sign(body).toString('base64url')}`, expiresAt };
    },

    verify(token) {
      if (!token.startsWith(PREFIX) || token.length > 4096) return undefined;
      const [body, signature, extra] = token.slice(PREFIX.length).split('.');
      if (!body || !signature || extra !== undefined) return undefined;
      const expected = sign(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let parsed;
      try {
        parsed = Payload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      } catch {
        return undefined;
      }
      if (!parsed.success || parsed.data.exp <= deps.now()) return undefined;
      const { exp: _exp, ...principal } = parsed.data;
      const now = deps.now();
      revocations = revocations.filter((r) => r.until > now);
      if (revocations.some((r) => r.match(principal))) return undefined;
      return principal;
    },

    revokeMatching(match) {
      revocations.push({ match, until: deps.now() + deps.ttlMs() });
    },
  };
}
