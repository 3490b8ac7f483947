import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { clip, headline, plainText, type Tone, toneOf } from '../message.js';
import { apiUrl, secret } from './config-fields.js';
import { callService } from './http.js';

/**
 * -1 quiet, 0 normal, 1 high (bypasses quiet hours). 2 (emergency) needs acknowledging on the phone
 * and retry/expire; Pulse keeps its own escalation, so it is not used.
 */
const priority: Record<Tone, number> = { critical: 1, warning: 0, info: -1, resolved: 0, test: 0 };

/** Pushover (https://pushover.net/api): a form POST to /1/messages.json; token and user key travel in the body. */
export const pushoverChannel = defineChannel({
  type: 'pushover',
  secretKeys: ['token', 'userKey'],
  configSchema: z.object({
    token: secret('application token').regex(/^[A-Za-z0-9]{30}$/, 'an application token is 30 letters and digits'),
    userKey: secret('user key').regex(/^[A-Za-z0-9]{30}$/, 'a user or group key is 30 letters and digits'),
    device: z.string().trim().min(1).max(25).optional(),
    sound: z.string().trim().min(1).max(50).optional(),
    apiUrl: apiUrl('https://api.pushover.net'),
  }),
  async send(n, config, { signal }) {
    const form = new URLSearchParams({
      token: config.token, user: config.userKey, title: clip(headline(n), 250), message: clip(plainText(n), 1024),
      priority: String(priority[toneOf(n)]), timestamp: String(Math.floor(n.at / 1000)),
    });
    if (n.url) form.set('url', clip(n.url, 512)), form.set('url_title', 'Open in Pulse');
    if (config.device) form.set('device', config.device);
    if (config.sound) form.set('sound', config.sound);
    await callService('Pushover', `${config.apiUrl}/1/messages.json`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), signal,
    });
  },
});
