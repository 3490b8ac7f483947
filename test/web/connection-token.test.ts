import { describe, expect, it } from 'vitest';
import { createConnectionTokens, REFRESH_BEFORE_EXPIRY_MS } from '../../packages/web/src/app/connection-token.ts';
import { ApiRequestError } from '../../packages/web/src/lib/api.ts';

const TTL_MS = 5 * 60_000; // the server's default (hub.connection_token_ttl_seconds = 300)

/** A fake `POST /api/realtime/token` on a simulated clock: each call issues `t<n>`, valid for `ttlMs`. */
function tokenServer(clock: { now: number }, ttlMs = TTL_MS) {
  let issued = 0;
  const calls: number[] = [];
  const request = async () => {
    calls.push(clock.now);
    issued += 1;
    return { token: `t${issued}`, expiresAt: clock.now + ttlMs };
  };
  return { request, calls };
}

describe('connection token cache', () => {
  it('hands the same token to every reconnect until 30 s before it expires', async () => {
    const clock = { now: 1_000_000 };
    const server = tokenServer(clock);
    const getToken = createConnectionTokens({ request: server.request, onSessionGone: () => {}, now: () => clock.now });

    expect(await getToken()).toBe('t1');
    clock.now += 60_000;
    expect(await getToken()).toBe('t1');
    clock.now += TTL_MS - 60_000 - REFRESH_BEFORE_EXPIRY_MS - 1;
    expect(await getToken()).toBe('t1');
    expect(server.calls).toHaveLength(1);
  });

  it('fetches a new token once the cached one is within 30 s of expiry, then reuses that one', async () => {
    const clock = { now: 1_000_000 };
    const server = tokenServer(clock);
    const getToken = createConnectionTokens({ request: server.request, onSessionGone: () => {}, now: () => clock.now });

    expect(await getToken()).toBe('t1');
    clock.now += TTL_MS - REFRESH_BEFORE_EXPIRY_MS;
    expect(await getToken()).toBe('t2');
    clock.now += 1_000;
    expect(await getToken()).toBe('t2');
    expect(server.calls).toHaveLength(2);
  });

  it('asks once for callers that arrive while a request is on its way', async () => {
    const clock = { now: 0 };
    const server = tokenServer(clock);
    const getToken = createConnectionTokens({ request: server.request, onSessionGone: () => {}, now: () => clock.now });

    expect(await Promise.all([getToken(), getToken(), getToken()])).toEqual(['t1', 't1', 't1']);
    expect(server.calls).toHaveLength(1);
  });

  it('does not reuse a token past its own clock lifetime when the browser clock runs behind the server', async () => {
    const clock = { now: 1_000_000 };
    let calls = 0;
    const getToken = createConnectionTokens({
      request: async () => {
        calls += 1;
        // The server's clock is an hour ahead, so its expiry looks an hour further off to us.
        return { token: `t${calls}`, expiresAt: clock.now + 60 * 60_000 + TTL_MS };
      },
      onSessionGone: () => {},
      now: () => clock.now,
    });

    expect(await getToken()).toBe('t1');
    clock.now += TTL_MS - REFRESH_BEFORE_EXPIRY_MS;
    expect(await getToken()).toBe('t2');
    expect(calls).toBe(2);
  });

  it('treats a 401 as the session gone and fails the attempt', async () => {
    let gone = 0;
    const getToken = createConnectionTokens({
      request: () => Promise.reject(new ApiRequestError(401, 'auth.required', 'Sign in first.')),
      onSessionGone: () => (gone += 1),
    });

    await expect(getToken()).rejects.toMatchObject({ status: 401 });
    expect(gone).toBe(1);
  });

  it('keeps the session on other failures and asks again on the next attempt', async () => {
    let gone = 0;
    let calls = 0;
    const getToken = createConnectionTokens({
      request: async () => {
        calls += 1;
        if (calls === 1) throw new ApiRequestError(0, 'network.unreachable', 'Cannot reach the Pulse server.');
        return { token: 'after-restart', expiresAt: Date.now() + TTL_MS };
      },
      onSessionGone: () => (gone += 1),
    });

    await expect(getToken()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(await getToken()).toBe('after-restart');
    expect(gone).toBe(0);
  });

  it('refuses an answer that is not a token', async () => {
    const getToken = createConnectionTokens({ request: async () => ({ token: 42 }), onSessionGone: () => {} });
    await expect(getToken()).rejects.toThrow();
  });
});
