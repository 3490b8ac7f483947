import type { Alert, AlertRule, Resource } from '@pulse/protocol';
import type { ConditionMemory, Levels } from './conditions.js';

/*
 * pending → firing → acknowledged → resolved, and snooze. A Track is what one (rule, resource) pair
 * remembers across alerts (hysteresis, counter history, flapping); an Entry is one open alert plus
 * what delivery needs to know about it. A re-fire after a resolve is a new Entry with a new id.
 */

export type NotificationKind = 'firing' | 'resolved' | 'reminder' | 'escalation';

export interface Track {
  ruleId: string;
  resourceId: string;
  mem: ConditionMemory;
  /** the condition has held since (undefined: it does not hold) */
  condSince: number | undefined;
  /** held at least `forS`: the alert is (or would be) firing */
  effective: boolean;
  /** times `effective` changed, within the flap window */
  changes: number[];
  lastChangeAt: number;
  flapping: boolean;
  entry: Entry | undefined;
  /** last firing or reminder notification about this pair, across its alerts: the cooldown */
  lastFiringNotifyAt: number | undefined;
  lastAlertId: string | undefined;
  recheckAt: number | undefined;
  /** the last evaluated value and levels in force: what the message quotes when it fires from tick() */
  value: number | undefined;
  levels: Levels | undefined;
}

export interface Entry {
  alert: Alert;
  track: Track;
  rule: AlertRule;
  /** for "30 containers affected" in the parent's message */
  resourceType: string;
  title: string;
  /** a firing notification went out: only then is its resolve worth a message */
  notified: boolean;
  lastNotifyAt: number | undefined;
  reminders: number;
  escalated: boolean;
  /** notifications sent per kind, for a distinct id suffix */
  sent: Partial<Record<NotificationKind, number>>;
  /** the down ancestor holding this alert's notifications */
  claimer: string | undefined;
}

export function newTrack(ruleId: string, resourceId: string): Track {
  return {
    ruleId, resourceId, mem: { active: false }, condSince: undefined, effective: false, changes: [], lastChangeAt: 0,
    flapping: false, entry: undefined, lastFiringNotifyAt: undefined, lastAlertId: undefined, recheckAt: undefined,
    value: undefined, levels: undefined,
  };
}

/** 32-bit FNV-1a, twice with different seeds: a short id that contains no '/' for URL paths. */
function hash(s: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** Deterministic (rule, resource, start) → id, so a replay after a restart names the same alert. */
export function alertIdOf(track: Track, pendingSince: number): string {
  const base = `${track.ruleId}\u0000${track.resourceId}`;
  let id = `al_${hash(base, 0x811c9dc5)}${hash(base, 0x1b873593)}_${pendingSince.toString(36)}`;
  if (id === track.lastAlertId) id += '_2';
  return id;
}

export function openEntry(track: Track, rule: AlertRule, resource: Resource, now: number, message: string, title: string, value: number | undefined): Entry {
  const id = alertIdOf(track, now);
  track.lastAlertId = id;
  const alert: Alert = {
    id, ruleId: rule.id, ruleName: rule.name, resourceId: resource.id, resourceName: resource.name, severity: rule.severity,
    state: 'pending', message, pendingSince: track.condSince ?? now, flapping: false,
  };
  if (value !== undefined) alert.value = value;
  const entry: Entry = {
    alert, track, rule, resourceType: resource.type, title, notified: false, lastNotifyAt: undefined, reminders: 0, escalated: false, sent: {}, claimer: undefined,
  };
  track.entry = entry;
  return entry;
}

export function fire(entry: Entry, now: number): void {
  entry.alert.state = 'firing';
  entry.alert.firedAt = now;
}

export function resolve(entry: Entry, now: number): void {
  const a = entry.alert;
  a.state = 'resolved';
  a.resolvedAt = now;
  delete a.snoozedUntil;
  if (entry.track.entry === entry) entry.track.entry = undefined;
}

/** Only a firing alert can be acknowledged: a pending one has not been announced yet. */
export function acknowledge(entry: Entry, by: string, now: number): boolean {
  if (entry.alert.state !== 'firing') return false;
  entry.alert.state = 'acknowledged';
  entry.alert.acknowledgedAt = now;
  entry.alert.acknowledgedBy = by;
  return true;
}

export function snooze(entry: Entry, untilMs: number): boolean {
  if (entry.alert.state === 'resolved') return false;
  entry.alert.snoozedUntil = untilMs;
  if (entry.alert.held !== 'monitor-only') entry.alert.held = 'snoozed';
  return true;
}

/** Rebuilds the pair state behind an open alert loaded after a restart. */
export function restoreEntry(alert: Alert, rule: AlertRule, title: string, resourceType: string): Entry {
  const track = newTrack(alert.ruleId, alert.resourceId);
  track.mem.active = true;
  track.condSince = alert.pendingSince;
  track.effective = alert.state !== 'pending';
  track.flapping = alert.flapping;
  track.lastChangeAt = alert.firedAt ?? alert.pendingSince;
  track.lastAlertId = alert.id;
  // Held for a reason that blocks the first message: it was not sent. Otherwise assume it was.
  const unsent = alert.held !== undefined && alert.held !== 'snoozed';
  const notified = alert.firedAt !== undefined && !unsent;
  if (notified) track.lastFiringNotifyAt = alert.firedAt;
  const entry: Entry = {
    alert: { ...alert }, track, rule, resourceType, title, notified, lastNotifyAt: notified ? alert.firedAt : undefined,
    reminders: 0, escalated: false, sent: {}, claimer: undefined,
  };
  track.entry = entry;
  return entry;
}
