import {
  AlertSettings, applyResourcePatch, type AlertRule, type AlertRuleInput, type Notification, type Resource, type ResourcePatch,
} from '@pulse/protocol';
import { diffResource, type RegistryChange } from '../resources/registry.js';
import { builtinRules } from './defaults.js';
import { createAlertEngine, type AlertEngine, type AlertEvent, type AlertOverride } from './engine.js';

/*
 * A registry and a clock in miniature around the engine, for the engine's tests and bench/alerts:
 * changes are diffed exactly as the registry diffs them, and time only moves when told to.
 */

export function makeResource(id: string, type: Resource['type'], fields: Partial<Resource> = {}): Resource {
  return { id, type, name: id, source: 'test', status: 'online', metrics: {}, details: {}, identity: {}, tags: [], lastSeen: 0, ...fields };
}

export function makeRule(id: string, input: Partial<AlertRuleInput> & Pick<AlertRuleInput, 'condition'>): AlertRule {
  return {
    id, builtIn: false, createdAt: 0, updatedAt: 0, name: id, enabled: true, severity: 'warning', forS: 0, channels: [],
    renotifyS: 0, escalateAfterS: 0, escalateTo: [], ...input,
    target: { types: [], tags: [], resourceIds: [], ...input.target },
  };
}

export interface SimulationOptions {
  start: number;
  rules?: AlertRule[];
  /** the built-in rules too (default true) */
  builtins?: boolean;
  overrides?: AlertOverride[];
  settings?: Partial<AlertSettings>;
  resources?: Resource[];
}

export function createSimulation(options: SimulationOptions) {
  let now = options.start;
  const resources = new Map<string, Resource>();
  for (const r of options.resources ?? []) resources.set(r.id, r);
  const sim = {
    rules: [...(options.builtins === false ? [] : builtinRules()), ...(options.rules ?? [])],
    overrides: [...(options.overrides ?? [])],
    settings: AlertSettings.parse(options.settings ?? {}),
  };
  const events: AlertEvent[] = [];
  const engine: AlertEngine = createAlertEngine({
    now: () => now, rules: () => sim.rules, overrides: () => sim.overrides, settings: () => sim.settings, resources: (id) => resources.get(id),
  });
  const record = (list: AlertEvent[]) => {
    events.push(...list);
    return list;
  };

  /** The registry change these patches make (full resources for new ids), as the registry would announce it. */
  function changeOf(patches: Array<Partial<Resource> & { id: string }>, remove: string[] = []): RegistryChange {
    const change: RegistryChange = { diff: { upsert: [], remove: [] }, changed: [], samples: [] };
    for (const p of patches) {
      const prev = resources.get(p.id);
      const next = prev ? applyResourcePatch(prev, { ...p, lastSeen: now } as ResourcePatch)! : makeResource(p.id, p.type ?? 'host', { ...p, lastSeen: now });
      const diff = diffResource(prev, next);
      resources.set(p.id, next);
      if (!diff) continue;
      change.diff.upsert.push(diff);
      change.changed.push(next);
    }
    for (const id of remove) if (resources.delete(id)) change.diff.remove.push(id);
    return change;
  }

  return {
    sim,
    engine,
    events,
    resources,
    get now() {
      return now;
    },
    set now(t: number) {
      now = t;
    },
    changeOf,
    /** Applies patches as one registry change and evaluates it. */
    apply(patches: Array<Partial<Resource> & { id: string }>, remove: string[] = []): AlertEvent[] {
      return record(engine.evaluate(changeOf(patches, remove)));
    },
    tick: (): AlertEvent[] => record(engine.tick()),
    /** Moves the clock forward by `ms`, ticking every `stepMs` (the service ticks every few seconds). */
    advance(ms: number, stepMs = 10_000): AlertEvent[] {
      const end = now + ms;
      const got: AlertEvent[] = [];
      while (now < end) {
        now = Math.min(end, now + stepMs);
        got.push(...record(engine.tick()));
      }
      return got;
    },
    acknowledge: (id: string, by = 'ops'): AlertEvent[] => record(engine.acknowledge(id, by)),
    snooze: (id: string, until: number): AlertEvent[] => record(engine.snooze(id, until)),
    notifications: (list: AlertEvent[] = events): Notification[] =>
      list.flatMap((e) => (e.kind === 'notify' ? [e.notification] : [])),
    channelsOf: (list: AlertEvent[] = events) => list.flatMap((e) => (e.kind === 'notify' ? [e.channels] : [])),
  };
}
export type Simulation = ReturnType<typeof createSimulation>;
