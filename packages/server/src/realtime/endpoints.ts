import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hub } from '@pulse/hub';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Authenticate, isAllowedOrigin } from '../auth/index.js';
import type { ZodApp } from '../api/zod-app.js';

function refuse(socket: Duplex, status: number, reason: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * WebSocket upgrades on /api/ws: auth (cookie or bearer) and Origin are checked here, before the
 * hub sees the socket, so a refused client costs one HTTP answer.
 */
export function attachWebSocket(server: Server, deps: { hub: Hub; authenticate: Authenticate; allowedOrigins: () => readonly string[]; logger: Logger }): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => deps.logger.debug({ err }, 'upgrade socket error'));
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api/ws') return refuse(socket, 404, 'Not Found', 'route.not_found', 'WebSocket endpoint is /api/ws.');
    if (!isAllowedOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins())) {
      deps.logger.warn({ origin: req.headers.origin }, 'refused WebSocket from a foreign origin');
      return refuse(socket, 403, 'Forbidden', 'auth.origin', 'Connections from this origin are not allowed.');
    }
    deps.authenticate(req.headers).then((principal) => {
      if (!principal) return refuse(socket, 401, 'Unauthorized', 'auth.required', 'Sign in or send a bearer token.');
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
    config: { access: 'authenticated' },
    schema: {
      summary: 'Server-Sent Events for the same channels as the WebSocket', tags: ['realtime'],
      querystring: z.object({ channels: z.string().min(1).max(4000).transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean)) }),
    },
  }, async (request, reply) => {
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, deps.allowedOrigins())) {
      return reply.code(403).send({ error: { code: 'auth.origin', message: 'Connections from this origin are not allowed.' } });
    }
    reply.hijack();
    deps.hub.handleSse(request.raw, reply.raw, request.principal!, request.query.channels);
  });
}
