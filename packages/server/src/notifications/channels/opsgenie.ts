import { createHash } from 'node:crypto';
import type { Notification } from '@pulse/protocol';
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, groupKeyOf, headline, plainText, type Tone, toneOf } from '../message.js';
import { httpUrl, secret } from './config-fields.js';
import { callService } from './http.js';

const REGION_URL = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;
const priority: Record<Tone, string> = { critical: 'P1', warning: 'P3', info: 'P5', resolved: 'P5', test: 'P5' };

/** Opsgenie caps an alias at 512 characters; a longer group key is hashed so create and close still agree. */
const aliasOf = (key: string) => key.length <= 512 ? key : `pulse:${createHash('sha256').update(key).digest('hex')}`;

/**
 * Opsgenie Alert API (https://docs.opsgenie.com/docs/alert-api): create with `alias` = the alert
 * group's key, so Opsgenie folds repeats into one open alert, and close by that alias on resolve.
 * A test creates and closes at once.
 */
export const opsgenieChannel = defineChannel({
  type: 'opsgenie',
  secretKeys: ['apiKey'],
  configSchema: z.object({
    apiKey: secret('API key'),
    region: z.enum(['us', 'eu'], { error: 'the region is "us" or "eu"' }).default('us'),
    /** overrides the region's URL (tests, proxies) */
    apiUrl: httpUrl('base URL').transform((u) => u.replace(/\/+$/, '')).optional(),
    responders: z.array(z.object({ type: z.enum(['team', 'user', 'escalation', 'schedule']), name: z.string().min(1) })).max(50).default([]),
  }),
  async send(n, config, { signal }) {
    const base = config.apiUrl ?? REGION_URL[config.region];
    const headers = { authorization: `GenieKey ${config.apiKey}` };
    const alias = aliasOf(n.kind === 'test' ? `pulse-test:${n.id}` : `pulse:${groupKeyOf(n)}`);
    const close = () => callService('Opsgenie', `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`, {
      headers, body: { source: 'Pulse', user: 'Pulse', note: clip(n.summary, 25_000) }, signal,
    });
    if (n.kind === 'resolved') {
      await close();
      return;
    }
    await callService('Opsgenie', `${base}/v2/alerts`, { headers, body: createBody(n, alias, config.responders), signal });
    if (n.kind === 'test') await close();
  },
});

function createBody(n: Notification, alias: string, responders: { type: string; name: string }[]): object {
  const first = n.alerts[0]!;
  return {
    message: clip(headline(n), 130),
    alias,
    description: clip(plainText(n), 15_000),
    priority: priority[toneOf(n)],
    source: 'Pulse',
    entity: clip(first.resourceName, 512),
    tags: ['pulse', n.severity],
    details: Object.fromEntries(alertLines(n).slice(0, 20).map((l, i) => [`alert${i + 1}`, `${l.resource}: ${l.text}`])),
    ...(responders.length ? { responders } : {}),
  };
}
