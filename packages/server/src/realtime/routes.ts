import type { Hub } from '@pulse/hub';
import { ConnectionTokenResponse, HttpPublishRequest, HttpPublishResponse } from '@pulse/protocol';
import { AppError } from '../api/errors.js';
import { principalOf } from '../api/access.js';
import type { ZodApp } from '../api/zod-app.js';
import { type ConnectionTokenService, effectiveScopes } from '../auth/index.js';

/** HTTP status for each hub refusal a publisher can meet. */
const STATUS_BY_CODE: Record<string, number> = {
  'channel.invalid': 400,
  'channel.forbidden': 403,
  'channel.unknown': 404,
  'limit.rate': 429,
  'channel.unavailable': 503,
};

/** The realtime HTTP routes: connection tokens for clients, and publishing for programs. */
export function registerRealtimeRoutes(app: ZodApp, deps: { hub: Hub; connectionTokens: ConnectionTokenService; maxPublishBytes: number }): void {
  app.post('/api/realtime/token', {
    config: { access: 'authenticated' },
    schema: {
      summary: 'A short-lived signed token for connecting to /api/ws or /api/events (?token=)', tags: ['realtime'],
      response: { 200: ConnectionTokenResponse },
    },
  }, async (request) => deps.connectionTokens.issue(principalOf(request)));

  app.post('/api/hub/publish', {
    config: { access: 'hub:publish' },
    // The same bound a WebSocket frame has, so HTTP is not a way around it.
    bodyLimit: deps.maxPublishBytes,
    schema: {
      summary: 'Publish to a channel of a namespace open to clients (ext:<name>)', tags: ['realtime'],
      body: HttpPublishRequest,
      response: { 200: HttpPublishResponse },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { channel, data } = request.body;
    const outcome = await deps.hub.publishAs({ ...principal, scopes: effectiveScopes(principal) }, channel, data);
    if (!outcome.ok) throw new AppError(STATUS_BY_CODE[outcome.code] ?? 400, outcome.code, outcome.message);
    return { channel, ...outcome.position };
  });
}
