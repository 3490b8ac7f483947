import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { clip, headline, plainText, type Tone, toneOf } from '../message.js';
import { httpUrl, secret } from './config-fields.js';
import { callService } from './http.js';

/** Gotify's clients treat 8+ as high (sound and pop-up), 4-7 as normal, 1-3 as low. */
const priority: Record<Tone, number> = { critical: 8, warning: 5, info: 2, resolved: 2, test: 2 };

/** Gotify (https://gotify.net/api-docs#/message/createMessage): POST /message with the app token in X-Gotify-Key. */
export const gotifyChannel = defineChannel({
  type: 'gotify',
  secretKeys: ['appToken'],
  configSchema: z.object({
    serverUrl: httpUrl('server URL').transform((u) => u.replace(/\/+$/, '')),
    appToken: secret('application token'),
  }),
  async send(n, config, { signal }) {
    await callService('Gotify', `${config.serverUrl}/message`, {
      headers: { 'x-gotify-key': config.appToken },
      body: {
        title: clip(headline(n), 250), message: plainText(n), priority: priority[toneOf(n)],
        extras: { 'client::display': { contentType: 'text/plain' }, ...(n.url ? { 'client::notification': { click: { url: n.url } } } : {}) },
      },
      signal,
    });
  },
});
