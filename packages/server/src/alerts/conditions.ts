import type { AlertCondition, Resource } from '@pulse/protocol';

/*
 * One evaluator per condition kind. Each looks only at the resource's current state plus the little
 * the caller keeps per (rule, resource) — whether the condition held last time (hysteresis) and a
 * counter history (increase) — so evaluation is a few property reads, never a JSON walk.
 */

/** What a (rule, resource) pair remembers between evaluations. */
export interface ConditionMemory {
  /** the condition held at the last evaluation: a threshold then clears only past `clear` */
  active: boolean;
  /** increase: last counter value and the positive steps seen within the window */
  last?: number;
  steps?: Array<{ t: number; d: number }>;
}

export interface ConditionResult {
  active: boolean;
  value?: number;
  /** when the result may change without the resource changing (age passing, increase window sliding) */
  recheckAt?: number;
}

/** The trigger/clear pair in force, after a threshold override. */
export interface Levels { trigger: number; clear: number }

/** `a.b.c` inside `details`; one split per rule, done when the rule index is built. */
export function detailAt(details: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = details;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A condition made ready for evaluation: paths split once, not per resource update. */
export type PreparedCondition = AlertCondition & { segments: string[] };

export function prepareCondition(condition: AlertCondition): PreparedCondition {
  const path = condition.kind === 'detail' || condition.kind === 'age' ? condition.path : '';
  return { ...condition, segments: path ? path.split('.') : [] };
}

/** Metric or detail (a timestamp for `age`): a metric key is tried first, dots and all. */
function numberAt(resource: Resource, path: string, segments: readonly string[]): number | undefined {
  const m = resource.metrics[path];
  if (m !== undefined) return m;
  const d = detailAt(resource.details, segments);
  return typeof d === 'number' ? d : undefined;
}

export function evaluateCondition(
  c: PreparedCondition,
  resource: Resource,
  memory: ConditionMemory | undefined,
  levels: Levels | undefined,
  now: number,
): ConditionResult {
  switch (c.kind) {
    case 'threshold': {
      const value = resource.metrics[c.metric];
      if (value === undefined) return { active: false };
      const { trigger, clear } = levels ?? c;
      // Hysteresis: once past `trigger` it stays active until the value gets back to `clear`.
      const wasActive = memory?.active ?? false;
      const active = c.op === '>' ? (wasActive ? value > clear : value > trigger) : wasActive ? value < clear : value < trigger;
      return { active, value };
    }
    case 'status':
      return { active: (c.statuses as readonly string[]).includes(resource.status) };
    case 'detail': {
      const v = detailAt(resource.details, c.segments);
      return { active: v !== undefined && c.values.includes(v as string | number | boolean) };
    }
    case 'age': {
      const t = numberAt(resource, c.path, c.segments);
      if (t === undefined) return { active: c.missingFires };
      const limit = t + c.maxAgeS * 1000;
      const ageS = Math.max(0, Math.round((now - t) / 1000));
      return now > limit ? { active: true, value: ageS } : { active: false, value: ageS, recheckAt: limit + 1 };
    }
    case 'increase': {
      const value = resource.metrics[c.metric];
      const steps = memory?.steps ?? [];
      const from = now - c.windowS * 1000;
      while (steps.length && steps[0]!.t <= from) steps.shift();
      if (value !== undefined && memory) {
        // A counter that went down was reset (container recreated): what it shows now is new.
        const d = memory.last === undefined ? 0 : value >= memory.last ? value - memory.last : value;
        if (d > 0) steps.push({ t: now, d });
        memory.last = value;
        memory.steps = steps;
      }
      let sum = 0;
      for (const s of steps) sum += s.d;
      const result: ConditionResult = { active: sum >= c.increase, value: sum };
      if (steps.length) result.recheckAt = steps[0]!.t + c.windowS * 1000 + 1;
      return result;
    }
  }
}

/** The keys of a resource whose change can change the condition: what the rule index files it under. */
export function conditionKeys(c: AlertCondition): { metrics: string[]; details: string[]; status: boolean } {
  switch (c.kind) {
    case 'threshold':
    case 'increase':
      return { metrics: [c.metric], details: [], status: false };
    case 'status':
      return { metrics: [], details: [], status: true };
    case 'detail':
      return { metrics: [], details: [c.path.split('.')[0]!], status: false };
    case 'age':
      return { metrics: [c.path], details: [c.path.split('.')[0]!], status: false };
  }
}
