import { applyResourcePatch, type Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import type { ObservedResource } from './observation.js';
import { createRegistry, type RegistryChange, reuseUnchanged, sameJson } from './registry.js';

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

  it('sends a metric the source stopped reporting as null, and a client applying it drops the metric', () => {
    const registry = createRegistry();
    const first = registry.apply({ source: 'local', at: 1, resources: [host({ metrics: { rt: 12, ttfb: 8 } })], complete: true });
    const second = registry.apply({ source: 'local', at: 2, resources: [host({ metrics: { rt: 1000 } })], complete: true });
    expect(second.diff.upsert).toEqual([{ id: 'host:a', metrics: { rt: 1000, ttfb: null }, lastSeen: 2 }]);
    const client = applyResourcePatch(applyResourcePatch(undefined, first.diff.upsert[0]!), second.diff.upsert[0]!);
    expect(client?.metrics).toEqual({ rt: 1000 });
    expect(client).toEqual(registry.get('host:a'));
  });

  it('replaces a changed detail key whole and leaves the others out', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host({ details: { cores: [1, 2], system: { kernel: '6.1' } } })], complete: true });
    const change = registry.apply({ source: 'local', at: 2, resources: [host({ details: { cores: [1, 3], system: { kernel: '6.1' } } })], complete: true });
    expect(change.diff.upsert[0]!.details).toEqual({ cores: [1, 3] });
  });

  it('keeps the objects it already holds for whatever a new observation repeats', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host({ details: { cores: [1, 2], system: { kernel: '6.1' } } })], complete: true });
    const first = registry.get('host:a')!;
    // the same resource again, every object built afresh as a source does each poll
    const change = registry.apply({ source: 'local', at: 2, resources: [host({ details: { cores: [1, 2], system: { kernel: '6.1' } } })], complete: true });
    expect(change.diff.upsert).toEqual([]);
    const second = registry.get('host:a')!;
    expect(second).toBe(first);
    expect(second.lastSeen).toBe(2);
    expect(change.samples[0]!.metrics).toBe(first.metrics);
    // one detail changes: the others stay the objects held before, the diff and the state are right
    const third = registry.apply({ source: 'local', at: 3, resources: [host({ details: { cores: [1, 3], system: { kernel: '6.1' } } })], complete: true });
    expect(third.diff.upsert).toEqual([{ id: 'host:a', details: { cores: [1, 3] }, lastSeen: 3 }]);
    const now = registry.get('host:a')!;
    expect(now.details.system).toBe(first.details.system);
    expect(now.details).toEqual({ cores: [1, 3], system: { kernel: '6.1' } });
    expect(now.identity).toBe(first.identity);
    expect(now.metrics).toBe(first.metrics);
  });

  it('reuses only what is alike: keys, absent versus undefined, NaN, nested values', () => {
    const prev = host({ details: { a: { x: 1 }, gone: undefined, n: Number.NaN }, metrics: { cpu: Number.NaN } });
    expect(reuseUnchanged(prev, host({ details: { a: { x: 1 }, n: Number.NaN }, metrics: { cpu: Number.NaN } }))).toBe(prev);
    const renamed = reuseUnchanged(prev, host({ name: 'b', details: { a: { x: 1 }, n: Number.NaN }, metrics: { cpu: Number.NaN } }));
    expect(renamed).not.toBe(prev);
    expect(renamed.name).toBe('b');
    expect(renamed.details).toBe(prev.details);
    expect(renamed.metrics).toBe(prev.metrics);
    const moreMetrics = reuseUnchanged(prev, host({ details: { a: { x: 1 } }, metrics: { cpu: Number.NaN, mem: 1 } }));
    expect(moreMetrics.metrics).toEqual({ cpu: Number.NaN, mem: 1 });
    // a key the new observation lacks is a change, even when every key it has is alike
    expect(reuseUnchanged(host({ details: { a: 1, b: 2 } }), host({ details: { a: 1 } })).details).toEqual({ a: 1 });
    const nested = reuseUnchanged(prev, host({ details: { a: { x: 2 }, n: Number.NaN } }));
    expect(nested.details).toEqual({ a: { x: 2 }, n: Number.NaN });
    expect(reuseUnchanged(host(), host({ parentId: 'host:p' })).parentId).toBe('host:p');
  });

  it('removes what a complete observation of the same source no longer reports', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host(), host({ id: 'host:b' })], complete: true });
    registry.apply({ source: 'other', at: 1, resources: [host({ id: 'x:1', source: 'other', identity: {} })], complete: true });
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

