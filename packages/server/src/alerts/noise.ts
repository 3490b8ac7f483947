import type { AlertSettings } from '@pulse/protocol';
import type { Entry, Track } from './lifecycle.js';

/*
 * The rules that keep a noisy system from paging all night: cooldown, hourly cap, flapping,
 * reminders and escalation. Pure decisions over the clock the engine passes in; grouping and quiet
 * hours have their own files.
 */

const HOUR = 3_600_000;

/** When the next firing/reminder notification about this (rule, resource) may go: the cooldown. */
export function cooldownEnd(track: Track, settings: AlertSettings): number {
  return track.lastFiringNotifyAt === undefined ? -Infinity : track.lastFiringNotifyAt + settings.cooldownS * 1000;
}

/**
 * Notifications per resource in a sliding hour. Beyond the cap they are held and counted; the count
 * rides along in the next message about that resource that is let through.
 */
export function createHourlyCap() {
  const sent = new Map<string, number[]>();
  const heldCounts = new Map<string, number>();

  function recent(resourceId: string, now: number): number[] | undefined {
    const times = sent.get(resourceId);
    if (!times) return undefined;
    while (times.length && times[0]! <= now - HOUR) times.shift();
    if (!times.length) sent.delete(resourceId);
    return times.length ? times : undefined;
  }

  return {
    allows(resourceId: string, now: number, cap: number): boolean {
      return (recent(resourceId, now)?.length ?? 0) < cap;
    },
    record(resourceId: string, now: number): void {
      const times = sent.get(resourceId);
      if (times) times.push(now);
      else sent.set(resourceId, [now]);
    },
    hold(resourceId: string): void {
      heldCounts.set(resourceId, (heldCounts.get(resourceId) ?? 0) + 1);
    },
    /** How many were held for this resource since the last message that got through; resets. */
    takeHeld(resourceId: string): number {
      const n = heldCounts.get(resourceId) ?? 0;
      heldCounts.delete(resourceId);
      return n;
    },
  };
}
export type HourlyCap = ReturnType<typeof createHourlyCap>;

/** Records a firing/clearing of the pair; true when it is (now) flapping. */
export function recordChange(track: Track, now: number, settings: AlertSettings): boolean {
  const from = now - settings.flapWindowS * 1000;
  const changes = track.changes;
  while (changes.length && changes[0]! <= from) changes.shift();
  changes.push(now);
  track.lastChangeAt = now;
  if (!track.flapping && changes.length >= settings.flapChanges) track.flapping = true;
  return track.flapping;
}

/**
 * A flapping pair calms down after a whole flap window without a change; a condition that must
 * hold longer than that (forS) needs that long, or its final state would be a guess.
 */
export function isStable(track: Track, now: number, settings: AlertSettings, forS: number): boolean {
  return now - track.lastChangeAt >= Math.max(settings.flapWindowS, forS) * 1000;
}

/** A reminder is due: still firing, announced, nobody acknowledged it, and renotifyS (at least the cooldown) passed. */
export function reminderDue(e: Entry, now: number, settings: AlertSettings): boolean {
  const every = e.rule.renotifyS;
  if (every <= 0 || e.alert.state !== 'firing' || !e.notified || e.alert.held || e.lastNotifyAt === undefined) return false;
  return now - e.lastNotifyAt >= Math.max(every, settings.cooldownS) * 1000;
}

/** Unacknowledged for escalateAfterS since it fired, announced, and not escalated yet. */
export function escalationDue(e: Entry, now: number): boolean {
  const after = e.rule.escalateAfterS;
  if (after <= 0 || e.escalated || e.alert.state !== 'firing' || !e.notified || e.alert.firedAt === undefined) return false;
  if (e.alert.held && e.alert.held !== 'cap') return false;
  return now - e.alert.firedAt >= after * 1000;
}
