import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hub } from '@pulse/hub';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Authenticate, type ConnectionTokenService, effectiveScopes, isAllowedOrigin, type Principal } from '../auth/index.js';
import { principalOf } from '../api/access.js';
import type { ZodApp } from '../api/zod-app.js';

export interface RealtimeAuth {
  authenticate: Authenticate;
  connectionTokens: ConnectionTokenService;
  allowedOrigins: () => readonly string[];
}

function refuse(socket: Duplex, status: number, reason: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * Who is connecting: a signed connection token in `?token=` (no database access, so a reconnect
 * storm stays cheap), else a bearer token or the session cookie. The hub matches scopes literally,
 * so `admin` is expanded here.
 */
async function principalFor(req: IncomingMessage, auth: RealtimeAuth): Promise<Principal | undefined> {
  const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  const principal = token ? auth.connectionTokens.verify(token) : await auth.authenticate(req.headers);
  return principal && { ...principal, scopes: effectiveScopes(principal) };
}

/**
 * WebSocket upgrades on /api/ws: auth and Origin are checked here, before the hub sees the
 * socket, so a refused client costs one HTTP answer.
 */
export function attachWebSocket(server: Server, deps: RealtimeAuth & { hub: Hub; logger: Logger }): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => deps.logger.debug({ err }, 'upgrade socket error'));
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api/ws') return refuse(socket, 404, 'Not Found', 'route.not_found', 'WebSocket endpoint is /api/ws.');
    if (!isAllowedOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins())) {
      deps.logger.warn({ origin: req.headers.origin }, 'refused WebSocket from a foreign origin');
      return refuse(socket, 403, 'Forbidden', 'auth.origin', 'Connections from this origin are not allowed.');
    }
    principalFor(req, deps).then((principal) => {
      if (!principal) return refuse(socket, 401, 'Unauthorized', 'auth.required', 'Sign in, send a bearer token, or pass a fresh connection token.');
      deps.hub.handleUpgrade(req, socket, head, principal);
    }, (err: unknown) => {
      deps.logger.error({ err }, 'WebSocket authentication failed');
      refuse(socket, 500, 'Internal Server Error', 'internal', 'Authentication failed on the server.');
    });
  });
}

/** Server-Sent Events on /api/events?channels=a,b for clients that cannot hold a WebSocket. */
export function registerSseRoute(app: ZodApp, deps: { hub: Hub; allowedOrigins: () => readonly string[] }): void {
  app.get('/api/events', {
    config: { access: 'authenticated', acceptsConnectionToken: true },
    schema: {
      summary: 'Server-Sent Events for the same channels as the WebSocket (auth: cookie, bearer or ?token=)', tags: ['realtime'],
      querystring: z.object({
        channels: z.string().min(1).max(4000).transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean)),
        token: z.string().max(4096).optional(),
        lastEventId: z.string().max(16_384).optional(),
      }),
    },
  }, async (request, reply) => {
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, deps.allowedOrigins())) {
      return reply.code(403).send({ error: { code: 'auth.origin', message: 'Connections from this origin are not allowed.' } });
    }
    const principal = principalOf(request);
    reply.hijack();
    deps.hub.handleSse(request.raw, reply.raw, { ...principal, scopes: effectiveScopes(principal) }, request.query.channels);
  });
}
