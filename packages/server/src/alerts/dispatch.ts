import type { Alert, AlertSettings, Notification } from '@pulse/protocol';
import type { Dependencies } from './dependencies.js';
import { buildNotification, createGroups, groupId, reminderSlotStart, singleId, type MessageParts, type Suppressed } from './grouping.js';
import type { Entry, NotificationKind } from './lifecycle.js';
import { cooldownEnd, createHourlyCap, escalationDue, reminderDue } from './noise.js';
import { createQuietHours } from './quiet-hours.js';

/*
 * From "this alert fired" to messages: cooldown, group windows, root-cause claims, quiet hours and
 * the hourly cap, in that order, then reminders and escalation. The engine decides what an alert
 * is; this decides what is said about it and when.
 */

export type AlertEvent =
  | { kind: 'changed'; alert: Alert }
  | { kind: 'notify'; notification: Notification; channels: string[] | 'default' };

export interface DispatchOptions {
  settings: () => AlertSettings;
  deps: Dependencies;
  open: ReadonlyMap<string, Entry>;
  /** the open alert of a resource's offline rule, if any: what its held children point at */
  offlineEntryOf: (resourceId: string) => Entry | undefined;
  emit: (event: AlertEvent) => void;
}

const isOfflineRule = (e: Entry): boolean => e.rule.condition.kind === 'status' && e.rule.condition.statuses.includes('offline');
const channelsOf = (e: Entry): string[] | 'default' => (e.rule.channels.length ? e.rule.channels : 'default');
const groupKeyOf = (e: Entry): string => `rule:${e.rule.id}`;

