import { applyResourcePatch, type Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import type { ObservedResource } from './observation.js';
import { createRegistry, type RegistryChange } from './registry.js';

const host = (over: Partial<ObservedResource> = {}): ObservedResource => ({
  id: 'host:a', type: 'host', name: 'a', source: 'local', status: 'online',
  metrics: { cpu: 10, 'mem.used': 100 }, details: { cores: [10, 20] }, identity: { machineId: 'a' }, tags: [],
  ...over,
});

describe('registry', () => {
  it('sends a new resource whole, then only the fields that changed', () => {
    const registry = createRegistry();
    const changes: RegistryChange[] = [];
    registry.subscribe((c) => changes.push(c));
    registry.apply({ source: 'local', at: 1, resources: [host()], complete: true });
    registry.apply({ source: 'local', at: 2, resources: [host({ metrics: { cpu: 12, 'mem.used': 100 } })], complete: true });
    expect(changes[0]!.diff.upsert[0]).toMatchObject({ id: 'host:a', name: 'a', metrics: { cpu: 10 } });
    expect(changes[1]!.diff.upsert).toEqual([{ id: 'host:a', metrics: { cpu: 12 }, lastSeen: 2 }]);
  });

  it('sends nothing in the diff when nothing changed, but still a sample', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host()], complete: true });
    const change = registry.apply({ source: 'local', at: 2, resources: [host()], complete: true });
    expect(change.diff.upsert).toEqual([]);
    expect(change.samples).toEqual([{ id: 'host:a', t: 2, metrics: { cpu: 10, 'mem.used': 100 } }]);
  });

  it('replaces a changed detail key whole and leaves the others out', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host({ details: { cores: [1, 2], system: { kernel: '6.1' } } })], complete: true });
    const change = registry.apply({ source: 'local', at: 2, resources: [host({ details: { cores: [1, 3], system: { kernel: '6.1' } } })], complete: true });
    expect(change.diff.upsert[0]!.details).toEqual({ cores: [1, 3] });
  });

  it('removes what a complete observation of the same source no longer reports', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host(), host({ id: 'host:b' })], complete: true });
    registry.apply({ source: 'other', at: 1, resources: [host({ id: 'x:1', source: 'other' })], complete: true });
    const change = registry.apply({ source: 'local', at: 2, resources: [host()], complete: true });
    expect(change.diff.remove).toEqual(['host:b']);
    expect(registry.list().map((r) => r.id).sort()).toEqual(['host:a', 'x:1']);
  });

  it('keeps resources a partial observation does not mention', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host(), host({ id: 'host:b' })], complete: true });
    expect(registry.apply({ source: 'local', at: 2, resources: [host()], complete: false }).diff.remove).toEqual([]);
    expect(registry.size).toBe(2);
  });

  it('a client applying the diffs to the snapshot ends with the registry state', () => {
    const registry = createRegistry();
    let mirror = new Map<string, Resource>();
    registry.apply({ source: 'local', at: 1, resources: [host()], complete: true });
    mirror = new Map(registry.list().map((r) => [r.id, structuredClone(r)]));
    registry.subscribe(({ diff }) => {
      for (const p of diff.upsert) mirror.set(p.id, applyResourcePatch(mirror.get(p.id), p)!);
      for (const id of diff.remove) mirror.delete(id);
    });
    for (let i = 2; i < 20; i++) {
      registry.apply({ source: 'local', at: i, resources: [host({ metrics: { cpu: i % 5, 'mem.used': 100 + (i % 3) }, status: i % 7 ? 'online' : 'degraded' })], complete: true });
    }
    expect([...mirror.values()]).toEqual(registry.list());
  });
});
