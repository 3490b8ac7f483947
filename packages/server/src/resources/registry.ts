import type { MetricSample, Resource, ResourceDiff, ResourcePatch } from '@pulse/protocol';
import type { ObservedResource, Observation } from './observation.js';

export interface RegistryChange {
  diff: ResourceDiff;
  /** Full current state of each resource in `diff.upsert`. */
  changed: Resource[];
  /** One sample per observed resource: its metrics at the observation time. */
  samples: Array<{ id: string } & MetricSample>;
}

export type RegistryListener = (change: RegistryChange) => void;

const SCALAR_FIELDS = ['type', 'name', 'parentId', 'source', 'status'] as const;
const JSON_FIELDS = ['identity', 'tags'] as const;

/** Only the fields of `next` that differ from `prev`; `metrics`/`details` only by changed key. */
export function diffResource(prev: Resource | undefined, next: Resource): ResourcePatch | undefined {
  if (!prev) return next;
  const patch: ResourcePatch = { id: next.id };
  let changed = false;
  for (const f of SCALAR_FIELDS) {
    if (prev[f] !== next[f]) {
      (patch as Record<string, unknown>)[f] = next[f];
      changed = true;
    }
  }
  for (const f of JSON_FIELDS) {
    if (JSON.stringify(prev[f]) !== JSON.stringify(next[f])) {
      (patch as Record<string, unknown>)[f] = next[f];
      changed = true;
    }
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(next.metrics)) if (prev.metrics[k] !== v) metrics[k] = v;
  if (Object.keys(metrics).length) {
    patch.metrics = metrics;
    changed = true;
  }
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next.details)) {
    if (JSON.stringify(prev.details[k]) !== JSON.stringify(v)) details[k] = v;
  }
  if (Object.keys(details).length) {
    patch.details = details;
    changed = true;
  }
  if (!changed) return undefined;
  patch.lastSeen = next.lastSeen;
  return patch;
}

/**
 * The live state of everything Pulse watches. Sources hand it observations; it keeps the current
 * resources and tells its listeners what changed, as diffs.
 */
export function createRegistry(options: { initial?: Resource[] } = {}) {
  const resources = new Map<string, Resource>((options.initial ?? []).map((r) => [r.id, r]));
  const listeners = new Set<RegistryListener>();

  function upsert(observed: ObservedResource, at: number, change: RegistryChange): void {
    const prev = resources.get(observed.id);
    // A metric key a source stopped reporting disappears; a key it still reports keeps its value.
    const next: Resource = { ...observed, lastSeen: at };
    resources.set(next.id, next);
    const patch = diffResource(prev, next);
    if (patch) {
      change.diff.upsert.push(patch);
      change.changed.push(next);
    }
    change.samples.push({ id: next.id, t: at, metrics: next.metrics });
  }

  return {
    apply(observation: Observation): RegistryChange {
      const change: RegistryChange = { diff: { upsert: [], remove: [] }, changed: [], samples: [] };
      const seen = new Set<string>();
      for (const observed of observation.resources) {
        seen.add(observed.id);
        upsert(observed, observation.at, change);
      }
      if (observation.complete) {
        for (const [id, r] of resources) {
          if (r.source === observation.source && !seen.has(id)) {
            resources.delete(id);
            change.diff.remove.push(id);
          }
        }
      }
      if (change.diff.upsert.length || change.diff.remove.length || change.samples.length) {
        for (const listener of listeners) listener(change);
      }
      return change;
    },
    get: (id: string): Resource | undefined => resources.get(id),
    list: (): Resource[] => [...resources.values()],
    get size() {
      return resources.size;
    },
    subscribe(listener: RegistryListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type Registry = ReturnType<typeof createRegistry>;
