import type { Alert, AlertSettings, Notification, Severity } from '@pulse/protocol';
import type { Entry, NotificationKind } from './lifecycle.js';
import { duration, lineOf, listNames } from './wording.js';

/*
 * Group windows and the messages they produce. The first alert of a group opens a window; whatever
 * joins the group before it closes goes out as ONE notification when tick() flushes it. A window
 * also gives a down parent the time to claim its children, which often go offline first.
 */

export type WindowKind = 'firing' | 'resolved';

export interface GroupWindow {
  kind: WindowKind;
  key: string;
  openedAt: number;
  entries: Set<Entry>;
}

export function createGroups() {
  const windows = new Map<string, GroupWindow>();
  const firingOf = new Map<Entry, GroupWindow>();

  return {
    add(kind: WindowKind, key: string, entry: Entry, now: number): void {
      const k = `${kind}\u0000${key}`;
      let w = windows.get(k);
      if (!w) windows.set(k, (w = { kind, key, openedAt: now, entries: new Set() }));
      w.entries.add(entry);
      if (kind === 'firing') firingOf.set(entry, w);
    },
    /** Takes an alert out of its firing window (resolved, acknowledged, snoozed, held meanwhile). */
    remove(entry: Entry): void {
      const w = firingOf.get(entry);
      if (!w) return;
      w.entries.delete(entry);
      firingOf.delete(entry);
    },
    isQueued: (entry: Entry): boolean => firingOf.has(entry),
    queued: (): IterableIterator<Entry> => firingOf.keys(),
    /** Windows open for `windowMs` (all of them when 0), removed from the table. */
    takeDue(now: number, windowMs: number): GroupWindow[] {
      const due: GroupWindow[] = [];
      for (const [k, w] of windows) {
        if (now - w.openedAt < windowMs) continue;
        windows.delete(k);
        for (const e of w.entries) if (firingOf.get(e) === w) firingOf.delete(e);
        if (w.entries.size) due.push(w);
      }
      return due;
    },
    get size(): number {
      return windows.size;
    },
  };
}
export type Groups = ReturnType<typeof createGroups>;

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
export const maxSeverity = (alerts: readonly Alert[]): Severity =>
  alerts.reduce<Severity>((s, a) => (RANK[a.severity] > RANK[s] ? a.severity : s), 'info');

const NOUNS: Record<string, string> = {
  'app-container': 'container', 'system-container': 'container', vm: 'VM', disk: 'disk', storage: 'storage',
  datastore: 'datastore', 'docker-host': 'Docker host', monitor: 'monitor',
};

export type Suppressed = Notification['suppressed'][number] & { type: string };

/** "30 containers affected", or "31 dependent resources affected" when of several kinds. */
export function affected(suppressed: readonly Suppressed[]): string {
  const n = suppressed.length;
  const types = new Set(suppressed.map((s) => s.type));
  const noun = types.size === 1 ? (NOUNS[[...types][0]!] ?? 'resource') : 'dependent resource';
  return `${n} ${noun}${n === 1 ? '' : 's'} affected`;
}

/**
 * The reminder clock of an alert: slots of renotifyS (or the cooldown, when longer: reminderDue waits
 * for both) counted from its firing. Time, not a count of what this process sent, so the numbers
 * survive a restart.
 */
export const reminderPeriodMs = (e: Entry, settings: AlertSettings): number => Math.max(e.rule.renotifyS, settings.cooldownS, 1) * 1000;
const firedAtOf = (e: Entry): number => e.alert.firedAt ?? e.alert.pendingSince;
export const reminderSlot = (e: Entry, at: number, settings: AlertSettings): number =>
  Math.max(0, Math.floor((at - firedAtOf(e)) / reminderPeriodMs(e, settings)));
/** The start of the latest reminder slot at `at`: when the last reminder was due. */
export const reminderSlotStart = (e: Entry, at: number, settings: AlertSettings): number =>
  firedAtOf(e) + reminderSlot(e, at, settings) * reminderPeriodMs(e, settings);

/**
 * `<alertId>:<kind>:<firedAt>[:<n>]` for one alert. A reminder's `n` is its slot on the reminder
 * clock: reminders are at least a period apart, so each has its own, and the engine after a
 * restart numbers them as the one before did — a counter starting again at 1 would repeat an id
 * a receiver already has and the real reminder would be dropped as a duplicate. An escalation goes
 * out once per alert, so its id needs no `n`. A re-announcement (after flapping, a snooze before
 * it was announced) counts up within the process.
 */
export function singleId(e: Entry, kind: NotificationKind, at: number, settings: AlertSettings): string {
  const base = `${e.alert.id}:${kind}:${firedAtOf(e)}`;
  if (kind === 'reminder') return `${base}:${reminderSlot(e, at, settings)}`;
  if (kind === 'escalation') return base;
  const n = (e.sent[kind] ?? 0) + 1;
  e.sent[kind] = n;
  return n === 1 ? base : `${base}:${n}`;
}

/** `<groupKey>:<kind>:<first firedAt>:<window opened>` for several: one window per key and instant. */
export function groupId(groupKey: string, kind: NotificationKind, alerts: readonly Alert[], openedAt: number): string {
  const first = Math.min(...alerts.map((a) => a.firedAt ?? a.pendingSince));
  return `${groupKey}:${kind}:${first}:${openedAt}`;
}

export interface MessageParts {
  id: string;
  kind: NotificationKind;
  at: number;
  entries: readonly Entry[];
  suppressed: readonly Suppressed[];
  notes: readonly string[];
  /** a heading for several alerts of several rules (quiet-hours summary) */
  heading?: string;
}

const PREFIX: Record<NotificationKind, string> = { firing: '', resolved: 'Resolved: ', reminder: 'Still firing: ', escalation: 'Unacknowledged: ' };

export function buildNotification(p: MessageParts): Notification {
  const alerts = p.entries.map((e) => ({ ...e.alert }));
  const first = p.entries[0]!;
  let title: string;
  if (p.heading) title = p.heading;
  else if (alerts.length === 1) {
    title = PREFIX[p.kind] + first.title;
    if (p.kind === 'escalation') title += ` (for ${duration(first.rule.escalateAfterS)})`;
  } else title = `${PREFIX[p.kind]}${first.rule.name} on ${alerts.length} resources: ${listNames(alerts.map((a) => a.resourceName))}`;
  if (p.suppressed.length) title += ` — ${affected(p.suppressed)}`;
  const lines = alerts.length > 1 || p.heading ? alerts.map(lineOf) : [first.alert.message];
  if (p.suppressed.length) {
    lines.push(`Held under it, no separate messages: ${listNames(p.suppressed.map((s) => `${s.resourceName} (${s.ruleName})`), 10)}`);
  }
  lines.push(...p.notes);
  return {
    id: p.id, kind: p.kind, severity: maxSeverity(alerts), title, summary: lines.join('\n'), at: p.at, alerts,
    suppressed: p.suppressed.map(({ resourceId, resourceName, ruleName }) => ({ resourceId, resourceName, ruleName })),
  };
}
