import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, escapeHtml, headline, suppressedLine } from '../message.js';
import { apiUrl, secret } from './config-fields.js';
import { callService } from './http.js';

const MAX_LINES = 12;

/**
 * Telegram Bot API sendMessage (https://core.telegram.org/bots/api#sendmessage) with parse_mode HTML:
 * Telegram's HTML knows only a few tags and no <br>, so lines are newlines and every value is escaped.
 * The token is part of the URL, which is why no error ever names the URL.
 */
export const telegramChannel = defineChannel({
  type: 'telegram',
  secretKeys: ['botToken'],
  configSchema: z.object({
    botToken: secret('bot token').regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token looks like 123456:ABC-DEF... (from @BotFather)'),
    chatId: z.union([z.string().trim().min(1), z.number().int()], { error: 'the chat id is required' }).transform(String),
    apiUrl: apiUrl('https://api.telegram.org'),
    silent: z.boolean().default(false),
  }),
  async send(n, config, { signal }) {
    // Clipped piece by piece (Telegram's limit is 4096 characters), never through a tag.
    const lines = alertLines(n).slice(0, MAX_LINES);
    const more = n.alerts.length - lines.length;
    const held = suppressedLine(n);
    const text = [
      `<b>${escapeHtml(headline(n))}</b>`,
      escapeHtml(clip(n.summary, 500)),
      lines.map((l) => `• <b>${escapeHtml(clip(l.resource, 100))}</b>: ${escapeHtml(clip(l.text, 200))}`).join('\n'),
      ...(more ? [`and ${more} more`] : []),
      ...(held ? [`<i>${escapeHtml(held)}</i>`] : []),
      ...(n.url ? [`<a href="${escapeHtml(n.url)}">Open in Pulse</a>`] : []),
    ].join('\n\n');
    await callService('Telegram', `${config.apiUrl}/bot${config.botToken}/sendMessage`, {
      body: {
        chat_id: config.chatId, text, parse_mode: 'HTML',
        link_preview_options: { is_disabled: true }, disable_notification: config.silent,
      },
      signal,
    });
  },
});
