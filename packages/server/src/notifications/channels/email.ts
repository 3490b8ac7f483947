import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineChannel, DeliveryError } from '../channel.js';
import { headline, plainText, simpleHtml } from '../message.js';

const DEFAULT_PORT = { tls: 465, starttls: 587, none: 25 } as const;
const TIMEOUT_MS = 30_000;

const configSchema = z.object({
  host: z.string({ error: 'the SMTP host is required' }).trim().min(1, 'the SMTP host is required').max(253),
  port: z.number().int().min(1).max(65535).optional(),
  /** 'tls': TLS from the first byte (465); 'starttls': upgrade required (587); 'none': plain (a local relay) */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  user: z.string().trim().min(1).optional(),
  password: z.string().min(1).optional(),
  from: z.email('the sender is an email address'),
  to: z.array(z.email('each recipient is an email address')).min(1, 'at least one recipient').max(50),
}).refine((c) => (c.user === undefined) === (c.password === undefined), { path: ['password'], message: 'give both user and password, or neither' });

/** SMTP reply codes 5xx are final (bad address, failed auth); 4xx and connection trouble may pass. */
function smtpError(err: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) return new DeliveryError('delivery.timeout', 'the SMTP server did not answer in time');
  const { responseCode, code, response, message } = err as { responseCode?: number; code?: string; response?: string; message?: string };
  if (responseCode) {
    return new DeliveryError('delivery.smtp', `the SMTP server answered ${responseCode}: ${(response ?? message ?? '').slice(0, 200)}`, { permanent: responseCode >= 500 });
  }
  return new DeliveryError('delivery.network', `the SMTP server cannot be reached: ${code ?? message ?? 'unknown error'}`);
}

/**
 * Email over SMTP (nodemailer): a text and a simple HTML part. The Message-ID derives from the
 * notification id, so a mail sent twice (a retry after a lost answer) is recognisable as one.
 */
export const emailChannel = defineChannel({
  type: 'email',
  secretKeys: ['password'],
  configSchema,
  async send(n, config, { signal }) {
    // nodemailer (~40 modules) is imported on the first mail, not into every server.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port ?? DEFAULT_PORT[config.security],
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      ...(config.user ? { auth: { user: config.user, pass: config.password! } } : {}),
      connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS,
    });
    // nodemailer takes no AbortSignal: closing the transport ends the connection, and the send rejects.
    const abort = () => transport.close();
    signal.addEventListener('abort', abort, { once: true });
    try {
      signal.throwIfAborted();
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: headline(n),
        text: plainText(n),
        html: `<!doctype html><html><body>${simpleHtml(n)}</body></html>`,
        messageId: `<${createHash('sha256').update(n.id).digest('hex').slice(0, 32)}@pulse>`,
        headers: { 'X-Pulse-Delivery': n.id },
      });
    } catch (err) {
      throw smtpError(err, signal);
    } finally {
      signal.removeEventListener('abort', abort);
      transport.close();
    }
  },
});
