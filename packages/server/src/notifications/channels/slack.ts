import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, headline, isoTime, suppressedLine, toneColour, toneOf } from '../message.js';
import { httpUrl } from './config-fields.js';
import { callService } from './http.js';

/** Slack's mrkdwn treats only these three as markup: https://api.slack.com/reference/surfaces/formatting#escaping */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): Block Kit blocks inside one
 * attachment, because only an attachment carries the colour bar; `text` is the notification fallback.
 */
export const slackChannel = defineChannel({
  type: 'slack',
  secretKeys: ['url'],
  configSchema: z.object({ url: httpUrl('incoming webhook URL') }),
  async send(n, config, { signal }) {
    const lines = alertLines(n).map((l) => `• *${escape(l.resource)}*: ${escape(l.text)}`);
    const held = suppressedLine(n);
    const body = [escape(n.summary), ...lines, ...(held ? [`_${escape(held)}_`] : [])].join('\n');
    const blocks: object[] = [
      { type: 'header', text: { type: 'plain_text', text: clip(headline(n), 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(body, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${n.severity} · ${isoTime(n)}` }] },
    ];
    if (n.url) {
      blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Pulse' }, url: n.url }] });
    }
    await callService('Slack', config.url, {
      body: { text: headline(n), attachments: [{ color: toneColour[toneOf(n)], fallback: headline(n), blocks }] },
      signal,
    });
  },
});
