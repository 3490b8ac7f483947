import type { Logger } from 'pino';
import type { Registry } from './resources/index.js';
import type { StateStore } from './store/index.js';

/**
 * Writes the latest state of changed resources to the store on a slow timer, not on every
 * change: with a 2 s collection interval, per-change writes would be the SSD wear users of
 * other monitors complain about. Flushed once more on shutdown.
 */
export function persistResources(deps: { registry: Registry; store: StateStore; logger: Logger; now: () => number; everyMs: number }) {
  const dirty = new Set<string>();
  const removed = new Set<string>();
  const unsubscribe = deps.registry.subscribe((change) => {
    for (const r of change.changed) {
      dirty.add(r.id);
      removed.delete(r.id);
    }
    for (const id of change.diff.remove) {
      removed.add(id);
      dirty.delete(id);
    }
  });

  async function flush(): Promise<void> {
    if (!dirty.size && !removed.size) return;
    const resources = [...dirty].map((id) => deps.registry.get(id)).filter((r) => r !== undefined);
    const gone = [...removed];
    dirty.clear();
    removed.clear();
    try {
      await deps.store.resources.saveMany(resources, gone, deps.now());
    } catch (err) {
      deps.logger.error({ err, count: resources.length }, 'could not save resource state; will retry');
      for (const r of resources) dirty.add(r.id);
      for (const id of gone) removed.add(id);
    }
  }

  const timer = setInterval(() => void flush(), deps.everyMs);
  timer.unref();
  return {
    flush,
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe();
      await flush();
    },
  };
}
