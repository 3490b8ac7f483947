import { randomBytes, timingSafeEqual } from 'node:crypto';
import { randomToken, sha256 } from '../auth/digest.js';

const ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{20,100}$/;

/** Short enough to read in a resource id (`host:agent:<id>`), 64 random bits so ids never collide. */
export const newAgentId = (): string => randomBytes(8).toString('hex');

/** `<prefix><id>.<secret>`: the id finds the row, the secret is compared by its sha256, the only part stored. */
export function mintToken(prefix: string, id: string): { token: string; hash: string } {
  const secret = randomToken();
  return { token: `${prefix}${id}.${secret}`, hash: sha256(secret) };
}

export function parseToken(prefix: string, token: string | undefined): { id: string; secret: string } | undefined {
  if (!token?.startsWith(prefix)) return undefined;
  const rest = token.slice(prefix.length);
  const dot = rest.indexOf('.');
  const id = rest.slice(0, dot);
  const secret = rest.slice(dot + 1);
  return dot > 0 && ID.test(id) && SECRET.test(secret) ? { id, secret } : undefined;
}

export function secretMatches(hash: string, secret: string): boolean {
  const expected = Buffer.from(hash);
  const actual = Buffer.from(sha256(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function bearerOf(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
}
