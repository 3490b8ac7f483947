import type { Alert, AlertState, Severity } from '@pulse/protocol';
import type { Tone } from '../../ui/tone';

/*
 * What the alert views say about an alert: its colours, words, how long it has lasted, why its
 * notifications are held, and how a list of them is grouped and filtered.
 */

export const severityOrder: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
export const severityTone: Record<Severity, Tone> = { critical: 'crit', warning: 'warn', info: 'accent' };
export const severityLabel: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

export const stateLabel: Record<AlertState, string> = { pending: 'Pending', firing: 'Firing', acknowledged: 'Acknowledged', resolved: 'Resolved' };
const stateOrder: Record<AlertState, number> = { firing: 0, pending: 1, acknowledged: 2, resolved: 3 };

/** Firing takes its severity's colour; the others are calmer. */
export function stateTone(a: Pick<Alert, 'state' | 'severity'>): Tone {
  if (a.state === 'firing') return severityTone[a.severity];
  if (a.state === 'resolved') return 'ok';
  if (a.state === 'acknowledged') return 'accent';
  return 'unknown';
}

export const isOpen = (a: Alert) => a.state !== 'resolved';
export const isSnoozed = (a: Alert, now: number) => a.snoozedUntil !== undefined && a.snoozedUntil > now;

/** When the alert began to count: fired, or (still pending) since the condition first held. */
export const sinceOf = (a: Alert) => a.firedAt ?? a.pendingSince;
/** How long it has lasted (or lasted, once resolved), in ms. */
export const durationOf = (a: Alert, now: number) => Math.max(0, (a.resolvedAt ?? now) - sinceOf(a));

/** The dashboard page of the resource an alert is about. */
export function resourceHref(resourceId: string): string {
  if (resourceId.startsWith('monitor:')) return `/uptime/${encodeURIComponent(resourceId.slice('monitor:'.length))}`;
  return `/resources/${encodeURIComponent(resourceId)}`;
}

/**
 * Why nothing is sent about an alert, in words; `parentName` names the resource a dependency hold
 * waits on ("held: web-01 is down").
 */
export function heldText(a: Alert, now: number, parentName?: string): string | undefined {
  if (isSnoozed(a, now) && a.held !== 'snoozed') return `snoozed until ${clock(a.snoozedUntil!, now)}`;
  switch (a.held) {
    case 'monitor-only':
      return 'monitor only: recorded, never sent';
    case 'quiet-hours':
      return 'held: quiet hours (sent when they end)';
    case 'flapping':
      return 'held: flapping (sent once it settles)';
    case 'dependency':
      return `held: ${parentName ?? 'the resource it depends on'} is down`;
    case 'cap':
      return 'held: hourly notification cap reached';
    case 'snoozed':
      return a.snoozedUntil ? `snoozed until ${clock(a.snoozedUntil, now)}` : 'snoozed';
    default:
      return a.flapping ? 'flapping' : undefined;
  }
}

/** "14:05" today, "Tue 14:05" within a week, else the date. */
export function clock(ms: number, now: number): string {
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  if (Math.abs(ms - now) < 6 * 86_400_000) return `${d.toLocaleDateString([], { weekday: 'short' })} ${time}`;
  return `${d.toLocaleDateString()} ${time}`;
}

/** Most urgent first: firing before pending before acknowledged, severe before mild, newest first. */
export function compareAlerts(a: Alert, b: Alert): number {
  return stateOrder[a.state] - stateOrder[b.state] || severityOrder[a.severity] - severityOrder[b.severity] || sinceOf(b) - sinceOf(a);
}

export type GroupBy = 'severity' | 'resource';

export interface AlertGroup {
  key: string;
  label: string;
  /** The severity colour of the group (its worst alert's). */
  severity: Severity;
  resourceId?: string;
  alerts: Alert[];
}

