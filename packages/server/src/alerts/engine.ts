import type { Alert, AlertRule, AlertSettings, Resource } from '@pulse/protocol';
import type { RegistryChange } from '../resources/registry.js';
import { createDependencies } from './dependencies.js';
import { createDispatch, type AlertEvent } from './dispatch.js';
import * as life from './lifecycle.js';
import type { Entry, Track } from './lifecycle.js';
import { buildOverrideIndex, buildRuleIndex, overridesFor, type AlertOverride, type OverrideIndex, type RuleIndex } from './matching.js';
import { isStable } from './noise.js';
import { createPairState, createPairs, isOffline } from './pairs.js';
import { describe, titleOf } from './wording.js';

/*
 * The alert engine (CONTRACT.md): registry changes and the clock in, alert state changes and
 * notifications out. Pure: no I/O, no timers — the caller persists, publishes and delivers the
 * events, and calls tick() on its own schedule (every few seconds).
 */

export type { AlertEvent } from './dispatch.js';
export type { AlertOverride } from './matching.js';

export interface AlertEngineOptions {
  now: () => number;
  /** current rules (built-ins + user); the index is rebuilt when the list or a rule's updatedAt changes */
  rules: () => AlertRule[];
  overrides: () => AlertOverride[];
  settings: () => AlertSettings;
  /** the registry's current view (for parents and time-based re-checks) */
  resources: (id: string) => Resource | undefined;
  /** open alerts after a restart */
  initial?: Alert[];
}

export interface AlertEngine {
  evaluate(change: RegistryChange): AlertEvent[];
  tick(): AlertEvent[];
  acknowledge(alertId: string, by: string): AlertEvent[];
  snooze(alertId: string, untilMs: number): AlertEvent[];
  active(): Alert[];
}

const ruleSignature = (rules: readonly AlertRule[]): string => rules.map((r) => `${r.id}@${r.updatedAt}@${r.enabled ? 1 : 0}`).join('|');
const overrideSignature = (list: readonly AlertOverride[]): string => list.map((o) => o.id).join('|');

