import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, colourNumber, headline, isoTime, suppressedLine, toneOf } from '../message.js';
import { httpUrl } from './config-fields.js';
import { callService } from './http.js';

/** Discord renders markdown (and [masked](links)) in embeds; a resource named `*prod*` should not turn bold. */
const escape = (text: string) => text.replace(/([\\*_~`|>[\]])/g, '\\$1');

/**
 * Discord webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook): one embed
 * with the colour as an integer, a field per alert (at most 25), no pings (`allowed_mentions`).
 */
export const discordChannel = defineChannel({
  type: 'discord',
  secretKeys: ['url'],
  configSchema: z.object({ url: httpUrl('webhook URL'), username: z.string().trim().min(1).max(80).optional() }),
  async send(n, config, { signal }) {
    const lines = alertLines(n);
    const held = suppressedLine(n);
    const embed = {
      title: clip(headline(n), 256),
      description: clip([escape(n.summary), ...(held ? [`*${escape(held)}*`] : [])].join('\n\n'), 4096),
      color: colourNumber(toneOf(n)),
      timestamp: isoTime(n),
      ...(n.url ? { url: n.url } : {}),
      fields: lines.slice(0, 25).map((l) => ({ name: clip(l.resource, 256), value: clip(escape(l.text), 1024), inline: false })),
      footer: { text: 'Pulse' },
    };
    await callService('Discord', config.url, {
      body: { ...(config.username ? { username: config.username } : {}), embeds: [embed], allowed_mentions: { parse: [] } },
      signal,
    });
  },
});