/** Open alerts in groups: by severity (critical first) or by resource (worst first, then by name). */
export function groupAlerts(alerts: readonly Alert[], by: GroupBy): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts) {
    const key = by === 'severity' ? a.severity : a.resourceId;
    let g = groups.get(key);
    if (!g) {
      g = by === 'severity' ? { key, label: severityLabel[a.severity], severity: a.severity, alerts: [] } : { key, label: a.resourceName || a.resourceId, severity: a.severity, resourceId: a.resourceId, alerts: [] };
      groups.set(key, g);
    }
    g.alerts.push(a);
    if (severityOrder[a.severity] < severityOrder[g.severity]) g.severity = a.severity;
  }
  const list = [...groups.values()];
  for (const g of list) g.alerts.sort(compareAlerts);
  return list.sort((x, y) => {
    if (by === 'severity') return severityOrder[x.severity] - severityOrder[y.severity];
    const firing = (g: AlertGroup) => (g.alerts.some((a) => a.state === 'firing') ? 0 : 1);
    return firing(x) - firing(y) || severityOrder[x.severity] - severityOrder[y.severity] || x.label.localeCompare(y.label);
  });
}

export interface AlertCounts {
  open: number;
  firing: number;
  pending: number;
  acknowledged: number;
  bySeverity: Record<Severity, number>;
}

export function countAlerts(alerts: readonly Alert[]): AlertCounts {
  const c: AlertCounts = { open: 0, firing: 0, pending: 0, acknowledged: 0, bySeverity: { critical: 0, warning: 0, info: 0 } };
  for (const a of alerts) {
    if (a.state === 'resolved') continue;
    c.open++;
    if (a.state === 'firing') c.firing++;
    else if (a.state === 'pending') c.pending++;
    else c.acknowledged++;
    c.bySeverity[a.severity]++;
  }
  return c;
}

export interface HistoryQuery {
  resource: string;
  rule: string;
  severity: string;
  state: string;
  text: string;
}

export const emptyHistoryQuery = (): HistoryQuery => ({ resource: 'all', rule: 'all', severity: 'all', state: 'all', text: '' });

export function matchesHistory(a: Alert, q: HistoryQuery): boolean {
  if (q.resource !== 'all' && a.resourceId !== q.resource) return false;
  if (q.rule !== 'all' && a.ruleId !== q.rule) return false;
  if (q.severity !== 'all' && a.severity !== q.severity) return false;
  if (q.state !== 'all' && (q.state === 'open' ? a.state === 'resolved' : a.state !== q.state)) return false;
  const t = q.text.trim().toLowerCase();
  if (t && !`${a.resourceName} ${a.ruleName} ${a.message}`.toLowerCase().includes(t)) return false;
  return true;
}

/** Distinct values of a field with their counts, for a filter's options (most frequent first). */
export function optionsOf(alerts: readonly Alert[], value: (a: Alert) => string, label: (a: Alert) => string): { value: string; label: string; count: number }[] {
  const seen = new Map<string, { value: string; label: string; count: number }>();
  for (const a of alerts) {
    const v = value(a);
    const o = seen.get(v);
    if (o) o.count++;
    else seen.set(v, { value: v, label: label(a), count: 1 });
  }
  return [...seen.values()].sort((x, y) => y.count - x.count || x.label.localeCompare(y.label));
}

export const SNOOZE_PRESETS = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '8 hours', ms: 8 * 3_600_000 },
  { label: '24 hours', ms: 24 * 3_600_000 },
] as const;

/** A `<input type="datetime-local">` value as epoch ms, if it is one and lies in the future. */
export function customSnoozeUntil(value: string, now: number): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) && ms > now ? ms : undefined;
}

/** An epoch ms as a `datetime-local` value in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * The open alerts after an update from the hub: each upsert replaces the alert with its id, a
 * resolved one leaves the list; what did not change keeps its place.
 */
export function mergeActive(list: readonly Alert[], upsert: readonly Alert[]): Alert[] {
  const next = new Map(list.map((a) => [a.id, a] as const));
  for (const a of upsert) {
    if (a.state === 'resolved') next.delete(a.id);
    else next.set(a.id, a);
  }
  return [...next.values()];
}
