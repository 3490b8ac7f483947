import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal.js';
import type { SessionService } from './sessions.js';
import type { TokenService } from './tokens.js';

export const SESSION_COOKIE = 'pulse_session';

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** One way in for HTTP, WebSocket upgrades and SSE: a bearer token, else the session cookie. */
export function createAuthenticator(sessions: SessionService, tokens: TokenService) {
  return async function authenticate(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    const auth = headers.authorization;
    if (auth?.startsWith('Bearer ')) return tokens.verify(auth.slice(7).trim());
    const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
    return cookie ? sessions.resolve(cookie) : undefined;
  };
}
export type Authenticate = ReturnType<typeof createAuthenticator>;
