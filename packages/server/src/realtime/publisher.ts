import type { Hub } from '@pulse/hub';
import type { MetricSample } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { Registry } from '../resources/index.js';

/** Forwards registry changes to the hub: diffs on `resources`, samples on `resource:<id>`. */
export function publishRegistryChanges(registry: Registry, hub: Hub, logger: Logger): () => void {
  const onFailure = (channel: string) => (err: unknown) => logger.warn({ err, channel }, 'could not publish a registry change');
  return registry.subscribe((change) => {
    if (change.diff.upsert.length || change.diff.remove.length) hub.publish('resources', change.diff).catch(onFailure('resources'));
    for (const { id, t, metrics } of change.samples) {
      const sample: MetricSample = { t, metrics };
      const channel = `resource:${id}`;
      hub.publish(channel, sample).catch(onFailure(channel));
    }
  });
}
