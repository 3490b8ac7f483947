import type { Hub } from '@pulse/hub';
import type { MetricSample } from '@pulse/protocol';
import type { Registry } from '../resources/index.js';

/** Forwards registry changes to the hub: diffs on `resources`, samples on `resource:<id>`. */
export function publishRegistryChanges(registry: Registry, hub: Hub): () => void {
  return registry.subscribe((change) => {
    if (change.diff.upsert.length || change.diff.remove.length) hub.publish('resources', change.diff);
    for (const { id, t, metrics } of change.samples) {
      const sample: MetricSample = { t, metrics };
      hub.publish(`resource:${id}`, sample);
    }
  });
}
