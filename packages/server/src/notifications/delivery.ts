import type { ChannelType, Notification } from '@pulse/protocol';
import type { OutboxRow } from '../store/notification-outbox.js';
import { type Channel, DeliveryError, failureText } from './channel.js';
import { channelRegistry } from './channels/index.js';
import type { Outbox } from './outbox.js';

/** A stored channel with its secrets opened, as delivery needs it; `error` when they cannot be opened. */
export interface ChannelTarget {
  id: string;
  type: ChannelType;
  enabled: boolean;
  config: Record<string, unknown>;
  error?: string;
}

export interface BackoffPolicy {
  /** the first retry's delay; each further one doubles */
  baseMs: number;
  maxMs: number;
  /** after this many failed attempts the delivery is dead */
  maxAttempts: number;
  /** ± this fraction of random spread, so channels failing together do not retry in lockstep */
  jitter: number;
}

export interface DeliveryDeps {
  outbox: Outbox;
  channel: (id: string) => Promise<ChannelTarget | undefined>;
  registry?: Readonly<Record<ChannelType, Channel>>;
  now: () => number;
  random?: () => number;
  logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  sendTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** how often start() looks for due rows (retries, other servers' rows) */
  pollMs?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 8, jitter: 0.2 };
/** A Retry-After past this is not waited for in full: the row is retried then, and fails again if still limited. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;
/** How long a claim outlives the send timeout before another worker may assume the sender died. */
const LEASE_MARGIN_MS = 60_000;
const RETENTION_MS = 30 * 86_400_000;

export function backoffDelay(attempts: number, policy: BackoffPolicy, random: () => number): number {
  const plain = Math.min(policy.baseMs * 2 ** Math.max(0, attempts - 1), policy.maxMs);
  return Math.round(plain * (1 + policy.jitter * (2 * random() - 1)));
}

/**
 * Per-channel workers over the outbox. Each channel has its own slot: at most one send in flight per
 * channel, in queue order, and a pass never waits for any send, so a slow or failing channel delays
 * only itself. A send that outlives `sendTimeoutMs` is aborted and retried like any failure.
 */
export function createDelivery(deps: DeliveryDeps) {
  const { outbox, now, logger } = deps;
  const registry = deps.registry ?? channelRegistry;
  const random = deps.random ?? Math.random;
  const sendTimeoutMs = deps.sendTimeoutMs ?? 15_000;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...deps.backoff };
  const inFlight = new Map<string, Promise<void>>();
  let pass: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let prunedAt = 0;

  async function runPass(): Promise<void> {
    await outbox.requeueExpired();
    for (const row of await outbox.heads()) {
      if (inFlight.has(row.channel_id) || row.state !== 'queued' || row.next_attempt_at > now()) continue;
      if (!(await outbox.claim(row.id, now() + sendTimeoutMs + LEASE_MARGIN_MS))) continue;
      const job = deliver(row).catch((err: unknown) => logger.error({ err, delivery: row.id }, 'a delivery could not be recorded; its lease will run out and it is sent again'))
        .finally(() => {
          inFlight.delete(row.channel_id);
          wake();
        });
      inFlight.set(row.channel_id, job);
    }
  }

  /** One pass over the queue heads; a pass asked for while one runs runs once more after it. */
  function pump(): Promise<void> {
    if (pass) {
      again = true;
      return pass;
    }
    pass = (async () => {
      do {
        again = false;
        await runPass();
      } while (again);
    })().finally(() => {
      pass = undefined;
    });
    return pass;
  }

  function wake(): void {
    pump().catch((err: unknown) => logger.error({ err }, 'a delivery pass failed; the next one tries again'));
  }

  async function deliver(row: OutboxRow): Promise<void> {
    const attempts = row.attempts + 1;
    const target = await deps.channel(row.channel_id);
    // Nothing to retry against: dead at once, listed with the reason, retryable once the channel is fixed.
    const unusable = !target ? 'the channel was deleted' : !target.enabled ? 'the channel is disabled; enable it and retry' : target.error;
    if (unusable !== undefined || !target) {
      await outbox.dead(row.id, attempts, unusable ?? 'the channel was deleted');
      return;
    }
    const channel = registry[target.type];
    const notification = JSON.parse(row.payload) as Notification;
    try {
      await channel.send(notification, target.config, { signal: AbortSignal.timeout(sendTimeoutMs), now });
      await outbox.sent(row.id, attempts);
    } catch (err) {
      const error = failureText(err, channel.secretKeys.map((k) => target.config[k]));
      const failure = err instanceof DeliveryError ? err : undefined;
      const context = { channel: row.channel_id, type: target.type, notification: row.notification_id, attempts, error };
      if (failure?.permanent || attempts >= policy.maxAttempts) {
        logger.error(context, 'a notification could not be delivered and is dead; retry it from the dead letters');
        await outbox.dead(row.id, attempts, error);
        return;
      }
      const delay = failure?.retryAfterMs !== undefined ? Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS) : backoffDelay(attempts, policy, random);
      logger.warn({ ...context, retryInMs: delay }, 'a notification could not be delivered; it is retried');
      await outbox.retryAt(row.id, attempts, now() + delay, error);
    }
  }

  async function idle(): Promise<void> {
    while (pass || inFlight.size) await Promise.allSettled([pass, ...inFlight.values()]);
  }

  return {
    pump,
    /** Starts a pass now without waiting for it: after an enqueue. */
    wake,
    /** Resolves once no pass runs and no send is in flight: for tests and shutdown. */
    idle,
    /** Queues again what was being sent when the process stopped, then passes every `pollMs`. */
    async start(): Promise<void> {
      const recovered = await outbox.recover();
      if (recovered) logger.warn({ recovered }, 'notifications that were being sent at the last stop are queued again');
      timer = setInterval(() => {
        wake();
        if (now() - prunedAt > 3_600_000) {
          prunedAt = now();
          outbox.prune(RETENTION_MS).catch((err: unknown) => logger.error({ err }, 'could not drop old deliveries'));
        }
      }, deps.pollMs ?? 1000);
      timer.unref();
      wake();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await idle();
    },
  };
}
export type DeliveryRunner = ReturnType<typeof createDelivery>;
