import type { ResourceStatus } from '@pulse/protocol';
import type { WorkloadRow } from './container-model';

/** The Workloads filters, as kept in the URL; 'all' lets everything through. */
export interface WorkloadQuery {
  text: string;
  status: ResourceStatus | 'all';
  /** A host (parent) resource id. */
  host: string;
  /** A compose project name, or NO_PROJECT for containers outside compose. */
  project: string;
}

export const NO_PROJECT = '-';

/** Free text matches name, image, compose project and service, host and state; every word must match. */
export function matchesWorkload(row: WorkloadRow, q: WorkloadQuery): boolean {
  if (q.status !== 'all' && row.resource.status !== q.status) return false;
  if (q.host !== 'all' && row.hostId !== q.host) return false;
  if (q.project !== 'all' && (row.facts.composeProject ?? NO_PROJECT) !== q.project) return false;
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const f = row.facts;
  const haystack = [row.resource.name, f.image, f.composeProject, f.composeService, row.hostName, row.state.label, f.state]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export type WorkloadSortKey = 'name' | 'project' | 'host' | 'state' | 'cpu' | 'mem' | 'net' | 'restarts' | 'uptime';
export interface WorkloadSort {
  key: WorkloadSortKey;
  dir: 'asc' | 'desc';
}

const SORT_KEYS = new Set<string>(['name', 'project', 'host', 'state', 'cpu', 'mem', 'net', 'restarts', 'uptime']);
const NUMERIC = new Set<WorkloadSortKey>(['cpu', 'mem', 'net', 'restarts', 'uptime']);

/** `?sort=cpu:desc` as a sort; anything unreadable is by name. */
export function parseWorkloadSort(value: string | undefined): WorkloadSort {
  const [key, dir] = (value ?? '').split(':');
  if (!key || !SORT_KEYS.has(key)) return { key: 'name', dir: 'asc' };
  return { key: key as WorkloadSortKey, dir: dir === 'desc' ? 'desc' : 'asc' };
}

// Trouble first when sorting by state: crashed, then wanting a look, then fine, then neutral.
const toneRank = { crit: 0, warn: 1, accent: 2, ok: 3, unknown: 4 } as const;

function sortValue(row: WorkloadRow, key: WorkloadSortKey): number | string | undefined {
  switch (key) {
    case 'name':
      return row.resource.name.toLowerCase();
    case 'project':
      return row.facts.composeProject?.toLowerCase();
    case 'host':
      return row.hostName?.toLowerCase();
    case 'state':
      return toneRank[row.state.tone];
    case 'cpu':
      return row.cpu;
    case 'mem':
      return row.memUsed;
    case 'net':
      return row.rx === undefined && row.tx === undefined ? undefined : (row.rx ?? 0) + (row.tx ?? 0);
    case 'restarts':
      return row.restarts;
    case 'uptime':
      // Up longest first (descending); stopped containers have no uptime and go last.
      return row.facts.state === 'running' && row.facts.startedAt !== undefined ? -row.facts.startedAt : undefined;
  }
}

/** A new sorted array; rows without the figure go last either way, ties break by name then id. */
export function sortWorkloads(rows: readonly WorkloadRow[], sort: WorkloadSort): WorkloadRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, v: sortValue(row, sort.key) }));
  keyed.sort((a, b) => {
    if (a.v === undefined && b.v !== undefined) return 1;
    if (b.v === undefined && a.v !== undefined) return -1;
    if (a.v !== undefined && b.v !== undefined && a.v !== b.v) return (a.v < b.v ? -1 : 1) * sign;
    return a.row.resource.name.localeCompare(b.row.resource.name) || a.row.resource.id.localeCompare(b.row.resource.id);
  });
  return keyed.map((k) => k.row);
}

/** Clicking the sorted column flips it; a new column starts with figures high-first, words A-first. */
export function nextWorkloadSort(current: WorkloadSort, key: WorkloadSortKey): WorkloadSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: NUMERIC.has(key) ? 'desc' : 'asc' };
}

export interface FilterOption {
  value: string;
  label: string;
  count: number;
}

/** The hosts containers run on, by name, each with how many of the rows are on it. */
export function hostOptions(rows: readonly WorkloadRow[]): FilterOption[] {
  const byHost = new Map<string, FilterOption>();
  for (const row of rows) {
    if (row.hostId === undefined) continue;
    const option = byHost.get(row.hostId) ?? { value: row.hostId, label: row.hostName ?? row.hostId, count: 0 };
    option.count++;
    byHost.set(row.hostId, option);
  }
  return [...byHost.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** Compose projects by name, then "No project" for containers started without compose. */
export function projectOptions(rows: readonly WorkloadRow[]): FilterOption[] {
  const byProject = new Map<string, number>();
  let loose = 0;
  for (const row of rows) {
    const p = row.facts.composeProject;
    if (p === undefined) loose++;
    else byProject.set(p, (byProject.get(p) ?? 0) + 1);
  }
  const options = [...byProject].map(([p, count]) => ({ value: p, label: p, count })).sort((a, b) => a.label.localeCompare(b.label));
  return loose && options.length ? [...options, { value: NO_PROJECT, label: 'No project', count: loose }] : options;
}

/** How many rows have each status, for the status filter's counts. */
export function countByStatus(rows: readonly WorkloadRow[]): Record<ResourceStatus, number> {
  const counts: Record<ResourceStatus, number> = { online: 0, degraded: 0, offline: 0, unknown: 0 };
  for (const row of rows) counts[row.resource.status]++;
  return counts;
}
