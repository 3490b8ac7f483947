import type { GuestKind, GuestState } from './model';
import type { GuestRow } from './guest-rows';

/** The Guests filters, as kept in the URL; 'all' lets everything through. */
export interface GuestQuery {
  text: string;
  type: GuestKind | 'all';
  state: GuestState | 'all';
  /** A node name. */
  node: string;
  tag: string;
  pool: string;
}

export const GUEST_STATES: GuestState[] = ['running', 'stopped', 'paused', 'unknown'];
export const isGuestState = (v: string | undefined): v is GuestState => GUEST_STATES.includes(v as GuestState);
export const isGuestKind = (v: string | undefined): v is GuestKind => v === 'qemu' || v === 'lxc';

/** Free text matches name, vmid, tags, node, pool and OS; every word must match. */
export function matchesGuest(row: GuestRow, q: GuestQuery): boolean {
  const f = row.facts;
  if (q.type !== 'all' && f.kind !== q.type) return false;
  if (q.state !== 'all' && f.state !== q.state) return false;
  if (q.node !== 'all' && row.nodeName !== q.node) return false;
  if (q.tag !== 'all' && !f.tags.includes(q.tag)) return false;
  if (q.pool !== 'all' && f.pool !== q.pool) return false;
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [row.resource.name, f.vmid, row.nodeName, f.pool, f.os, row.connection, ...f.tags, ...f.ips].filter((v) => v !== undefined).join(' ').toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export type GuestSortKey = 'name' | 'vmid' | 'node' | 'state' | 'cpu' | 'mem' | 'disk' | 'net' | 'io' | 'uptime' | 'backup';
export interface GuestSort {
  key: GuestSortKey;
  dir: 'asc' | 'desc';
}

const SORT_KEYS = new Set<string>(['name', 'vmid', 'node', 'state', 'cpu', 'mem', 'disk', 'net', 'io', 'uptime', 'backup']);
const NUMERIC = new Set<GuestSortKey>(['cpu', 'mem', 'disk', 'net', 'io', 'uptime']);

/** `?sort=cpu:desc` as a sort; anything unreadable is by name. */
export function parseGuestSort(value: string | undefined): GuestSort {
  const [key, dir] = (value ?? '').split(':');
  if (!key || !SORT_KEYS.has(key)) return { key: 'name', dir: 'asc' };
  return { key: key as GuestSortKey, dir: dir === 'desc' ? 'desc' : 'asc' };
}

// Trouble first when sorting by state.
const stateRank: Record<GuestState, number> = { paused: 0, unknown: 1, stopped: 2, running: 3 };
const sum = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

function sortValue(row: GuestRow, key: GuestSortKey): number | string | undefined {
  switch (key) {
    case 'name':
      return row.resource.name.toLowerCase();
    case 'vmid':
      return row.facts.vmid;
    case 'node':
      return row.nodeName?.toLowerCase();
    case 'state':
      return stateRank[row.facts.state];
    case 'cpu':
      return row.cpu;
    case 'mem':
      return row.memPercent;
    case 'disk':
      return row.diskPercent;
    case 'net':
      return sum(row.netIn, row.netOut);
    case 'io':
      return sum(row.diskRead, row.diskWrite);
    case 'uptime':
      return row.uptime;
    case 'backup':
      // Ascending: never backed up first, then the oldest backup.
      return row.lastBackupAt ?? 0;
  }
}

// "web-2" before "web-10", as people number their machines.
const collator = new Intl.Collator(undefined, { numeric: true });

/** A new sorted array; rows without the figure go last either way, ties break by name then id. */
export function sortGuests(rows: readonly GuestRow[], sort: GuestSort): GuestRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, v: sortValue(row, sort.key) }));
  keyed.sort((a, b) => {
    if (a.v === undefined && b.v !== undefined) return 1;
    if (b.v === undefined && a.v !== undefined) return -1;
    if (typeof a.v === 'string' && typeof b.v === 'string' && a.v !== b.v) return collator.compare(a.v, b.v) * sign;
    if (a.v !== undefined && b.v !== undefined && a.v !== b.v) return (a.v < b.v ? -1 : 1) * sign;
    return collator.compare(a.row.resource.name, b.row.resource.name) || a.row.resource.id.localeCompare(b.row.resource.id);
  });
  return keyed.map((k) => k.row);
}

/** Clicking the sorted column flips it; a new column starts with figures high-first, words A-first. */
export function nextGuestSort(current: GuestSort, key: GuestSortKey): GuestSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: NUMERIC.has(key) ? 'desc' : 'asc' };
}

export interface FilterOption {
  value: string;
  label: string;
  count: number;
}

/** The distinct values of one field over the rows, by name, each with its count. */
export function optionsOf(rows: readonly GuestRow[], pick: (row: GuestRow) => readonly (string | undefined)[]): FilterOption[] {
  const counts = new Map<string, number>();
  for (const row of rows) for (const v of pick(row)) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, label: value, count })).sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

export function countGuests(rows: readonly GuestRow[]): { state: Record<GuestState, number>; qemu: number; lxc: number } {
  const state: Record<GuestState, number> = { running: 0, stopped: 0, paused: 0, unknown: 0 };
  let qemu = 0;
  for (const row of rows) {
    state[row.facts.state]++;
    if (row.facts.kind === 'qemu') qemu++;
  }
  return { state, qemu, lxc: rows.length - qemu };
}