export function createDispatch(o: DispatchOptions) {
  const groups = createGroups();
  /** waiting for the cooldown of their (rule, resource) to pass */
  const deferred = new Map<Entry, number>();
  const capHeld = new Set<Entry>();
  /** firing messages held by quiet hours; resolved ones among them are only counted at the end */
  const quietHeld = new Set<Entry>();
  /** resolve messages held by quiet hours, for alerts whose firing went out before */
  const quietResolved = new Set<Entry>();
  const cap = createHourlyCap();
  const quiet = createQuietHours();
  let wasQuiet = false;
  /** ids sent, for a last guard against a repeat within the process (pruned after a day) */
  const sentIds = new Map<string, number>();
  let prunedAt = 0;
  /** alerts whose announcements this process made or took over (see adopt) */
  const paced = new WeakSet<Entry>();

  const changed = (e: Entry) => o.emit({ kind: 'changed', alert: { ...e.alert } });
  function setHeld(e: Entry, held: Alert['held'] | undefined): void {
    if (e.alert.held === held) return;
    if (held === undefined) delete e.alert.held;
    else e.alert.held = held;
    changed(e);
  }

  function send(parts: MessageParts, channels: string[] | 'default'): void {
    let id = parts.id;
    for (let n = 2; sentIds.has(id); n++) id = `${parts.id}~${n}`;
    sentIds.set(id, parts.at);
    o.emit({ kind: 'notify', notification: buildNotification({ ...parts, id }), channels });
  }

  function markSent(e: Entry, now: number, countsToCap: boolean): void {
    paced.add(e);
    e.notified = true;
    e.lastNotifyAt = now;
    e.track.lastFiringNotifyAt = now;
    if (countsToCap) cap.record(e.alert.resourceId, now);
    capHeld.delete(e);
    if (e.alert.held === 'cap' || e.alert.held === 'quiet-hours') setHeld(e, undefined);
  }

  /**
   * An alert announced before a restart comes back with only its firing time. Its reminders went out
   * on their clock meanwhile, so the next one is due at the next slot, as without the restart; a
   * reminder at once would repeat the last one (same slot, same id) to every channel that does not
   * drop duplicates. A reminder due while the server was down is skipped; the next follows within a period.
   */
  function adopt(e: Entry, now: number, s: AlertSettings): void {
    paced.add(e);
    if (e.rule.renotifyS <= 0 || e.lastNotifyAt === undefined) return;
    e.lastNotifyAt = Math.max(e.lastNotifyAt, reminderSlotStart(e, now, s));
  }

  function capNotes(entries: readonly Entry[]): string[] {
    const notes: string[] = [];
    for (const e of new Set(entries.map((x) => x.alert.resourceId))) {
      const n = cap.takeHeld(e);
      const name = entries.find((x) => x.alert.resourceId === e)!.alert.resourceName;
      if (n) notes.push(`${n} more notification${n === 1 ? '' : 's'} about ${name} held by the hourly cap.`);
    }
    return notes;
  }

  /** The claimed children of the offline alerts in a message; they now point at their parent's alert. */
  function suppressedFor(entries: readonly Entry[]): Suppressed[] {
    const out: Suppressed[] = [];
    for (const e of entries) {
      if (!isOfflineRule(e)) continue;
      for (const c of o.deps.claimedBy(e.alert.resourceId) ?? []) {
        out.push({ resourceId: c.alert.resourceId, resourceName: c.alert.resourceName, ruleName: c.alert.ruleName, type: c.resourceType });
        if (c.alert.parentAlertId !== e.alert.id) {
          c.alert.parentAlertId = e.alert.id;
          changed(c);
        }
      }
    }
    return out;
  }

  function sendFiring(entries: Iterable<Entry>, now: number, key: string, openedAt: number, quietNow: boolean): void {
    const s = o.settings();
    const ok: Entry[] = [];
    for (const e of entries) {
      const h = e.alert.held;
      if (e.alert.state !== 'firing' || h === 'snoozed' || h === 'monitor-only' || h === 'flapping' || h === 'dependency') continue;
      if (quietNow && e.alert.severity !== 'critical') {
        quietHeld.add(e);
        setHeld(e, 'quiet-hours');
      } else if (!cap.allows(e.alert.resourceId, now, s.perResourceHourlyCap)) {
        if (!capHeld.has(e)) cap.hold(e.alert.resourceId);
        capHeld.add(e);
        setHeld(e, 'cap');
      } else ok.push(e);
    }
    if (!ok.length) return;
    const kind: NotificationKind = 'firing';
    const id = ok.length === 1 ? singleId(ok[0]!, kind, now, s) : groupId(key, kind, ok.map((e) => e.alert), openedAt);
    const parts = { id, kind, at: now, entries: ok, suppressed: suppressedFor(ok), notes: capNotes(ok) };
    for (const e of ok) markSent(e, now, true);
    send({ ...parts, entries: ok }, channelsOf(ok[0]!));
  }

  function sendResolved(entries: Iterable<Entry>, now: number, key: string, openedAt: number, quietNow: boolean): void {
    const ok: Entry[] = [];
    for (const e of entries) {
      if (quietNow && e.alert.severity !== 'critical') quietResolved.add(e);
      else ok.push(e);
    }
    if (!ok.length) return;
    const id = ok.length === 1 ? singleId(ok[0]!, 'resolved', now, o.settings()) : groupId(key, 'resolved', ok.map((e) => e.alert), openedAt);
    send({ id, kind: 'resolved', at: now, entries: ok, suppressed: [], notes: [] }, channelsOf(ok[0]!));
  }

  /**
   * Quiet hours over: what fired meanwhile and still fires goes out as one summary (per channel
   * set); what fired and resolved meanwhile was never announced, so it is only counted in that
   * summary — nothing is sent for it alone. Resolves of alerts announced before go out as one summary.
   */
  function endQuiet(now: number): void {
    const byChannels = new Map<string, Entry[]>();
    let resolvedMeanwhile = 0;
    for (const e of quietHeld) {
      if (e.alert.state === 'firing' && e.alert.held === 'quiet-hours') {
        const k = JSON.stringify(channelsOf(e));
        byChannels.set(k, [...(byChannels.get(k) ?? []), e]);
      } else if (e.alert.state === 'resolved' && !e.notified) resolvedMeanwhile++;
    }
    quietHeld.clear();
    for (const entries of byChannels.values()) {
      const notes = resolvedMeanwhile ? [`${resolvedMeanwhile} more fired and resolved during quiet hours.`] : [];
      resolvedMeanwhile = 0;
      const id = entries.length === 1 ? singleId(entries[0]!, 'firing', now, o.settings()) : groupId('quiet-hours', 'firing', entries.map((e) => e.alert), now);
      const heading = entries.length === 1 ? undefined : `While quiet hours were on: ${entries.length} alerts firing`;
      for (const e of entries) markSent(e, now, false);
      send({ id, kind: 'firing', at: now, entries, suppressed: [], notes, ...(heading ? { heading } : {}) }, channelsOf(entries[0]!));
    }
    const resolved = [...quietResolved];
    quietResolved.clear();
    if (resolved.length) {
      const id = resolved.length === 1 ? singleId(resolved[0]!, 'resolved', now, o.settings()) : groupId('quiet-hours', 'resolved', resolved.map((e) => e.alert), now);
      const heading = resolved.length === 1 ? undefined : `Resolved during quiet hours: ${resolved.length} alerts`;
      send({ id, kind: 'resolved', at: now, entries: resolved, suppressed: [], notes: [], ...(heading ? { heading } : {}) }, channelsOf(resolved[0]!));
    }
  }

  function single(e: Entry, kind: NotificationKind, now: number, channels: string[] | 'default', notes: string[] = []): void {
    send({ id: singleId(e, kind, now, o.settings()), kind, at: now, entries: [e], suppressed: [], notes }, channels);
  }

  /** An alert is firing: announce it once its cooldown is over and its group window closes. */
  function queueFiring(e: Entry, now: number): void {
    const h = e.alert.held;
    if (e.alert.state !== 'firing' || h === 'monitor-only' || h === 'snoozed' || h === 'flapping') return;
    const due = cooldownEnd(e.track, o.settings());
    if (due > now) deferred.set(e, due);
    else groups.add('firing', groupKeyOf(e), e, now);
  }

  /** Nothing more to announce for this alert for now (acknowledged, snoozed, held, resolved). */
  function dequeue(e: Entry): void {
    groups.remove(e);
    deferred.delete(e);
    capHeld.delete(e);
  }

  /** Claims queued alerts under a down ancestor, then sends the windows that are due. */
  function flush(now: number): void {
    const s = o.settings();
    // Every queued alert, not only due windows: a parent whose window closes first still lists
    // the children that fired a moment after it.
    for (const e of [...groups.queued()]) {
      const root = o.deps.rootCauseOf(e.alert.resourceId);
      if (root === undefined) continue;
      groups.remove(e);
      o.deps.claim(root, e);
      const parent = o.offlineEntryOf(root);
      if (parent) e.alert.parentAlertId = parent.alert.id;
      setHeld(e, 'dependency');
    }
    const due = groups.takeDue(now, s.groupWindowS * 1000);
    if (!due.length) return;
    const quietNow = quiet.isQuiet(s, now);
    for (const w of due) (w.kind === 'firing' ? sendFiring : sendResolved)(w.entries, now, w.key, w.openedAt, quietNow);
  }

  return {
    queueFiring,
    dequeue,
    onResolved(e: Entry, now: number): void {
      dequeue(e);
      o.deps.unclaim(e);
      if (e.notified) groups.add('resolved', groupKeyOf(e), e, now);
    },
    /** The end of a snooze: one reminder when it was announced before, else its first announcement. */
    remind(e: Entry, now: number): void {
      if (!e.notified) return queueFiring(e, now);
      if (o.settings().quietHours.enabled && e.alert.severity !== 'critical' && quiet.isQuiet(o.settings(), now)) return;
      single(e, 'reminder', now, channelsOf(e));
      markSent(e, now, true);
    },
    flush,
    tick(now: number): void {
      const s = o.settings();
      for (const [e, due] of deferred) {
        if (due > now) continue;
        deferred.delete(e);
        queueFiring(e, now);
      }
      for (const claimer of o.deps.recovered()) {
        for (const e of [...(o.deps.claimedBy(claimer) ?? [])]) {
          o.deps.unclaim(e);
          delete e.alert.parentAlertId;
          if (e.alert.held === 'dependency') setHeld(e, undefined);
          else changed(e);
          queueFiring(e, now);
        }
      }
      for (const e of capHeld) {
        if (e.alert.state !== 'firing') capHeld.delete(e);
        else if (cap.allows(e.alert.resourceId, now, s.perResourceHourlyCap) && !groups.isQueued(e)) groups.add('firing', groupKeyOf(e), e, now);
      }
      const quietNow = quiet.isQuiet(s, now);
      if (wasQuiet && !quietNow) endQuiet(now);
      wasQuiet = quietNow;
      for (const e of o.open.values()) {
        if (e.notified && !paced.has(e)) adopt(e, now, s);
        const hushed = quietNow && e.alert.severity !== 'critical';
        if (!hushed && reminderDue(e, now, s)) {
          if (cap.allows(e.alert.resourceId, now, s.perResourceHourlyCap)) {
            single(e, 'reminder', now, channelsOf(e), capNotes([e]));
            markSent(e, now, true);
          } else {
            cap.hold(e.alert.resourceId);
            e.lastNotifyAt = now;
          }
        }
        if (!hushed && escalationDue(e, now)) {
          e.escalated = true;
          single(e, 'escalation', now, e.rule.escalateTo.length ? e.rule.escalateTo : channelsOf(e));
        }
      }
      if (now - prunedAt > 3_600_000) {
        prunedAt = now;
        for (const [id, at] of sentIds) if (now - at > 86_400_000) sentIds.delete(id);
      }
      flush(now);
    },
  };
}
export type Dispatch = ReturnType<typeof createDispatch>;
