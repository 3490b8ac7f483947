import { describe, expect, it } from 'vitest';
import { createRuleLookup, isAllowed } from './channel-rules.js';

describe('channel rules', () => {
  const resources = { pattern: 'resources' };
  const resource = { pattern: 'resource:*', scope: 'monitoring:read' };
  const ext = { pattern: 'ext:*' };
  const extAdmin = { pattern: 'ext:admin:*', scope: 'admin' };
  const lookup = createRuleLookup([resources, resource, ext, extAdmin]);

  it('matches exact names and prefix patterns without letting a prefix swallow its sibling', () => {
    expect(lookup('resources')).toBe(resources);
    expect(lookup('resource:vm-101')).toBe(resource);
    expect(lookup('resource:')).toBeUndefined();
    expect(lookup('resourcesx')).toBeUndefined();
    expect(lookup('alerts')).toBeUndefined();
  });

  it('prefers the longest prefix so a narrower rule can demand more', () => {
    expect(lookup('ext:admin:audit')).toBe(extAdmin);
    expect(lookup('ext:weather')).toBe(ext);
  });

  it('allows a rule without scope to anyone and a scoped rule only to holders of the scope', () => {
    const viewer = { id: 'u', name: 'viewer', scopes: ['monitoring:read'] };
    expect(isAllowed(resources, viewer)).toBe(true);
    expect(isAllowed(resource, viewer)).toBe(true);
    expect(isAllowed(extAdmin, viewer)).toBe(false);
  });
});
