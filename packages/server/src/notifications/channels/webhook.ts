import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { checkTemplate, compileTemplate, type TemplateMode, templateContext } from '../template.js';
import { httpUrl } from './config-fields.js';
import { callService } from './http.js';

const CONTENT_TYPE: Record<TemplateMode, string> = {
  json: 'application/json', form: 'application/x-www-form-urlencoded', text: 'text/plain; charset=utf-8',
};
/** Headers the channel sets itself; letting the config override them would break the signature or the framing. */
const RESERVED = new Set(['content-type', 'content-length', 'host', 'x-pulse-signature', 'x-pulse-delivery', 'transfer-encoding']);

const configSchema = z.object({
  url: httpUrl('webhook URL'),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(
    z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name is letters, digits and -').refine((h) => !RESERVED.has(h.toLowerCase()), 'Pulse sets this header itself'),
    z.string().max(4000).regex(/^[^\r\n]*$/, 'a header value is one line'),
  ).default({}),
  /** 'json' escapes holes for JSON strings, 'form' URL-encodes them, 'text' inserts them as they are */
  format: z.enum(['json', 'form', 'text']).default('json'),
  /** absent: the whole notification as JSON */
  bodyTemplate: z.string().max(20_000).optional(),
  /** signs the raw body: X-Pulse-Signature: sha256=<hex HMAC-SHA256> */
  secret: z.string().min(8, 'a signing secret has at least 8 characters').optional(),
}).superRefine((config, ctx) => {
  if (config.bodyTemplate === undefined) return;
  try {
    checkTemplate(config.bodyTemplate, config.format);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['bodyTemplate'], message: (err as Error).message });
  }
});

/**
 * A generic webhook: the body is the notification as JSON, or the configured template rendered with
 * it. X-Pulse-Delivery carries the notification id so a receiver can drop a repeat (a retry after a
 * lost answer); X-Pulse-Signature lets it check that Pulse sent the body.
 */
export const webhookChannel = defineChannel({
  type: 'webhook',
  secretKeys: ['secret', 'headers'],
  configSchema,
  async send(n, config, { signal }) {
    const body = config.bodyTemplate === undefined
      ? JSON.stringify({ version: 1, ...n })
      : compileTemplate(config.bodyTemplate, config.format).render(templateContext(n));
    const headers: Record<string, string> = { ...config.headers, 'content-type': CONTENT_TYPE[config.format], 'x-pulse-delivery': n.id };
    if (config.secret) headers['x-pulse-signature'] = `sha256=${createHmac('sha256', config.secret).update(body, 'utf8').digest('hex')}`;
    await callService('The webhook', config.url, { method: config.method, headers, body, signal });
  },
});
