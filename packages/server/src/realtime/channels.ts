import type { ChannelRule } from '@pulse/hub';
import type { MetricSample } from '@pulse/protocol';
import type { Registry } from '../resources/index.js';

/**
 * The channels Pulse publishes: `resources` (snapshot of every resource, then diffs) and
 * `resource:<id>` (the latest sample, then one per collection).
 */
export function pulseChannelRules(registry: Registry): ChannelRule[] {
  return [
    { pattern: 'resources', scope: 'monitoring:read', snapshot: () => ({ resources: registry.list() }) },
    {
      pattern: 'resource:*',
      scope: 'monitoring:read',
      snapshot: (channel) => {
        const resource = registry.get(channel.slice('resource:'.length));
        if (!resource) return undefined;
        const sample: MetricSample = { t: resource.lastSeen, metrics: resource.metrics };
        return sample;
      },
    },
  ];
}
