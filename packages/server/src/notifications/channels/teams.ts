import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, headline, isoTime, suppressedLine, type Tone, toneOf } from '../message.js';
import { httpUrl } from './config-fields.js';
import { callService } from './http.js';

/** Adaptive Cards name colours, not hex values. */
const cardColour: Record<Tone, string> = { critical: 'attention', warning: 'warning', info: 'accent', resolved: 'good', test: 'accent' };

/**
 * Microsoft Teams through a Workflows webhook ("Send webhook alerts to a channel"): Microsoft retires
 * the Office 365 connectors and their MessageCard, and documents the Adaptive Card, sent as a message
 * with one `application/vnd.microsoft.card.adaptive` attachment. Version 1.4 renders in Teams today.
 */
export const teamsChannel = defineChannel({
  type: 'teams',
  secretKeys: ['url'],
  configSchema: z.object({ url: httpUrl('Workflows webhook URL') }),
  async send(n, config, { signal }) {
    const held = suppressedLine(n);
    const body: object[] = [
      { type: 'TextBlock', text: clip(headline(n), 300), size: 'Large', weight: 'Bolder', color: cardColour[toneOf(n)], wrap: true },
      { type: 'TextBlock', text: n.summary, wrap: true },
      { type: 'FactSet', facts: alertLines(n).slice(0, 30).map((l) => ({ title: l.resource, value: l.text })) },
      ...(held ? [{ type: 'TextBlock', text: held, wrap: true, isSubtle: true }] : []),
      { type: 'TextBlock', text: `${n.severity} · ${isoTime(n)}`, isSubtle: true, size: 'Small' },
    ];
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body,
      ...(n.url ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Pulse', url: n.url }] } : {}),
      msteams: { width: 'Full' },
    };
    await callService('Teams', config.url, {
      body: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] },
      signal,
    });
  },
});
