import type { Notification } from '@pulse/protocol';
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { clip, headline, plainText, type Tone, toneOf } from '../message.js';
import { apiUrl } from './config-fields.js';
import { callService } from './http.js';

/** ntfy priorities 1-5: min, low, default, high, urgent (https://docs.ntfy.sh/publish/#message-priority). */
const priority: Record<Tone, number> = { critical: 5, warning: 4, info: 3, resolved: 3, test: 3 };
/** Tags that match an emoji short code show as that emoji in front of the title. */
const tag: Record<Tone, string> = { critical: 'rotating_light', warning: 'warning', info: 'information_source', resolved: 'white_check_mark', test: 'test_tube' };

/** HTTP headers carry Latin-1 only; ntfy decodes RFC 2047 encoded words, so a title in any script survives. */
const headerText = (text: string) => /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/**
 * ntfy (https://docs.ntfy.sh/publish/): the message is the body, Title / Priority / Tags / Click are
 * headers, an access token goes in as a bearer token.
 */
export const ntfyChannel = defineChannel({
  type: 'ntfy',
  secretKeys: ['token'],
  configSchema: z.object({
    serverUrl: apiUrl('https://ntfy.sh'),
    topic: z.string({ error: 'the topic is required' }).trim().regex(/^[-_A-Za-z0-9]{1,64}$/, 'a topic is 1-64 letters, digits, - or _'),
    token: z.string().trim().min(1).optional(),
  }),
  async send(n: Notification, config, { signal }) {
    const tone = toneOf(n);
    await callService('ntfy', `${config.serverUrl}/${config.topic}`, {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        title: headerText(clip(headline(n), 250)),
        priority: String(priority[tone]),
        tags: `${tag[tone]},pulse`,
        ...(n.url ? { click: n.url } : {}),
        ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
      },
      body: clip(plainText(n), 4000),
      signal,
    });
  },
});
