import type { Namespace } from '@pulse/hub';
import type { Alert, ApmAppView, MetricSample } from '@pulse/protocol';
import type { Registry } from '../resources/index.js';

const MIB = 1024 * 1024;

/**
 * The channels Pulse serves:
 * - `resources`: snapshot of every resource, then diffs; a reconnecting dashboard recovers the
 *   diffs it missed (up to 2 MiB of them) instead of refetching everything.
 * - `resource:<id>`: the latest sample, then one per collection. Latest-value (a slow viewer gets
 *   the newest sample, not a backlog) and presence, so the dashboard shows who is watching.
 * - `alerts`: snapshot `{ alerts }` of the active alerts, then `{ upsert: Alert[] }` on every change
 *   (resolved ones included, so a view drops them); only when alerts run.
 * - `app:<name>`: an instrumented app's `ApmAppView` for 1 h, then the new view after each shared APM
 *   tick in which the app changed (latest-value: a slow viewer skips to the newest); only with APM.
 * - `ext:<name>`: free channels for other programs (`hub:subscribe` / `hub:publish`).
 */
export function pulseNamespaces(registry: Registry, alerts?: { active(): Alert[] }, apm?: { view(app: string, period: '1h'): ApmAppView | undefined }): Namespace[] {
  return [
    ...(apm ? [{
      pattern: 'app:*', subscribeScope: 'monitoring:read' as const, latestValue: true, historySize: 10, historyTtlMs: 60_000,
      snapshot: (channel: string) => apm.view(channel.slice('app:'.length), '1h'),
    }] : []),
    ...(alerts ? [{
      // bounded like `resources`: the snapshot holds only the active alerts, so past 1 MiB of an alert
      // storm's upserts it is the cheaper way to catch up
      pattern: 'alerts', subscribeScope: 'monitoring:read' as const, historySize: 200, historyTtlMs: 5 * 60_000, historyMaxBytes: MIB,
      snapshot: () => ({ alerts: alerts.active() }),
    }] : []),
    {
      // Replaying more diff bytes than one snapshot weighs is never cheaper than sending the snapshot,
      // and a client that is told recovered: false takes the snapshot anyway. Without a byte bound, a
      // 6,400-resource Proxmox estate kept 15.7 MB of ~550 kB diffs here (~30 MB after 5 min).
      pattern: 'resources', subscribeScope: 'monitoring:read', historySize: 200, historyTtlMs: 5 * 60_000, historyMaxBytes: 2 * MIB,
      snapshot: () => ({ resources: registry.list() }),
    },
    {
      // Nothing kept: the snapshot is the newest sample, which is all a latest-value viewer that
      // reconnects wants (charts read the metric store). Every resource publishes here on every
      // collection, watched or not, and even one kept sample each was ~5 MB at 6,400 resources.
      pattern: 'resource:*', subscribeScope: 'monitoring:read', latestValue: true, presence: true, joinLeave: true,
      historySize: 0,
      snapshot: (channel) => {
        const resource = registry.get(channel.slice('resource:'.length));
        if (!resource) return undefined;
        const sample: MetricSample = { t: resource.lastSeen, metrics: resource.metrics };
        return sample;
      },
    },
    {
      // other programs publish what they like here: bound what each channel may hold in memory
      pattern: 'ext:*', subscribeScope: 'hub:subscribe', publishScope: 'hub:publish', presence: true, joinLeave: true,
      historySize: 100, historyTtlMs: 5 * 60_000, historyMaxBytes: MIB,
    },
  ];
}
