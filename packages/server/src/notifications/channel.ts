import type { ChannelType, Notification } from '@pulse/protocol';
import type { z } from 'zod';

export interface SendOptions {
  /** aborts the send: the delivery's timeout, or shutdown */
  signal: AbortSignal;
  now: () => number;
}

/** One kind of channel as written in channels/<type>.ts: its config and how it sends. */
export interface ChannelDefinition<C> {
  type: ChannelType;
  /** config fields encrypted at rest and masked in answers */
  secretKeys: readonly string[];
  configSchema: z.ZodType<C, unknown>;
  send(notification: Notification, config: C, options: SendOptions): Promise<void>;
}

/** A channel with its config type erased: the registry hands these out, and `send` checks the config itself. */
export interface Channel {
  type: ChannelType;
  secretKeys: readonly string[];
  configSchema: z.ZodType;
  send(notification: Notification, config: unknown, options: SendOptions): Promise<void>;
}

/** The config comes back from the database (a trust boundary: it may predate a schema change), so it is parsed on every send. */
export function defineChannel<C>(definition: ChannelDefinition<C>): Channel {
  return {
    type: definition.type,
    secretKeys: definition.secretKeys,
    configSchema: definition.configSchema,
    send: (notification, config, options) => definition.send(notification, definition.configSchema.parse(config), options),
  };
}

export type DeliveryErrorCode = 'delivery.http' | 'delivery.timeout' | 'delivery.network' | 'delivery.rejected' | 'delivery.smtp';

/**
 * Why one send failed, in words safe to store and show: the service's status and short reason, never
 * a secret or a URL (webhook URLs and Telegram's carry their token). `permanent` failures (a 4xx
 * other than 408/425/429: bad token, removed webhook, invalid payload) are not retried.
 */
export class DeliveryError extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;

  constructor(readonly code: DeliveryErrorCode, message: string, options: { status?: number; retryAfterMs?: number; permanent?: boolean } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/** A failure as stored in the outbox and answered by `test`: any error, with every secret value blanked. */
export function failureText(err: unknown, secrets: readonly unknown[]): string {
  let text = err instanceof DeliveryError ? err.message : `${err instanceof Error ? err.message : String(err)}`;
  for (const secret of secrets.flatMap(secretStrings)) {
    if (secret.length >= 4) text = text.split(secret).join('********');
  }
  return text.slice(0, 500);
}

function secretStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value, encodeURIComponent(value)];
  if (value && typeof value === 'object') return Object.values(value).flatMap(secretStrings);
  return [];
}
