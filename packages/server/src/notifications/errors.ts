export type NotificationErrorCode = 'validation.failed' | 'channel.not_found' | 'delivery.not_found' | 'delivery.not_dead';

/** An error for the API to translate (400 validation.failed, 404 channel.not_found / delivery.not_found, 409 delivery.not_dead). */
export class NotificationError extends Error {
  constructor(readonly code: NotificationErrorCode, message: string) {
    super(message);
    this.name = 'NotificationError';
  }
}
