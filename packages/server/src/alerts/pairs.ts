import type { AlertRule, AlertSettings, Resource, ResourcePatch } from '@pulse/protocol';
import { evaluateCondition, type ConditionResult } from './conditions.js';
import type { Dependencies } from './dependencies.js';
import type { Dispatch } from './dispatch.js';
import * as life from './lifecycle.js';
import type { Entry, Track } from './lifecycle.js';
import { effectiveFor, overridesFor, targets, type AlertOverride, type Effective, type OverrideIndex, type RuleEntry, type RuleIndex } from './matching.js';
import { recordChange } from './noise.js';
import { describe, messageOf, titleOf } from './wording.js';

/*
 * The (rule, resource) pairs: evaluation of a resource against the rules that can match it, and the
 * state machine behind each alert — pending for forS, firing, resolving when the condition clears,
 * staying open (held) while flapping. What is announced, and when, is dispatch.ts's business.
 */

export const isOffline = (rule: AlertRule): boolean => rule.condition.kind === 'status' && rule.condition.statuses.includes('offline');

/** The engine's live state, shared with dispatch and the engine's tick. */
export interface PairState {
  /** resource id → rule id → what the pair remembers */
  tracks: Map<string, Map<string, Track>>;
  open: Map<string, Entry>;
  /** resource id → its open offline alert: the parent its children's held alerts point at */
  offline: Map<string, Entry>;
  /** the condition holds, not yet for forS */
  waiting: Set<Track>;
  /** a re-check is due at `recheckAt` without the resource changing (age, increase window) */
  timed: Set<Track>;
  flapping: Set<Track>;
  snoozed: Set<Entry>;
}

export function createPairState(): PairState {
  return { tracks: new Map(), open: new Map(), offline: new Map(), waiting: new Set(), timed: new Set(), flapping: new Set(), snoozed: new Set() };
}

export interface PairsContext {
  state: PairState;
  settings: () => AlertSettings;
  resources: (id: string) => Resource | undefined;
  index: () => RuleIndex;
  overrideIndex: () => OverrideIndex;
  dispatch: Dispatch;
  deps: Dependencies;
  changed: (e: Entry) => void;
}

