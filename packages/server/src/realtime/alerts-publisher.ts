import type { Hub } from '@pulse/hub';
import type { Alert } from '@pulse/protocol';
import type { Logger } from 'pino';

/** Forwards alert changes to the hub's `alerts` channel: one `{ upsert }` per batch of changes. */
export function publishAlertChanges(alerts: { subscribe(listener: (changed: Alert[]) => void): () => void }, hub: Hub, logger: Logger): () => void {
  return alerts.subscribe((changed) => {
    if (changed.length === 0) return;
    hub.publish('alerts', { upsert: changed }).catch((err: unknown) => logger.warn({ err, channel: 'alerts' }, 'could not publish an alert change'));
  });
}
