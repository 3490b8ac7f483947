import { describe, expect, it } from 'vitest';
import { createNamespaceLookup, mayPublish, maySubscribe } from './namespaces.js';

describe('namespaces', () => {
  const lookup = createNamespaceLookup([
    { pattern: 'resources' },
    { pattern: 'resource:*', subscribeScope: 'monitoring:read', historySize: 10, latestValue: true },
    { pattern: 'ext:*', subscribeScope: 'hub:subscribe', publishScope: 'hub:publish', presence: true, joinLeave: true },
    { pattern: 'ext:admin:*', subscribeScope: 'admin', joinLeave: true },
  ]);

  it('matches exact names and prefix patterns without letting a prefix swallow its sibling', () => {
    expect(lookup('resources')?.pattern).toBe('resources');
    expect(lookup('resource:vm-101')?.pattern).toBe('resource:*');
    expect(lookup('resource:')).toBeUndefined();
    expect(lookup('resourcesx')).toBeUndefined();
    expect(lookup('alerts')).toBeUndefined();
  });

  it('prefers the longest prefix so a narrower namespace can demand more', () => {
    expect(lookup('ext:admin:audit')?.pattern).toBe('ext:admin:*');
    expect(lookup('ext:weather')?.pattern).toBe('ext:*');
  });

  it('fills defaults: no history, 5 min TTL, join/leave only with presence', () => {
    expect(lookup('resources')).toMatchObject({ presence: false, joinLeave: false, latestValue: false, history: { size: 0, ttlMs: 300_000 } });
    expect(lookup('resource:x')).toMatchObject({ latestValue: true, history: { size: 10 } });
    expect(lookup('ext:admin:audit')?.joinLeave).toBe(false);
    expect(lookup('ext:weather')?.joinLeave).toBe(true);
  });

  it('lets anyone subscribe without a scope, needs the scope otherwise, and never allows publishing without a publishScope', () => {
    const viewer = { id: 'u', name: 'viewer', scopes: ['monitoring:read', 'hub:publish'] };
    expect(maySubscribe(lookup('resources')!, viewer)).toBe(true);
    expect(maySubscribe(lookup('resource:x')!, viewer)).toBe(true);
    expect(maySubscribe(lookup('ext:admin:a')!, viewer)).toBe(false);
    expect(mayPublish(lookup('ext:x')!, viewer)).toBe(true);
    expect(mayPublish(lookup('resources')!, { ...viewer, scopes: ['admin'] })).toBe(false);
    expect(mayPublish(lookup('ext:x')!, { ...viewer, scopes: ['hub:subscribe'] })).toBe(false);
  });
});
