import type { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { countByType, matchesQuery, nextSort, sortResources } from '../../packages/web/src/features/infrastructure/filter.ts';
import { percentOf } from '../../packages/web/src/features/infrastructure/model.ts';

function resource(over: Partial<Resource> & { id: string }): Resource {
  return {
    type: 'host', name: over.id, source: 'local', status: 'online', metrics: {}, details: {},
    identity: {}, tags: [], lastSeen: 0, ...over,
  };
}

const list = [
  resource({ id: 'a', name: 'alpha', metrics: { cpu: 10, 'mem.used': 1, 'mem.total': 4 }, identity: { ips: ['10.0.0.5'] } }),
  resource({ id: 'b', name: 'bravo', type: 'vm', status: 'offline', metrics: { cpu: 80 }, tags: ['prod'] }),
  resource({ id: 'c', name: 'charlie', type: 'app-container', status: 'degraded' }),
];

describe('resource list', () => {
  it('filters by type and by every word of the text', () => {
    const names = (q: { text: string; type: string }) => list.filter((r) => matchesQuery(r, q)).map((r) => r.name);
    expect(names({ text: '', type: 'all' })).toEqual(['alpha', 'bravo', 'charlie']);
    expect(names({ text: '', type: 'vm' })).toEqual(['bravo']);
    expect(names({ text: '10.0.0', type: 'all' })).toEqual(['alpha']);
    expect(names({ text: 'prod BRA', type: 'all' })).toEqual(['bravo']);
    expect(names({ text: 'prod', type: 'host' })).toEqual([]);
  });

  it('sorts figures with missing ones last in both directions', () => {
    expect(sortResources(list, { key: 'cpu', dir: 'desc' }).map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(sortResources(list, { key: 'cpu', dir: 'asc' }).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('puts trouble first when sorting by status', () => {
    expect(sortResources(list, { key: 'status', dir: 'asc' }).map((r) => r.status)).toEqual(['offline', 'degraded', 'online']);
  });

  it('flips the sorted column and starts figures high-first', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'cpu')).toEqual({ key: 'cpu', dir: 'desc' });
  });

  it('derives memory percent from used and total when the source gave none', () => {
    expect(percentOf(list[0], 'mem')).toBe(25);
    expect(percentOf(list[2], 'mem')).toBeUndefined();
  });

  it('counts resources per type', () => {
    expect(Object.fromEntries(countByType(list))).toEqual({ host: 1, vm: 1, 'app-container': 1 });
  });
});
