import { randomBytes } from 'node:crypto';
import type { Notification } from '@pulse/protocol';
import type { StateStore } from '../store/index.js';
import type { OutboxRow, OutboxState } from '../store/notification-outbox.js';
import { NotificationError } from './errors.js';

export interface OutboxDeps {
  store: Pick<StateStore, 'notificationOutbox'>;
  now: () => number;
  newId?: (at: number) => string;
}

/** One notification's delivery to one channel, as the API lists it. */
export interface Delivery {
  id: string;
  notificationId: string;
  channelId: string;
  state: OutboxState;
  attempts: number;
  /** queued: the next try; sending: until when the sender holds it */
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
  sentAt?: number;
  kind: Notification['kind'];
  severity: Notification['severity'];
  title: string;
}

/** How far the head of each channel's queue is looked for; far more than a homelab ever queues. */
const PENDING_WINDOW = 5000;

/**
 * Row ids sort by creation: milliseconds, then a per-process sequence, then randomness. Rows of one
 * millisecond (a trigger and its resolve in one pass) keep the order they were queued in.
 */
function orderedIds(): (at: number) => string {
  let seq = 0;
  return (at) => `${at.toString(16).padStart(12, '0')}${(seq++ % 0x1000000).toString(16).padStart(6, '0')}${randomBytes(7).toString('hex')}`;
}

function toDelivery(row: OutboxRow): Delivery {
  const n = JSON.parse(row.payload) as Notification;
  return {
    id: row.id, notificationId: row.notification_id, channelId: row.channel_id, state: row.state, attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at, ...(row.last_error ? { lastError: row.last_error } : {}), createdAt: row.created_at,
    ...(row.sent_at !== null ? { sentAt: row.sent_at } : {}), kind: n.kind, severity: n.severity, title: n.title,
  };
}

/**
 * The persistent queue between the alert engine and the channels (table notification_outbox). The
 * engine's side is `enqueue`; delivery's side is `heads` / `claim` / `finish`. Rows survive a
 * restart; a delivery's lifecycle is queued -> sending -> sent, or back to queued for a retry, or dead.
 */
export function createOutbox(deps: OutboxDeps) {
  const { store, now } = deps;
  const repo = store.notificationOutbox;
  const newId = deps.newId ?? orderedIds();

  return {
    /** One row per channel; returns how many were new (a notification already queued for a channel is a no-op). */
    async enqueue(notification: Notification, channelIds: readonly string[]): Promise<number> {
      const at = now();
      const payload = JSON.stringify(notification);
      return repo.insertMany([...new Set(channelIds)].map((channelId) => ({
        id: newId(at), notification_id: notification.id, channel_id: channelId, payload, state: 'queued' as const, attempts: 0,
        next_attempt_at: at, last_error: null, created_at: at, sent_at: null,
      })));
    },

    /** The oldest unfinished row of each channel: delivery keeps each channel's order (a trigger before its resolve). */
    async heads(): Promise<OutboxRow[]> {
      const seen = new Set<string>();
      return (await repo.pending(PENDING_WINDOW)).filter((row) => !seen.has(row.channel_id) && seen.add(row.channel_id));
    },
    claim: (id: string, leaseUntil: number) => repo.claim(id, leaseUntil),
    sent: (id: string, attempts: number) => {
      const at = now();
      return repo.finish(id, { state: 'sent', attempts, next_attempt_at: at, last_error: null, sent_at: at });
    },
    retryAt: (id: string, attempts: number, at: number, error: string) => repo.finish(id, { state: 'queued', attempts, next_attempt_at: at, last_error: error, sent_at: null }),
    dead: (id: string, attempts: number, error: string) => repo.finish(id, { state: 'dead', attempts, next_attempt_at: now(), last_error: error, sent_at: null }),
    /** After a restart: whatever this process was sending when it stopped is queued again. */
    recover: () => repo.requeueSending(now(), false),
    /** Rows whose sender's lease ran out (it crashed, or another server did) are queued again. */
    requeueExpired: () => repo.requeueSending(now(), true),

    list: async (options: { state?: OutboxState | undefined; channelId?: string | undefined; limit?: number } = {}): Promise<Delivery[]> =>
      (await repo.list({ state: options.state, channelId: options.channelId, limit: options.limit ?? 200 })).map(toDelivery),
    /** A dead delivery goes back to the queue with its attempts reset. */
    async retry(id: string): Promise<Delivery> {
      const row = await repo.byId(id);
      if (!row) throw new NotificationError('delivery.not_found', 'No delivery with that id.');
      if (!(await repo.revive(id, now()))) throw new NotificationError('delivery.not_dead', `This delivery is ${row.state}; only dead ones can be retried.`);
      return toDelivery((await repo.byId(id))!);
    },
    /** Retention: sent and dead rows older than `ageMs` go. */
    prune: (ageMs: number) => repo.removeFinishedBefore(now() - ageMs),
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
