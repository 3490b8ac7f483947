import { resourceTypes, type AlertOverrideInput, type AlertRule, type Resource, type ResourceType } from '@pulse/protocol';
import { conditionKeys, prepareCondition, type Levels, type PreparedCondition } from './conditions.js';
import { builtinGates } from './defaults.js';

/*
 * Which rules can a resource update touch, and which overrides apply. Built once per rules/overrides
 * list (not per update): a change only evaluates the rules filed under its type and the keys that
 * changed, so 3,000 resources × 20 rules cost what the changed keys cost.
 */

export type AlertOverride = AlertOverrideInput & { id: string };

export interface RuleEntry {
  rule: AlertRule;
  cond: PreparedCondition;
  tags: ReadonlySet<string> | undefined;
  ids: ReadonlySet<string> | undefined;
  gate: ((r: Resource) => boolean) | undefined;
  /** last evaluation pass that saw this rule: a rule filed under two changed keys runs once */
  stamp: number;
}

interface TypeIndex {
  all: RuleEntry[];
  byMetric: Map<string, RuleEntry[]>;
  byDetail: Map<string, RuleEntry[]>;
  byStatus: RuleEntry[];
}

export interface RuleIndex {
  byId: Map<string, RuleEntry>;
  byType: Map<ResourceType, TypeIndex>;
}

function push<K>(map: Map<K, RuleEntry[]>, key: K, e: RuleEntry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

export function buildRuleIndex(rules: readonly AlertRule[]): RuleIndex {
  const byId = new Map<string, RuleEntry>();
  const byType = new Map<ResourceType, TypeIndex>();
  for (const t of resourceTypes) byType.set(t, { all: [], byMetric: new Map(), byDetail: new Map(), byStatus: [] });
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const t = rule.target;
    const entry: RuleEntry = {
      rule,
      cond: prepareCondition(rule.condition),
      tags: t.tags.length ? new Set(t.tags) : undefined,
      ids: t.resourceIds.length ? new Set(t.resourceIds) : undefined,
      gate: builtinGates.get(rule.id),
      stamp: -1,
    };
    byId.set(rule.id, entry);
    const keys = conditionKeys(rule.condition);
    for (const type of t.types.length ? t.types : resourceTypes) {
      const ti = byType.get(type)!;
      ti.all.push(entry);
      for (const m of keys.metrics) push(ti.byMetric, m, entry);
      for (const d of keys.details) push(ti.byDetail, d, entry);
      if (keys.status) ti.byStatus.push(entry);
    }
  }
  return { byId, byType };
}

/** Types are filtered by the index; tags match when the resource carries any of them; ids exactly. */
export function targets(e: RuleEntry, r: Resource): boolean {
  if (e.ids && !e.ids.has(r.id)) return false;
  if (e.tags && !r.tags.some((tag) => e.tags!.has(tag))) return false;
  return e.gate ? e.gate(r) : true;
}

export interface OverrideIndex {
  empty: boolean;
  byResource: Map<string, AlertOverride[]>;
  byTag: Map<string, AlertOverride[]>;
  byType: Map<string, AlertOverride[]>;
}

export function buildOverrideIndex(overrides: readonly AlertOverride[]): OverrideIndex {
  const index: OverrideIndex = { empty: overrides.length === 0, byResource: new Map(), byTag: new Map(), byType: new Map() };
  for (const o of overrides) {
    const [map, key] = o.scope.kind === 'resource' ? [index.byResource, o.scope.resourceId] : o.scope.kind === 'tag' ? [index.byTag, o.scope.tag] : [index.byType, o.scope.type];
    const list = map.get(key);
    if (list) list.push(o);
    else map.set(key, [o]);
  }
  return index;
}

export type DeliveryMode = 'normal' | 'no-alerts' | 'monitor-only';
export interface Effective { mode: DeliveryMode; levels: Levels | undefined }

const NORMAL: Effective = { mode: 'normal', levels: undefined };
const RANK = { resource: 30, tag: 20, type: 10 } as const;

/** The overrides that apply to a resource (any rule), or none: the common case costs three lookups. */
export function overridesFor(index: OverrideIndex, r: Resource): AlertOverride[] | undefined {
  if (index.empty) return undefined;
  let out: AlertOverride[] | undefined;
  const add = (list: AlertOverride[] | undefined) => {
    if (list) out = out ? out.concat(list) : list.slice();
  };
  add(index.byResource.get(r.id));
  for (const tag of r.tags) add(index.byTag.get(tag));
  add(index.byType.get(r.type));
  return out;
}

/**
 * Silencing and thresholds are decided separately, each by the most specific override: resource >
 * tag > type, and one naming the rule beats one for every rule at the same scope. So a tag's
 * monitor-only and a resource's other CPU threshold both apply; at a tie no-alerts beats
 * monitor-only (the stricter wins) and the first-listed threshold wins.
 */
export function effectiveFor(overrides: AlertOverride[] | undefined, ruleId: string): Effective {
  if (!overrides) return NORMAL;
  let mode: DeliveryMode = 'normal';
  let modeRank = -1;
  let levels: Levels | undefined;
  let levelRank = -1;
  for (const o of overrides) {
    if (o.ruleId !== undefined && o.ruleId !== ruleId) continue;
    const rank = RANK[o.scope.kind] + (o.ruleId !== undefined ? 5 : 0);
    if (o.mode === 'threshold') {
      if (rank > levelRank && o.trigger !== undefined && o.clear !== undefined) {
        levels = { trigger: o.trigger, clear: o.clear };
        levelRank = rank;
      }
    } else if (rank > modeRank || (rank === modeRank && o.mode === 'no-alerts')) {
      mode = o.mode;
      modeRank = rank;
    }
  }
  return mode === 'normal' && !levels ? NORMAL : { mode, levels };
}