export function createPairs(ctx: PairsContext) {
  const { tracks, open, offline, waiting, timed, flapping, snoozed } = ctx.state;
  const { dispatch, deps, changed } = ctx;
  const o = { settings: ctx.settings, resources: ctx.resources };
  let pass = 0;

  /** Rules or overrides changed: every pair is checked again against its resource as it is now. */
  function reconcileAll(now: number): void {
    for (const [resourceId, byRule] of tracks) {
      const r = o.resources(resourceId);
      for (const t of [...byRule.values()]) {
        const re = ctx.index().byId.get(t.ruleId);
        const types = re?.rule.target.types;
        if (!r || !re || (types!.length > 0 && !types!.includes(r.type))) dropTrack(t, now);
        else evaluateRule(re, r, now, overridesFor(ctx.overrideIndex(), r));
      }
    }
  }

  function trackOf(resourceId: string, ruleId: string, create: boolean): Track | undefined {
    let byRule = tracks.get(resourceId);
    let t = byRule?.get(ruleId);
    if (t || !create) return t;
    if (!byRule) tracks.set(resourceId, (byRule = new Map()));
    byRule.set(ruleId, (t = life.newTrack(ruleId, resourceId)));
    return t;
  }

  function forget(t: Track): void {
    const byRule = tracks.get(t.resourceId);
    byRule?.delete(t.ruleId);
    if (byRule?.size === 0) tracks.delete(t.resourceId);
    waiting.delete(t);
    timed.delete(t);
    flapping.delete(t);
  }

  function dropTrack(t: Track, now: number): void {
    if (t.entry) resolveEntry(t.entry, now);
    forget(t);
  }

  function resolveEntry(e: Entry, now: number): void {
    life.resolve(e, now);
    open.delete(e.alert.id);
    if (offline.get(e.alert.resourceId) === e) offline.delete(e.alert.resourceId);
    snoozed.delete(e);
    dispatch.onResolved(e, now);
    changed(e);
  }

  function wordingFor(t: Track, rule: AlertRule) {
    return describe(rule.condition, t.value, t.levels, rule.forS);
  }

  function openFor(t: Track, rule: AlertRule, r: Resource, mode: Effective['mode'], now: number): Entry {
    const w = wordingFor(t, rule);
    const e = life.openEntry(t, rule, r, now, messageOf(w), titleOf(rule.condition, w, r.name), t.value);
    if (mode === 'monitor-only') e.alert.held = 'monitor-only';
    open.set(e.alert.id, e);
    if (isOffline(rule)) offline.set(r.id, e);
    return e;
  }

  function markFlapping(t: Track, e: Entry): void {
    e.alert.flapping = true;
    if (e.alert.held !== 'monitor-only') e.alert.held = 'flapping';
    dispatch.dequeue(e);
    deps.unclaim(e);
    flapping.add(t);
    changed(e);
  }

  /** Held for forS: pending → firing, and announced unless flapping or held. */
  function becomeEffective(t: Track, now: number): void {
    t.effective = true;
    waiting.delete(t);
    const wasFlapping = t.flapping;
    const isFlapping = recordChange(t, now, o.settings());
    const e = t.entry;
    if (!e || wasFlapping) return;
    if (e.alert.state === 'pending') {
      const w = wordingFor(t, e.rule);
      e.alert.message = messageOf(w);
      e.title = titleOf(e.rule.condition, w, e.alert.resourceName);
      if (t.value !== undefined) e.alert.value = t.value;
      life.fire(e, now);
    }
    if (isFlapping) return markFlapping(t, e);
    changed(e);
    dispatch.queueFiring(e, now);
  }

  /** The condition cleared: the alert resolves, unless the pair is flapping (then it stays, held). */
  function becomeIneffective(t: Track, now: number): void {
    t.effective = false;
    const wasFlapping = t.flapping;
    const isFlapping = recordChange(t, now, o.settings());
    const e = t.entry;
    if (!e) return;
    if (isFlapping) {
      if (!wasFlapping) markFlapping(t, e);
      return;
    }
    resolveEntry(e, now);
  }

  function step(t: Track, re: RuleEntry, r: Resource, res: ConditionResult, mode: Effective['mode'], now: number): void {
    const rule = re.rule;
    if (!res.active) {
      t.condSince = undefined;
      waiting.delete(t);
      if (t.effective) becomeIneffective(t, now);
      // A condition that clears while pending drops the alert: nothing was announced.
      else if (t.entry && !t.flapping) resolveEntry(t.entry, now);
      return;
    }
    t.condSince ??= now;
    let opened: Entry | undefined;
    if (!t.entry && !t.flapping) opened = openFor(t, rule, r, mode, now);
    if (t.effective) return;
    if (now - t.condSince >= rule.forS * 1000) becomeEffective(t, now);
    else waiting.add(t);
    if (opened?.alert.state === 'pending') changed(opened);
  }

  function evaluateRule(re: RuleEntry, r: Resource, now: number, ovs: AlertOverride[] | undefined): void {
    const ruleId = re.rule.id;
    let t = trackOf(r.id, ruleId, false);
    const eff = targets(re, r) ? effectiveFor(ovs, ruleId) : undefined;
    if (!eff || eff.mode === 'no-alerts') {
      if (t) dropTrack(t, now);
      return;
    }
    if (!t && re.cond.kind === 'increase') t = trackOf(r.id, ruleId, true);
    const res = evaluateCondition(re.cond, r, t?.mem, eff.levels, now);
    if (!t) {
      if (!res.active && res.recheckAt === undefined) return;
      t = trackOf(r.id, ruleId, true)!;
    }
    t.mem.active = res.active;
    t.value = res.value;
    t.levels = eff.levels;
    t.recheckAt = res.recheckAt;
    if (res.recheckAt !== undefined) timed.add(t);
    else timed.delete(t);
    const e = t.entry;
    if (e && eff.mode === 'monitor-only' && e.alert.held !== 'monitor-only') {
      dispatch.dequeue(e);
      e.alert.held = 'monitor-only';
      changed(e);
    } else if (e && eff.mode === 'normal' && e.alert.held === 'monitor-only') {
      delete e.alert.held;
      changed(e);
      dispatch.queueFiring(e, now);
    }
    step(t, re, r, res, eff.mode, now);
    if (!t.entry && !res.active && !t.flapping && t.recheckAt === undefined && !t.changes.length && re.cond.kind !== 'increase') forget(t);
  }

  function evaluateResource(r: Resource, patch: ResourcePatch | undefined, now: number): void {
    const ti = ctx.index().byType.get(r.type);
    if (!ti) return;
    const stamp = ++pass;
    const ovs = overridesFor(ctx.overrideIndex(), r);
    const run = (list: RuleEntry[] | undefined) => {
      if (!list) return;
      for (const re of list) {
        if (re.stamp === stamp) continue;
        re.stamp = stamp;
        evaluateRule(re, r, now, ovs);
      }
    };
    // New resources, and changes to what targeting reads, take every rule of the type.
    if (!patch || patch.type !== undefined || patch.tags !== undefined || patch.parentId !== undefined) {
      run(ti.all);
      // Pairs of rules that no longer apply to it (type changed, rule narrowed) end here.
      for (const t of [...(tracks.get(r.id)?.values() ?? [])]) if (ctx.index().byId.get(t.ruleId)?.stamp !== stamp) dropTrack(t, now);
      return;
    }
    if (patch.metrics) for (const k in patch.metrics) run(ti.byMetric.get(k));
    if (patch.details) for (const k in patch.details) run(ti.byDetail.get(k));
    if (patch.status !== undefined) run(ti.byStatus);
  }

  function removeResource(id: string, now: number): void {
    for (const t of [...(tracks.get(id)?.values() ?? [])]) dropTrack(t, now);
  }

  function endFlapping(t: Track, now: number): void {
    flapping.delete(t);
    t.flapping = false;
    t.changes = [];
    const e = t.entry;
    if (!e) return;
    e.alert.flapping = false;
    if (e.alert.held === 'flapping') delete e.alert.held;
    if (t.effective) {
      // The final state, once: still firing.
      changed(e);
      dispatch.queueFiring(e, now);
      return;
    }
    resolveEntry(e, now);
    const r = o.resources(t.resourceId);
    const re = ctx.index().byId.get(t.ruleId);
    if (t.condSince !== undefined && r && re) evaluateRule(re, r, now, overridesFor(ctx.overrideIndex(), r));
  }

  return { reconcileAll, evaluateRule, evaluateResource, removeResource, dropTrack, resolveEntry, becomeEffective, endFlapping };
}
export type Pairs = ReturnType<typeof createPairs>;
