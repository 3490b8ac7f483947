import type { Kysely } from 'kysely';
import type { Database, NotificationOutboxTable } from './schema.js';

export type OutboxRow = NotificationOutboxTable;
export type OutboxState = OutboxRow['state'];
/** What a finished attempt writes: sent, queued again for later, or dead. */
export type OutboxOutcome = Pick<OutboxRow, 'state' | 'attempts' | 'next_attempt_at' | 'last_error' | 'sent_at'>;

/**
 * The delivery outbox. Every state change is a guarded UPDATE (`where state = ...`), so two servers
 * sharing the database never both claim a row, and a late answer cannot overwrite a retry another
 * worker took over.
 */
export function createNotificationOutboxRepo(db: Kysely<Database>) {
  return {
    /** Returns how many rows were new; a (notification_id, channel_id) already present is left alone. */
    insertMany: async (rows: OutboxRow[]): Promise<number> => {
      if (!rows.length) return 0;
      const result = await db.insertInto('notification_outbox').values(rows)
        .onConflict((oc) => oc.columns(['notification_id', 'channel_id']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },
    /** Unfinished rows (queued or sending), oldest first: the head of each channel's queue comes first. */
    pending: (limit: number): Promise<OutboxRow[]> => db.selectFrom('notification_outbox').selectAll()
      .where('state', 'in', ['queued', 'sending']).orderBy('created_at').orderBy('id').limit(limit).execute(),
    /** queued -> sending until `leaseUntil`; false when another worker took it first. */
    claim: async (id: string, leaseUntil: number): Promise<boolean> => {
      const result = await db.updateTable('notification_outbox').set({ state: 'sending', next_attempt_at: leaseUntil })
        .where('id', '=', id).where('state', '=', 'queued').executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    finish: async (id: string, outcome: OutboxOutcome): Promise<boolean> => {
      const result = await db.updateTable('notification_outbox').set(outcome)
        .where('id', '=', id).where('state', '=', 'sending').executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /**
     * sending -> queued, due at `at`: every such row (`onlyExpired` false: at a restart, what this
     * process was sending), or only those whose lease ended before `at` (their worker is gone).
     */
    requeueSending: async (at: number, onlyExpired: boolean): Promise<number> => {
      let query = db.updateTable('notification_outbox').set({ state: 'queued', next_attempt_at: at }).where('state', '=', 'sending');
      if (onlyExpired) query = query.where('next_attempt_at', '<', at);
      return Number((await query.executeTakeFirst()).numUpdatedRows);
    },
    /** dead -> queued with a fresh attempt count. */
    revive: async (id: string, at: number): Promise<boolean> => {
      const result = await db.updateTable('notification_outbox').set({ state: 'queued', attempts: 0, next_attempt_at: at })
        .where('id', '=', id).where('state', '=', 'dead').executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    byId: (id: string): Promise<OutboxRow | undefined> => db.selectFrom('notification_outbox').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Newest first. */
    list: (options: { state?: OutboxState | undefined; channelId?: string | undefined; limit: number }): Promise<OutboxRow[]> => {
      let query = db.selectFrom('notification_outbox').selectAll();
      if (options.state) query = query.where('state', '=', options.state);
      if (options.channelId) query = query.where('channel_id', '=', options.channelId);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    },
    /** Retention: drops sent and dead rows created before `at`. */
    removeFinishedBefore: async (at: number): Promise<number> => {
      const result = await db.deleteFrom('notification_outbox').where('state', 'in', ['sent', 'dead']).where('created_at', '<', at).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type NotificationOutboxRepo = ReturnType<typeof createNotificationOutboxRepo>;
