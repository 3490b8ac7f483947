import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { headline, plainText, simpleHtml } from '../message.js';
import { httpUrl, secret } from './config-fields.js';
import { callService } from './http.js';

/**
 * Matrix client-server API (https://spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid).
 * The transaction id is the notification id, so a retry after a lost answer is recognised by the
 * homeserver and not posted twice. `m.notice` is the msgtype the spec sets aside for automated senders.
 */
export const matrixChannel = defineChannel({
  type: 'matrix',
  secretKeys: ['accessToken'],
  configSchema: z.object({
    homeserverUrl: httpUrl('homeserver URL').transform((u) => u.replace(/\/+$/, '')),
    accessToken: secret('access token'),
    roomId: z.string({ error: 'the room id is required' }).trim().regex(/^![^:]+:.+$/, 'a room id looks like !abc123:example.org (room settings, Advanced)'),
  }),
  async send(n, config, { signal }) {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(config.roomId)}/send/m.room.message/${encodeURIComponent(n.id)}`;
    await callService('Matrix', `${config.homeserverUrl}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${config.accessToken}` },
      body: { msgtype: 'm.notice', body: `${headline(n)}\n\n${plainText(n)}`, format: 'org.matrix.custom.html', formatted_body: simpleHtml(n) },
      signal,
    });
  },
});
