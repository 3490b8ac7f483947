import { ChannelInput, ChannelType, Severity } from '@pulse/protocol';
import { z } from 'zod';
import { NotificationError, type NotificationErrorCode, type Notifier } from '../../notifications/index.js';
import { principalOf } from '../access.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

export type NotificationsApi = Pick<Notifier, 'channels' | 'deliveries' | 'retry'>;

const STATUS: Record<NotificationErrorCode, number> = { 'validation.failed': 400, 'channel.not_found': 404, 'delivery.not_found': 404, 'delivery.not_dead': 409 };
const mapped = <T>(work: () => Promise<T>): Promise<T> =>
  work().catch((err: unknown) => Promise.reject(err instanceof NotificationError ? new AppError(STATUS[err.code], err.code, err.message) : err));

const params = z.object({ id: z.string().min(1).max(100) });
const Channel = ChannelInput.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() });
const one = z.object({ channel: Channel });
const TestResult = z.object({ ok: z.boolean(), error: z.string().optional() });
const DeliveryState = z.enum(['queued', 'sending', 'sent', 'dead']);
const Delivery = z.object({
  id: z.string(), notificationId: z.string(), channelId: z.string(), channelName: z.string().optional(), channelType: ChannelType.optional(),
  state: DeliveryState, attempts: z.number(), nextAttemptAt: z.number(), lastError: z.string().optional(), createdAt: z.number(), sentAt: z.number().optional(),
  kind: z.string(), severity: Severity, title: z.string(),
});

/** Notification channels and the deliveries to them (alerts/CONTRACT.md, "API"); secrets are masked as "********". */
export function registerChannelRoutes(app: ZodApp, deps: { notifications: NotificationsApi }): void {
  const { channels } = deps.notifications;

  app.get('/api/channels', {
    config: { access: 'settings:read' },
    schema: { summary: 'Notification channels (secrets masked)', tags: ['notifications'], response: { 200: z.object({ channels: z.array(Channel) }) } },
  }, async () => ({ channels: await channels.list() }));

  app.post('/api/channels', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add a channel: email, webhook, Slack, Discord, Teams, Telegram, ntfy, Gotify, Pushover, Matrix, PagerDuty or Opsgenie', tags: ['notifications'], body: ChannelInput, response: { 201: one } },
  }, async (request, reply) => {
    const channel = await mapped(() => channels.create(request.body, principalOf(request).id));
    reply.code(201);
    return { channel };
  });

  app.post('/api/channels/test', {
    config: { access: 'settings:write' },
    schema: {
      summary: 'Send a test notification with unsaved settings (with the id of a stored channel, masked secrets are taken from it)', tags: ['notifications'],
      body: ChannelInput.extend({ id: z.string().optional() }), response: { 200: TestResult },
    },
  }, async (request) => mapped(() => channels.test(request.body, principalOf(request).id)));

  app.get('/api/channels/:id', {
    config: { access: 'settings:read' },
    schema: { summary: 'One channel (secrets masked)', tags: ['notifications'], params, response: { 200: one } },
  }, async (request) => ({ channel: await mapped(() => channels.get(request.params.id)) }));

  app.put('/api/channels/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace a channel; a masked secret ("********") keeps the stored one (for the same type and hosts)', tags: ['notifications'], params, body: ChannelInput, response: { 200: one } },
  }, async (request) => ({ channel: await mapped(() => channels.update(request.params.id, request.body, principalOf(request).id)) }));

  app.delete('/api/channels/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove a channel; what is still queued for it goes to the dead letters', tags: ['notifications'], params },
  }, async (request, reply) => {
    await mapped(() => channels.remove(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });

  app.post('/api/channels/:id/test', {
    config: { access: 'settings:write' },
    schema: { summary: 'Send a test notification to a stored channel now (not through the queue)', tags: ['notifications'], params, response: { 200: TestResult } },
  }, async (request) => mapped(() => channels.test(request.params.id, principalOf(request).id)));

  app.get('/api/notifications', {
    config: { access: 'settings:read' },
    schema: {
      summary: 'Deliveries of notifications to channels, newest first: queued, sent, or dead (failed for good, retryable)', tags: ['notifications'],
      querystring: z.object({ state: DeliveryState.optional(), channelId: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      response: { 200: z.object({ deliveries: z.array(Delivery) }) },
    },
  }, async (request) => {
    const [deliveries, list] = await Promise.all([deps.notifications.deliveries(request.query), channels.list()]);
    const byId = new Map(list.map((c) => [c.id, c]));
    return {
      deliveries: deliveries.map((d) => {
        const channel = byId.get(d.channelId);
        return channel ? { ...d, channelName: channel.name, channelType: channel.type } : d;
      }),
    };
  });

  app.post('/api/notifications/:id/retry', {
    config: { access: 'settings:write' },
    schema: { summary: 'Queue a dead delivery again (attempts start over)', tags: ['notifications'], params, response: { 200: z.object({ delivery: Delivery }) } },
  }, async (request) => ({ delivery: await mapped(() => deps.notifications.retry(request.params.id)) }));
}
