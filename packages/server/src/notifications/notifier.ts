import type { Notification } from '@pulse/protocol';
import type { SecretBox } from '../secrets/index.js';
import type { StateStore } from '../store/index.js';
import { createChannelService } from './channel-service.js';
import { type BackoffPolicy, createDelivery } from './delivery.js';
import { createOutbox } from './outbox.js';

export interface NotifierDeps {
  store: Pick<StateStore, 'notificationChannels' | 'notificationOutbox' | 'audit'>;
  box: SecretBox;
  now: () => number;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** a resource's tags for routing by tag: the registry's current view */
  resourceTags?: (resourceId: string) => readonly string[] | undefined;
  sendTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  pollMs?: number;
  /** jitter source; tests pin it */
  random?: () => number;
}

/**
 * Notifications put together: channels, outbox and delivery. The alert engine's only entry is
 * `enqueue`, which writes the outbox and returns; sending happens behind it.
 */
export function createNotifier(deps: NotifierDeps) {
  const channels = createChannelService({ store: deps.store, box: deps.box, now: deps.now, logger: deps.logger, resourceTags: deps.resourceTags, testTimeoutMs: deps.sendTimeoutMs });
  const outbox = createOutbox({ store: deps.store, now: deps.now });
  const delivery = createDelivery({
    outbox, channel: channels.target, now: deps.now, logger: deps.logger,
    ...(deps.sendTimeoutMs ? { sendTimeoutMs: deps.sendTimeoutMs } : {}), ...(deps.backoff ? { backoff: deps.backoff } : {}), ...(deps.pollMs ? { pollMs: deps.pollMs } : {}), ...(deps.random ? { random: deps.random } : {}),
  });

  return {
    channels,
    outbox,
    delivery,
    /** The alert engine's door: routes (the rule's channel ids, or 'default') and queues, without waiting for any send. */
    async enqueue(notification: Notification, explicit: readonly string[] | 'default' = 'default'): Promise<void> {
      const ids = await channels.route(notification, explicit);
      if (ids.length && (await outbox.enqueue(notification, ids))) delivery.wake();
    },
    /** GET /api/notifications */
    deliveries: outbox.list,
    /** POST /api/notifications/:id/retry */
    async retry(id: string) {
      const revived = await outbox.retry(id);
      delivery.wake();
      return revived;
    },
    start: () => delivery.start(),
    stop: () => delivery.stop(),
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
