import type { ResourcePatch } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { Registry } from './resources/index.js';
import type { StateStore } from './store/index.js';

/** A patch that carries new figures and nothing else (`lastSeen` moves with every observation). */
function onlyFigures(patch: ResourcePatch): boolean {
  for (const key in patch) if (key !== 'id' && key !== 'metrics' && key !== 'lastSeen') return false;
  return true;
}

/**
 * Writes the latest state of changed resources to the store on a slow timer, not on every
 * change: with a 2 s collection interval, per-change writes would be the SSD wear users of
 * other monitors complain about. A change of status, name, details, identity or tags is written
 * within `everyMs`; a resource whose figures alone changed waits `figuresEveryMs`. Figures change
 * on every poll, and the metric history already keeps them: rewriting every resource each minute
 * for them was 4,000 rows of JSON a minute for a 500-node Proxmox cluster (bench/proxmox). What a
 * restart shows before the sources answer is at worst that many minutes old, marked by its
 * `lastSeen`. Both are flushed on shutdown.
 */
export function persistResources(deps: { registry: Registry; store: StateStore; logger: Logger; now: () => number; everyMs: number; figuresEveryMs: number }) {
  const dirty = new Set<string>();
  const figuresDirty = new Set<string>();
  const removed = new Set<string>();
  let figuresSavedAt = deps.now();
  const unsubscribe = deps.registry.subscribe((change) => {
    for (const patch of change.diff.upsert) {
      removed.delete(patch.id);
      if (dirty.has(patch.id)) continue;
      if (onlyFigures(patch)) figuresDirty.add(patch.id);
      else {
        dirty.add(patch.id);
        figuresDirty.delete(patch.id);
      }
    }
    for (const id of change.diff.remove) {
      removed.add(id);
      dirty.delete(id);
      figuresDirty.delete(id);
    }
  });

  async function save(ids: Set<string>, gone: string[]): Promise<void> {
    const resources = [...ids].map((id) => deps.registry.get(id)).filter((r) => r !== undefined);
    try {
      await deps.store.resources.saveMany(resources, gone, deps.now());
    } catch (err) {
      deps.logger.error({ err, count: resources.length }, 'could not save resource state; will retry');
      for (const r of resources) dirty.add(r.id);
      for (const id of gone) removed.add(id);
    }
  }

  /** Writes the state changes, and the figures too when they are due or `all` is set. */
  async function flush(all = false): Promise<void> {
    const withFigures = all || deps.now() - figuresSavedAt >= deps.figuresEveryMs;
    if (withFigures) {
      figuresSavedAt = deps.now();
      for (const id of figuresDirty) dirty.add(id);
      figuresDirty.clear();
    }
    if (!dirty.size && !removed.size) return;
    const ids = new Set(dirty);
    const gone = [...removed];
    dirty.clear();
    removed.clear();
    await save(ids, gone);
  }

  const timer = setInterval(() => void flush(), deps.everyMs);
  timer.unref();
  return {
    flush,
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe();
      await flush(true);
    },
  };
}
