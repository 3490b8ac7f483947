import type { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { memoryCeiling, netRates, subtitle, typeCount } from '../../packages/web/src/features/infrastructure/model.ts';
import { alsoSeenBy, sourcesOf, sourceView } from '../../packages/web/src/features/infrastructure/sources.ts';
import { flatRows, nestResources } from '../../packages/web/src/features/infrastructure/tree.ts';
import { matchesQuery } from '../../packages/web/src/features/infrastructure/filter.ts';

function resource(over: Partial<Resource> & { id: string }): Resource {
  return { type: 'host', name: over.id, source: 'local', status: 'online', metrics: {}, details: {}, identity: {}, tags: [], lastSeen: 0, ...over };
}

const server = resource({ id: 'host:m1', name: 'pulse', details: { alsoSeenBy: ['agent:a1'] } });
const edge = resource({ id: 'host:agent:a2', name: 'edge', source: 'agent:a2' });
const web = resource({ id: 'container:agent:a2/web', name: 'web', type: 'app-container', parentId: edge.id, source: 'agent:a2', details: { image: 'nginx:1.27' } });
const db = resource({ id: 'container:agent:a2/db', name: 'db', type: 'app-container', parentId: edge.id, source: 'agent:a2' });
const orphan = resource({ id: 'container:agent:a9/x', name: 'x', type: 'app-container', parentId: 'host:gone', source: 'agent:a9' });
const engine = resource({ id: 'docker:nas', name: 'nas', type: 'docker-host', source: 'docker:nas', metrics: { 'containers.total': 4, 'containers.running': 3 }, details: { endpoint: 'tcp://nas:2376' } });

describe('infrastructure tree', () => {
  const sorted = [db, edge, orphan, server, web];
  const ids = (rows: Resource[]) => rows.map((r) => r.id);

  it('puts a machine’s containers under it only when it is opened', () => {
    const closed = nestResources(sorted, new Set());
    expect(ids(closed.rows)).toEqual([edge.id, orphan.id, server.id]);
    expect(closed.nesting.get(edge.id)).toEqual({ depth: 0, children: 2 });
    const open = nestResources(sorted, new Set([edge.id]));
    // Children keep the list's order (here: by name).
    expect(ids(open.rows)).toEqual([edge.id, db.id, web.id, orphan.id, server.id]);
    expect(open.nesting.get(web.id)).toEqual({ depth: 1, children: 0 });
  });

  it('lists a filtered view flat', () => {
    const flat = flatRows([web, db]);
    expect(ids(flat.rows)).toEqual([web.id, db.id]);
    expect(flat.nesting.size).toBe(0);
  });

  it('shows resources caught in a parent cycle rather than losing them', () => {
    const a = resource({ id: 'a', parentId: 'b' });
    const b = resource({ id: 'b', parentId: 'a' });
    expect(ids(nestResources([a, b], new Set()).rows)).toEqual(['a']);
    expect(ids(nestResources([a, b], new Set(['a'])).rows)).toEqual(['a', 'b']);
  });
});

describe('sources', () => {
  it('names each kind of source for a narrow column', () => {
    expect(sourceView('local')).toMatchObject({ kind: 'local', label: 'Local' });
    expect(sourceView('agent:3f2a')).toMatchObject({ kind: 'agent', label: 'Agent', title: 'Reported by a Pulse agent (3f2a)' });
    expect(sourceView('docker:nas')).toMatchObject({ kind: 'docker', label: 'Docker' });
    expect(sourceView('pve:cluster')).toMatchObject({ kind: 'other', label: 'Pve' });
  });

  it('lists the owner first, then who else sees the machine', () => {
    expect(alsoSeenBy(server)).toEqual(['agent:a1']);
    expect(sourcesOf(server).map((s) => s.label)).toEqual(['Local', 'Agent']);
    expect(sourcesOf(edge).map((s) => s.label)).toEqual(['Agent']);
  });

  it('finds a machine by the agent that also reports it, and a container by its image', () => {
    expect(matchesQuery(server, { text: 'agent', type: 'all' })).toBe(true);
    expect(matchesQuery(web, { text: 'nginx', type: 'all' })).toBe(true);
  });
});

describe('resource figures', () => {
  it('reads network rates under either naming, and memory against a total or a limit', () => {
    expect(netRates(resource({ id: 'h', metrics: { 'net.rx': 1, 'net.tx': 2 } }))).toEqual({ rx: 1, tx: 2 });
    expect(netRates(resource({ id: 'c', metrics: { 'net.rx_bps': 3 } }))).toEqual({ rx: 3, tx: undefined });
    expect(memoryCeiling(resource({ id: 'c', metrics: { 'mem.limit': 512 } }))).toBe(512);
    expect(memoryCeiling(resource({ id: 'h', metrics: { 'mem.total': 1024, 'mem.limit': 512 } }))).toBe(1024);
  });

  it('writes a line under each name that says something new', () => {
    expect(subtitle(web)).toBe('nginx:1.27');
    expect(subtitle(engine)).toBe('3 of 4 running · tcp://nas:2376');
    expect(subtitle(resource({ id: 'h', details: { system: { os: 'Debian 12' } } }))).toBe('Debian 12');
    expect(subtitle(resource({ id: 'h', identity: { ips: ['10.0.0.5'] } }))).toBe('10.0.0.5');
  });

  it('counts types in words', () => {
    expect(typeCount('host', 2)).toBe('2 Hosts');
    expect(typeCount('app-container', 1)).toBe('1 Container');
    expect(typeCount('system-container', 3)).toBe('3 LXC');
  });
});
