export { createNotifier, type Notifier, type NotifierDeps } from './notifier.js';
export { createChannelService, MASK, type ChannelService, type ChannelServiceDeps, type NotificationChannel } from './channel-service.js';
export { createOutbox, type Delivery, type Outbox, type OutboxDeps } from './outbox.js';
export { backoffDelay, createDelivery, DEFAULT_BACKOFF, type BackoffPolicy, type ChannelTarget, type DeliveryDeps, type DeliveryRunner } from './delivery.js';
export { DeliveryError, failureText, type Channel, type SendOptions } from './channel.js';
export { channelRegistry } from './channels/index.js';
export { NotificationError, type NotificationErrorCode } from './errors.js';
export { checkTemplate, compileTemplate, TemplateError } from './template.js';