describe('registry identity matching', () => {
  const MID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
  const local = (over: Partial<ObservedResource> = {}): ObservedResource => host({
    id: `host:${MID}`, name: 'pve1', source: 'local', metrics: { cpu: 10, 'mem.used': 100 }, details: { system: { kernel: '6.8' } },
    identity: { machineId: MID, hostnames: ['pve1'], macs: ['bc:24:11:00:00:01'] }, ...over,
  });
  const agentHost = (agentId: string, over: Partial<ObservedResource> = {}): ObservedResource => host({
    id: `host:agent:${agentId}`, name: 'pve1', source: `agent:${agentId}`, metrics: { cpu: 30, 'agent.only': 1 }, details: { agent: { id: agentId } },
    identity: { machineId: MID, hostnames: ['pve1'], macs: ['bc:24:11:00:00:01'] }, ...over,
  });
  const container = (agentId: string, id: string): ObservedResource => ({
    id: `container:agent:${agentId}/${id}`, type: 'app-container', name: id, parentId: `host:agent:${agentId}`, source: `agent:${agentId}`,
    status: 'online', metrics: { cpu: 1 }, details: {}, identity: {}, tags: [],
  });
  const agentObservation = (agentId: string, at: number, resources: ObservedResource[]) => ({ source: `agent:${agentId}`, at, resources, complete: true });

  it('makes the local host and an agent on the same machine one resource, metrics merged with the newest winning', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [local()], complete: true });
    const change = registry.apply(agentObservation('a1', 2, [agentHost('a1'), container('a1', 'c1')]));
    expect(registry.list().filter((r) => r.type === 'host')).toHaveLength(1);
    const merged = registry.get(`host:${MID}`)!;
    expect(merged).toMatchObject({
      source: 'local', name: 'pve1', status: 'online', lastSeen: 2,
      metrics: { cpu: 30, 'mem.used': 100, 'agent.only': 1 },
      details: { system: { kernel: '6.8' }, agent: { id: 'a1' }, alsoSeenBy: ['agent:a1'] },
    });
    expect(registry.resolve('host:agent:a1')).toBe(`host:${MID}`);
    // The agent's container hangs under the one host, and its samples are recorded under that id.
    expect(registry.get('container:agent:a1/c1')!.parentId).toBe(`host:${MID}`);
    expect(change.samples.map((s) => s.id)).toEqual([`host:${MID}`, 'container:agent:a1/c1']);
    expect(change.samples[0]!.metrics).toEqual({ cpu: 30, 'agent.only': 1 });
    registry.apply({ source: 'local', at: 3, resources: [local({ metrics: { cpu: 12, 'mem.used': 101 } })], complete: true });
    expect(registry.get(`host:${MID}`)!.metrics).toEqual({ cpu: 12, 'mem.used': 101, 'agent.only': 1 });
  });

  it('makes a Proxmox node and the agent on it one resource by node name and cluster address', () => {
    const registry = createRegistry();
    const node: ObservedResource = host({
      id: 'pve:lab:node/pve1', type: 'node', name: 'pve1', source: 'pve:lab', metrics: { cpu: 5, 'mem.used': 200 }, details: { product: 'pve' },
      identity: { hostnames: ['pve1'], ips: ['10.0.0.11'] },
    });
    registry.apply({ source: 'pve:lab', at: 1, resources: [node], complete: true });
    registry.apply(agentObservation('a1', 2, [agentHost('a1', { identity: { machineId: MID, hostnames: ['pve1.lan'], macs: ['bc:24:11:00:00:01'], ips: ['10.0.0.11', '172.17.0.1'] } })]));
    expect(registry.list().map((r) => r.id)).toEqual(['pve:lab:node/pve1']);
    expect(registry.get('pve:lab:node/pve1')!.metrics).toMatchObject({ cpu: 30, 'mem.used': 200, 'agent.only': 1 });
    // Another machine that only shares the Docker bridge address stays apart.
    registry.apply(agentObservation('a2', 3, [agentHost('a2', { name: 'pve2', identity: { machineId: 'e'.repeat(32), hostnames: ['pve1'], ips: ['172.17.0.1'] } })]));
    expect(registry.list().map((r) => r.id).sort()).toEqual(['host:agent:a2', 'pve:lab:node/pve1']);
  });

  it('keeps two machines apart when their machine ids differ, even with the same hostname and MAC', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [local()], complete: true });
    registry.apply(agentObservation('a1', 2, [agentHost('a1', { identity: { machineId: 'f'.repeat(32), hostnames: ['pve1'], macs: ['bc:24:11:00:00:01'] } })]));
    expect(registry.list().map((r) => r.id).sort()).toEqual(['host:3d1219c7c4c5404aaa1f6d2a48adfda4', 'host:agent:a1']);
  });

  it('joins on hostname and a shared MAC when there is no machine id, but not on the MAC alone', () => {
    const registry = createRegistry();
    const vm = (id: string, name: string): ObservedResource => host({ id, type: 'vm', name, source: 'proxmox:lab', identity: { hostnames: [name], macs: ['BC:24:11:AA:BB:CC'] } });
    registry.apply({ source: 'proxmox:lab', at: 1, resources: [vm('vm:lab/101', 'web'), vm('vm:lab/102', 'db')], complete: true });
    registry.apply(agentObservation('a1', 2, [agentHost('a1', { name: 'web', identity: { machineId: MID, hostnames: ['web.lan'], macs: ['bc:24:11:aa:bb:cc'] } })]));
    registry.apply(agentObservation('a2', 2, [agentHost('a2', { name: 'cache', identity: { machineId: 'e'.repeat(32), hostnames: ['cache'], macs: ['bc:24:11:aa:bb:cc'] } })]));
    expect(registry.resolve('host:agent:a1')).toBe('vm:lab/101');
    expect(registry.get('vm:lab/101')).toMatchObject({ type: 'vm', source: 'proxmox:lab', details: { alsoSeenBy: ['agent:a1'] } });
    expect(registry.resolve('host:agent:a2')).toBe('host:agent:a2');
  });

  it('never joins two agents, so a cloned VM with a copied machine id cannot take over another agent\'s host', () => {
    const registry = createRegistry();
    registry.apply(agentObservation('a1', 1, [agentHost('a1')]));
    registry.apply(agentObservation('a2', 2, [agentHost('a2', { metrics: { cpu: 99 } })]));
    expect(registry.get('host:agent:a1')!.metrics.cpu).toBe(30);
    expect(registry.get('host:agent:a2')!.metrics.cpu).toBe(99);
  });

  it('a complete observation withdraws only its own part of a shared resource', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [local()], complete: true });
    registry.apply(agentObservation('a1', 2, [agentHost('a1'), container('a1', 'c1')]));
    // The agent is removed: its container goes, the host stays as the local source's alone.
    const gone = registry.apply(agentObservation('a1', 3, []));
    expect(gone.diff.remove).toEqual(['container:agent:a1/c1']);
    expect(registry.get(`host:${MID}`)).toMatchObject({ metrics: { cpu: 10, 'mem.used': 100 }, details: { alsoSeenBy: [] } });
    expect(registry.resolve('host:agent:a1')).toBeUndefined();
    // Now the other way round: the local source stops reporting its host; the agent's part remains.
    registry.apply(agentObservation('a1', 4, [agentHost('a1')]));
    registry.apply({ source: 'local', at: 5, resources: [], complete: true });
    expect(registry.get(`host:${MID}`)).toMatchObject({ source: 'agent:a1', metrics: { cpu: 30, 'agent.only': 1 } });
  });

  it('marks a source\'s resources with a status without recording a sample, and a live source keeps a shared host online', () => {
    const registry = createRegistry();
    registry.apply(agentObservation('a2', 1, [agentHost('a2', { identity: { machineId: 'e'.repeat(32) } }), container('a2', 'c1')]));
    registry.apply({ source: 'local', at: 1, resources: [local()], complete: true });
    registry.apply(agentObservation('a1', 2, [agentHost('a1')]));
    const changes: RegistryChange[] = [];
    registry.subscribe((c) => changes.push(c));
    registry.markSource('agent:a2', 'offline');
    registry.markSource('agent:a1', 'offline');
    expect(changes.flatMap((c) => c.samples)).toEqual([]);
    expect(registry.get('host:agent:a2')!.status).toBe('offline');
    expect(registry.get('container:agent:a2/c1')!.status).toBe('offline');
    expect(registry.get(`host:${MID}`)!.status).toBe('online');
    registry.apply(agentObservation('a2', 3, [agentHost('a2', { identity: { machineId: 'e'.repeat(32) } }), container('a2', 'c1')]));
    expect(registry.get('host:agent:a2')!.status).toBe('online');
  });

  it('after a restart, the first source to report a remembered shared host takes it back under the same id', () => {
    const before = createRegistry();
    before.apply({ source: 'local', at: 1, resources: [local()], complete: true });
    before.apply(agentObservation('a1', 2, [agentHost('a1'), container('a1', 'c1')]));
    const initial = before.list().map((r) => ({ ...r, status: 'unknown' as const }));
    const after = createRegistry({ initial });
    after.apply(agentObservation('a1', 10, [agentHost('a1')]));
    expect(after.list().map((r) => r.id).sort()).toEqual([`host:${MID}`]);
    expect(after.get(`host:${MID}`)!.status).toBe('online');
    after.apply({ source: 'local', at: 11, resources: [local()], complete: true });
    expect(after.get(`host:${MID}`)!.details.alsoSeenBy).toEqual(['agent:a1']);
  });
});

describe('sameJson', () => {
  it('compares as the JSON text would, without making it', () => {
    expect(sameJson({ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(sameJson({ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } })).toBe(false);
    expect(sameJson(0, '0')).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson(Number.NaN, Number.NaN)).toBe(true);
    expect(sameJson(new Date(5), new Date(5))).toBe(true);
    expect(sameJson(new Date(5), new Date(6))).toBe(false);
  });

  it('lets a diff carry a detail whose nested value changed, and only that one', () => {
    const registry = createRegistry();
    registry.apply({ source: 'local', at: 1, resources: [host({ details: { cores: [10, 20], os: { name: 'Debian', version: '12' } } })], complete: true });
    const change = registry.apply({ source: 'local', at: 2, resources: [host({ details: { os: { version: '13', name: 'Debian' }, cores: [10, 20] } })], complete: true });
    expect(change.diff.upsert).toEqual([{ id: 'host:a', details: { os: { version: '13', name: 'Debian' } }, lastSeen: 2 }]);
  });
});
