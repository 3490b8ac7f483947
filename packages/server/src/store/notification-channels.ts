import type { Kysely } from 'kysely';
import type { Database, NotificationChannelsTable } from './schema.js';

export type NotificationChannelRow = NotificationChannelsTable;
export type NotificationChannelChange = Partial<Omit<NotificationChannelRow, 'id' | 'created_at'>> & Pick<NotificationChannelRow, 'updated_at'>;

export function createNotificationChannelRepo(db: Kysely<Database>) {
  return {
    insert: async (row: NotificationChannelRow): Promise<void> => {
      await db.insertInto('notification_channels').values(row).execute();
    },
    list: (): Promise<NotificationChannelRow[]> => db.selectFrom('notification_channels').selectAll().orderBy('name').orderBy('id').execute(),
    byId: (id: string): Promise<NotificationChannelRow | undefined> =>
      db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst(),
    update: async (id: string, change: NotificationChannelChange): Promise<boolean> => {
      const result = await db.updateTable('notification_channels').set(change).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    remove: async (id: string): Promise<boolean> => {
      const result = await db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
export type NotificationChannelRepo = ReturnType<typeof createNotificationChannelRepo>;
