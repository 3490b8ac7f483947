import type { Resource, ResourceStatus } from '@pulse/protocol';
import { metric, netRates, percentOf } from './model';
import { alsoSeenBy } from './sources';

export interface ResourceQuery {
  text: string;
  /** A resource type, or 'all'. */
  type: string;
}

export type SortKey = 'name' | 'type' | 'status' | 'cpu' | 'mem' | 'disk' | 'net';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** Free text matches name, id, type, sources, tags, hostnames, IPs and a container's image; every word must match. */
export function matchesQuery(r: Resource, q: ResourceQuery): boolean {
  if (q.type !== 'all' && r.type !== q.type) return false;
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const image = r.details['image'];
  const haystack = [
    r.name, r.id, r.type, r.source, ...alsoSeenBy(r), ...r.tags, ...(r.identity.hostnames ?? []), ...(r.identity.ips ?? []),
    typeof image === 'string' ? image : '',
  ]
    .join(' ')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

// Trouble first when sorting by status.
const statusRank: Record<ResourceStatus, number> = { offline: 0, degraded: 1, unknown: 2, online: 3 };

function sortValue(r: Resource, key: SortKey): number | string | undefined {
  switch (key) {
    case 'name':
      return r.name.toLowerCase();
    case 'type':
      return r.type;
    case 'status':
      return statusRank[r.status];
    case 'cpu':
      return metric(r, 'cpu');
    case 'mem':
      return percentOf(r, 'mem');
    case 'disk':
      return percentOf(r, 'disk');
    case 'net': {
      const { rx, tx } = netRates(r);
      return rx === undefined && tx === undefined ? undefined : (rx ?? 0) + (tx ?? 0);
    }
  }
}

/** A new sorted array; resources without the figure go last either way, ties break by name. */
export function sortResources(list: readonly Resource[], sort: Sort): Resource[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === undefined && vb !== undefined) return 1;
    if (vb === undefined && va !== undefined) return -1;
    if (va !== undefined && vb !== undefined && va !== vb) return (va < vb ? -1 : 1) * sign;
    return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  });
}

/** Clicking the sorted column flips it; a new column starts with the natural direction. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const numeric = key === 'cpu' || key === 'mem' || key === 'disk' || key === 'net';
  return { key, dir: numeric ? 'desc' : 'asc' };
}

export function countByType(list: readonly Resource[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of list) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return counts;
}
