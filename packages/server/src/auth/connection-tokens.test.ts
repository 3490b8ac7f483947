import { describe, expect, it } from 'vitest';
import { createConnectionTokenService } from './connection-tokens.js';
import type { Principal } from './principal.js';

function memorySettings() {
  const values = new Map<string, string>();
  return { get: async (k: string) => values.get(k), set: async (k: string, v: string) => void values.set(k, v), values };
}

const alice: Principal = { id: 'user:1', name: 'alice', kind: 'session', userId: '1', scopes: ['monitoring:read'], sessionHash: 'h1', csrfToken: 'not-carried' };

describe('connection tokens', () => {
  it('round-trips the principal (without the CSRF token) until it expires', async () => {
    let now = 1_000;
    const service = await createConnectionTokenService({ settings: memorySettings(), ttlMs: () => 300_000, now: () => now });
    const { token, expiresAt } = service.issue(alice);
    expect(expiresAt).toBe(301_000);
    expect(service.verify(token)).toEqual({ id: 'user:1', name: 'alice', kind: 'session', userId: '1', scopes: ['monitoring:read'], sessionHash: 'h1' });
    now = 301_000;
    expect(service.verify(token)).toBeUndefined();
  });

  it('refuses forged, altered, truncated and foreign tokens', async () => {
    const settings = memorySettings();
    const service = await createConnectionTokenService({ settings, ttlMs: () => 60_000, now: () => 0 });
    const { token } = service.issue(alice);
    const [prefix, body, signature] = token.split('.');
    const admin = Buffer.from(JSON.stringify({ ...alice, scopes: ['admin'], exp: 60_000 })).toString('base64url');
    for (const bad of [`${prefix}.${admin}.${signature}`, token.slice(0, -2), `${token}.x`, 'pct1.', '', 'pulse_abc.def', `${prefix}.${body}.`]) {
      expect(service.verify(bad)).toBeUndefined();
    }
    const other = await createConnectionTokenService({ settings: memorySettings(), ttlMs: () => 60_000, now: () => 0 });
    expect(other.verify(token)).toBeUndefined();
    // A second process on the same settings shares the secret.
    const peer = await createConnectionTokenService({ settings, ttlMs: () => 60_000, now: () => 0 });
    expect(peer.verify(token)?.id).toBe('user:1');
  });

  it('refuses tokens of a revoked principal until they could have expired', async () => {
    let now = 0;
    const service = await createConnectionTokenService({ settings: memorySettings(), ttlMs: () => 60_000, now: () => now });
    const { token } = service.issue(alice);
    service.revokeMatching((p) => p.sessionHash === 'h1');
    expect(service.verify(token)).toBeUndefined();
    now = 59_999;
    expect(service.verify(token)).toBeUndefined();
    const bob = service.issue({ ...alice, id: 'user:2', sessionHash: 'h2' });
    expect(service.verify(bob.token)?.id).toBe('user:2');
  });
});