export function createAlertEngine(o: AlertEngineOptions): AlertEngine {
  let rulesRef: AlertRule[] | undefined;
  let rulesSig = '';
  let overridesRef: AlertOverride[] | undefined;
  let overridesSig = '';
  let index: RuleIndex = buildRuleIndex([]);
  let overrideIndex: OverrideIndex = buildOverrideIndex([]);
  const state = createPairState();
  const { tracks, open, offline, waiting, timed, flapping, snoozed } = state;
  let out: AlertEvent[] = [];
  let restored: Entry[] = [];

  const deps = createDependencies({
    resources: o.resources,
    hasOfflineAlert: (id) => {
      const s = offline.get(id)?.alert.state;
      return s === 'firing' || s === 'acknowledged';
    },
  });
  const dispatch = createDispatch({ settings: o.settings, deps, open, offlineEntryOf: (id) => offline.get(id), emit: (e) => out.push(e) });
  const changed = (e: Entry) => out.push({ kind: 'changed', alert: { ...e.alert } });
  const pairs = createPairs({
    state, settings: o.settings, resources: o.resources, index: () => index, overrideIndex: () => overrideIndex, dispatch, deps, changed,
  });
  const { reconcileAll, evaluateRule, evaluateResource, removeResource, dropTrack, becomeEffective, endFlapping } = pairs;

  function refresh(now: number): void {
    const rules = o.rules();
    const overrides = o.overrides();
    let reconcile = false;
    if (rules !== rulesRef) {
      rulesRef = rules;
      const sig = ruleSignature(rules);
      if (sig !== rulesSig) {
        rulesSig = sig;
        index = buildRuleIndex(rules);
        reconcile = true;
      }
    }
    if (overrides !== overridesRef) {
      overridesRef = overrides;
      const sig = overrideSignature(overrides);
      if (sig !== overridesSig) {
        overridesSig = sig;
        overrideIndex = buildOverrideIndex(overrides);
        reconcile = true;
      }
    }
    if (reconcile) reconcileAll(now);
  }

  function restore(alerts: readonly Alert[], now: number): void {
    for (const a of alerts) {
      if (a.state === 'resolved') continue;
      const re = index.byId.get(a.ruleId);
      if (!re) {
        // Its rule is gone: close it on the first call rather than keep it open forever.
        out.push({ kind: 'changed', alert: { ...a, state: 'resolved', resolvedAt: now } });
        continue;
      }
      const w = describe(re.rule.condition, a.value, undefined, re.rule.forS);
      const type = o.resources(a.resourceId)?.type ?? 'resource';
      const e = life.restoreEntry(a, re.rule, titleOf(re.rule.condition, w, a.resourceName), type);
      const byRule = tracks.get(a.resourceId) ?? new Map<string, Track>();
      tracks.set(a.resourceId, byRule);
      byRule.set(a.ruleId, e.track);
      open.set(a.id, e);
      if (isOffline(re.rule)) offline.set(a.resourceId, e);
      if (a.state === 'pending') waiting.add(e.track);
      if (a.flapping) flapping.add(e.track);
      if (a.snoozedUntil !== undefined) snoozed.add(e);
      if (a.held === 'dependency') restored.push(e);
    }
  }

  const begin = (): number => {
    out = [];
    const now = o.now();
    refresh(now);
    return now;
  };

  {
    const now = o.now();
    out = [];
    refresh(now);
    restore(o.initial ?? [], now);
  }
  let carried = out;

  function finish(): AlertEvent[] {
    const events = carried.length ? carried.concat(out) : out;
    carried = [];
    out = [];
    return events;
  }

  return {
    evaluate(change: RegistryChange): AlertEvent[] {
      const now = begin();
      const { upsert, remove } = change.diff;
      const changedList = change.changed;
      for (let i = 0; i < changedList.length; i++) {
        const r = changedList[i]!;
        const p = upsert[i];
        evaluateResource(r, p?.id === r.id ? p : undefined, now);
      }
      for (const id of remove) removeResource(id, now);
      if (o.settings().groupWindowS === 0) dispatch.flush(now);
      return finish();
    },

    tick(): AlertEvent[] {
      const now = begin();
      for (const e of restored) {
        const root = deps.rootCauseOf(e.alert.resourceId);
        if (root !== undefined) deps.claim(root, e);
        else {
          delete e.alert.held;
          delete e.alert.parentAlertId;
          changed(e);
          dispatch.queueFiring(e, now);
        }
      }
      restored = [];
      for (const e of [...snoozed]) {
        if ((e.alert.snoozedUntil ?? 0) > now) continue;
        snoozed.delete(e);
        delete e.alert.snoozedUntil;
        if (e.alert.held === 'snoozed') delete e.alert.held;
        changed(e);
        if (e.alert.state === 'firing') dispatch.remind(e, now);
      }
      for (const t of [...timed]) {
        if (t.recheckAt === undefined || t.recheckAt > now) continue;
        const r = o.resources(t.resourceId);
        const re = index.byId.get(t.ruleId);
        if (!r || !re) dropTrack(t, now);
        else evaluateRule(re, r, now, overridesFor(overrideIndex, r));
      }
      for (const t of [...waiting]) {
        const forS = index.byId.get(t.ruleId)?.rule.forS ?? 0;
        if (t.condSince !== undefined && now - t.condSince >= forS * 1000) becomeEffective(t, now);
      }
      const settings = o.settings();
      for (const t of [...flapping]) {
        if (isStable(t, now, settings, index.byId.get(t.ruleId)?.rule.forS ?? 0)) endFlapping(t, now);
      }
      dispatch.tick(now);
      return finish();
    },

    acknowledge(alertId: string, by: string): AlertEvent[] {
      const now = begin();
      const e = open.get(alertId);
      if (e && life.acknowledge(e, by, now)) {
        // Not announced yet (in a window, deferred or held): the person acknowledging knows already.
        dispatch.dequeue(e);
        changed(e);
      }
      return finish();
    },

    snooze(alertId: string, untilMs: number): AlertEvent[] {
      const now = begin();
      const e = open.get(alertId);
      if (e && untilMs > now && life.snooze(e, untilMs)) {
        dispatch.dequeue(e);
        deps.unclaim(e);
        snoozed.add(e);
        changed(e);
      }
      return finish();
    },

    active(): Alert[] {
      return [...open.values()].map((e) => ({ ...e.alert }));
    },
  };
}
