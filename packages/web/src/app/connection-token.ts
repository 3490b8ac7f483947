import { ConnectionTokenResponse } from '@pulse/protocol';
import { ApiRequestError } from '../lib/api';

/** A token is not handed out again this close to its expiry: the connect it is for may take a while. */
export const REFRESH_BEFORE_EXPIRY_MS = 30_000;
/**
 * The server's default token lifetime (PROTOCOL.md §2.2). Reuse is also capped by our own clock
 * since the token arrived, so a browser whose clock runs behind the server's does not keep
 * presenting an expired token; a longer configured lifetime only costs an earlier refetch.
 */
export const MAX_TOKEN_REUSE_MS = 5 * 60_000;

export interface ConnectionTokensOptions {
  /** `POST /api/realtime/token` through the session's API (cookie + CSRF header). */
  request: () => Promise<unknown>;
  /** The server answered 401: the session behind the dashboard has ended. */
  onSessionGone: () => void;
  now?: () => number;
}

/**
 * The `getToken` for the live connection: one connection token, reused by every reconnect until
 * shortly before it expires, so a reconnect storm after a server restart checks signatures
 * instead of each asking the session store. Concurrent callers share one request.
 */
export function createConnectionTokens(options: ConnectionTokensOptions): () => Promise<string> {
  const now = options.now ?? Date.now;
  let cached: { token: string; reuseUntil: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    let answer: unknown;
    try {
      answer = await options.request();
    } catch (err) {
      if (err instanceof ApiRequestError && err.isUnauthorized) options.onSessionGone();
      throw err;
    }
    const { token, expiresAt } = ConnectionTokenResponse.parse(answer);
    const receivedAt = now();
    cached = { token, reuseUntil: Math.min(expiresAt, receivedAt + MAX_TOKEN_REUSE_MS) - REFRESH_BEFORE_EXPIRY_MS };
    return token;
  }

  return () => {
    if (cached && now() < cached.reuseUntil) return Promise.resolve(cached.token);
    cached = undefined;
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
