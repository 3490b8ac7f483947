import type { Alert, AlertCondition } from '@pulse/protocol';
import type { Levels } from './conditions.js';

/*
 * What alerts and notifications say, in plain words with the value and the limit:
 * "CPU 97 % on web-01 (over 90 % for 5 min)". Kept apart so the engine's logic reads without prose.
 */

const LABELS: Record<string, string> = {
  cpu: 'CPU', 'mem.percent': 'Memory', 'disk.percent': 'Disk', 'swap.percent': 'Swap', 'temp.max': 'Temperature',
  'cert.days': 'Certificate', restarts: 'Restarts', 'disk.wearout': 'Disk wear', load1: 'Load',
  health: 'Health', oomKilled: 'Killed for lack of memory', 'lastBackup.time': 'Last backup', 'lastBackup.status': 'Last backup',
};

const label = (key: string): string => LABELS[key] ?? key.charAt(0).toUpperCase() + key.slice(1);

function unit(metric: string): string {
  if (metric === 'cpu' || metric.endsWith('.percent') || metric.endsWith('wearout')) return ' %';
  if (metric.startsWith('temp')) return ' °C';
  if (metric.endsWith('.days')) return ' days';
  return '';
}

const round = (v: number): string => (Math.abs(v) >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

export function duration(s: number): string {
  if (s < 60 || (s < 600 && s % 60 !== 0)) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export interface Wording { head: string; tail: string }

/** Head ("CPU 97 %") and tail ("(over 90 % for 5 min)") of an alert about one condition. */
export function describe(c: AlertCondition, value: number | undefined, levels: Levels | undefined, forS: number): Wording {
  const held = forS > 0 ? ` for ${duration(forS)}` : '';
  switch (c.kind) {
    case 'threshold': {
      const u = unit(c.metric);
      const trigger = levels?.trigger ?? c.trigger;
      const v = value === undefined ? '?' : round(value);
      return { head: `${label(c.metric)} ${v}${u}`, tail: `(${c.op === '>' ? 'over' : 'under'} ${round(trigger)}${u}${held})` };
    }
    case 'status':
      // "Status offline": the bare word alone reads oddly in a list ("Firing offline").
      return { head: `Status ${c.statuses.join(' or ')}`, tail: held ? `(${held.trim()})` : '' };
    case 'detail': {
      // A flag (oomKilled = true) reads as its label alone.
      const head = c.values.length === 1 && c.values[0] === true ? label(c.path) : `${label(c.path)} ${c.values.map(String).join(' or ')}`;
      return { head, tail: held ? `(${held.trim()})` : '' };
    }
    case 'age':
      return value === undefined
        ? { head: `No ${label(c.path).toLowerCase()} recorded`, tail: '' }
        : { head: `${label(c.path)} ${duration(value)} ago`, tail: `(limit ${duration(c.maxAgeS)})` };
    case 'increase':
      return { head: `${label(c.metric)} +${value ?? 0} in ${duration(c.windowS)}`, tail: `(limit ${c.increase})` };
  }
}

export const messageOf = (w: Wording): string => (w.tail ? `${w.head} ${w.tail}` : w.head);

/** "CPU 97 % on web-01 (over 90 % for 5 min)"; a status reads "web-01 is offline (for 1 min)". */
export function titleOf(c: AlertCondition, w: Wording, resourceName: string): string {
  const tail = w.tail ? ` ${w.tail}` : '';
  if (c.kind === 'status') return `${resourceName} is ${c.statuses.join(' or ')}${tail}`;
  return `${w.head} on ${resourceName}${tail}`;
}

/** One line per alert in a grouped message. */
export const lineOf = (a: Alert): string => `${a.resourceName}: ${a.message}`;

export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
