import type { MonitorState } from '@pulse/protocol';
import type { MonitorRow } from './monitor-model';

/* The monitors list's search, filters and sort, as the URL keeps them. */

export type StateFilter = 'all' | 'up' | 'down' | 'pending' | 'paused';
export const STATE_FILTERS: StateFilter[] = ['all', 'up', 'down', 'pending', 'paused'];
export const isStateFilter = (v: unknown): v is StateFilter => typeof v === 'string' && (STATE_FILTERS as string[]).includes(v);

export interface MonitorQuery {
  text: string;
  state: StateFilter;
  group: string;
  type: string;
}

/** "paused" covers maintenance too: neither is being judged right now. */
export function stateBucket(state: MonitorState): Exclude<StateFilter, 'all'> | 'unknown' {
  if (state === 'maintenance') return 'paused';
  return state;
}

export const NO_GROUP = '(none)';

export function matchesMonitor(row: MonitorRow, q: MonitorQuery): boolean {
  if (q.state !== 'all' && stateBucket(row.state) !== q.state) return false;
  if (q.group !== 'all' && (row.group ?? NO_GROUP) !== q.group) return false;
  if (q.type !== 'all' && row.type !== q.type) return false;
  const text = q.text.trim().toLowerCase();
  if (!text) return true;
  return text
    .split(/\s+/)
    .every((word) => row.name.toLowerCase().includes(word) || row.target.toLowerCase().includes(word) || (row.group ?? '').toLowerCase().includes(word) || row.tags.some((t) => t.toLowerCase().includes(word)));
}

export type MonitorSortKey = 'state' | 'name' | 'rt' | 'uptime' | 'checked' | 'group';
export interface MonitorSort {
  key: MonitorSortKey;
  dir: 'asc' | 'desc';
}
const SORT_KEYS: MonitorSortKey[] = ['state', 'name', 'rt', 'uptime', 'checked', 'group'];
export const DEFAULT_SORT: MonitorSort = { key: 'state', dir: 'asc' };

export function parseSort(v: string | undefined): MonitorSort {
  const [key, dir] = (v ?? '').split(':');
  return SORT_KEYS.includes(key as MonitorSortKey) ? { key: key as MonitorSortKey, dir: dir === 'desc' ? 'desc' : 'asc' } : DEFAULT_SORT;
}

export function nextSort(current: MonitorSort, key: MonitorSortKey): MonitorSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  // Figures read best worst-first: slowest, least up, longest unchecked.
  return { key, dir: key === 'rt' || key === 'checked' ? 'desc' : key === 'uptime' ? 'asc' : 'asc' };
}

/** Down first, then those retrying, unknown, up, paused. */
const SEVERITY: Record<MonitorState, number> = { down: 0, pending: 1, unknown: 2, up: 3, maintenance: 4, paused: 5 };

const byName = (a: MonitorRow, b: MonitorRow) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });

/** Missing figures sort last whichever way. */
function byNumber(a: number | undefined, b: number | undefined, dir: 1 | -1): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return (a - b) * dir;
}

export function sortMonitors(rows: MonitorRow[], sort: MonitorSort): MonitorRow[] {
  const dir = sort.dir === 'asc' ? 1 : -1;
  const cmp: (a: MonitorRow, b: MonitorRow) => number = {
    state: (a: MonitorRow, b: MonitorRow) => (SEVERITY[a.state] - SEVERITY[b.state]) * dir || byName(a, b),
    name: (a: MonitorRow, b: MonitorRow) => byName(a, b) * dir,
    group: (a: MonitorRow, b: MonitorRow) => (a.group ?? '\uffff').localeCompare(b.group ?? '\uffff') * dir || byName(a, b),
    rt: (a: MonitorRow, b: MonitorRow) => byNumber(a.rt, b.rt, dir) || byName(a, b),
    uptime: (a: MonitorRow, b: MonitorRow) => byNumber(a.uptime24h, b.uptime24h, dir) || byName(a, b),
    checked: (a: MonitorRow, b: MonitorRow) => byNumber(a.lastCheckAt, b.lastCheckAt, dir === 1 ? -1 : 1) || byName(a, b),
  }[sort.key];
  return [...rows].sort(cmp);
}

export interface MonitorCounts {
  total: number;
  up: number;
  down: number;
  pending: number;
  paused: number;
  unknown: number;
  /** mean response time of the monitors that are up and measured, ms */
  avgRt?: number;
}

export function countMonitors(rows: readonly MonitorRow[]): MonitorCounts {
  const c: MonitorCounts = { total: rows.length, up: 0, down: 0, pending: 0, paused: 0, unknown: 0 };
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    c[stateBucket(r.state)]++;
    if (r.state === 'up' && r.rt !== undefined) {
      sum += r.rt;
      n++;
    }
  }
  if (n) c.avgRt = sum / n;
  return c;
}

/** Group names with counts, for the filter: named groups A-Z, then monitors in none. */
export function groupOptions(rows: readonly MonitorRow[]): { value: string; label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.group ?? NO_GROUP, (counts.get(r.group ?? NO_GROUP) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b)))
    .map(([value, count]) => ({ value, label: value === NO_GROUP ? 'No group' : value, count }));
}
