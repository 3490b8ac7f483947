import { z } from 'zod';
import {
  Connection, ConnectionError, ConnectionInput, ConnectionPatch, type ConnectionRuntime, type ConnectionService, FingerprintBody, FingerprintResult,
  normalizeEndpoint, Product, SETUP_TOKEN, SETUP_USER, setupScript, TestResult,
} from '../../connections/index.js';
import { isSecretError } from '../../secrets/index.js';
import { principalOf } from '../access.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

export interface ConnectionsApiDeps {
  connections: { service: ConnectionService; runtime: ConnectionRuntime };
}

const STATUS: Record<ConnectionError['code'], number> = {
  'validation.failed': 400, 'connection.not_found': 404, 'connection.name_taken': 409, 'connection.runtime_unavailable': 503,
};

/** Service errors become API errors here; a runtime failure with a code (proxmox.*) is the upstream's fault: 502. */
function toHttp(err: unknown): unknown {
  if (err instanceof ConnectionError) return new AppError(STATUS[err.code], err.code, err.message);
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code.startsWith('proxmox.') && typeof message === 'string') return new AppError(502, code, message);
  return err;
}
const mapped = <T>(work: () => Promise<T>): Promise<T> => work().catch((err: unknown) => Promise.reject(toHttp(err)));

const params = z.object({ id: z.string().min(1).max(100) });
const one = z.object({ connection: Connection });

/** Proxmox connections (CONTRACT.md, "Connections API"): reading needs monitoring:read, changing settings:write. */
export function registerConnectionRoutes(app: ZodApp, deps: ConnectionsApiDeps): void {
  const { service, runtime } = deps.connections;
  const withState = (c: Connection): Connection => {
    const state = runtime.state(c.id);
    return state ? { ...c, state } : c;
  };

  app.get('/api/connections', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Proxmox connections and their live state (never their secrets)', tags: ['connections'], response: { 200: z.object({ connections: z.array(Connection) }) } },
  }, async () => ({ connections: (await service.list()).map(withState) }));

  app.post('/api/connections', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add a Proxmox VE, Backup Server or Mail Gateway connection', tags: ['connections'], body: ConnectionInput, response: { 201: one } },
  }, async (request, reply) => {
    const connection = await mapped(() => service.create(request.body, principalOf(request).id));
    reply.code(201);
    return { connection: withState(connection) };
  });

  app.get('/api/connections/setup-script', {
    config: { access: 'settings:read' },
    schema: {
      summary: 'A shell script to run as root on the Proxmox host: creates a read-only monitoring user and token', tags: ['connections'],
      querystring: z.object({
        product: Product,
        user: z.string().regex(SETUP_USER, 'lower-case letters, digits, "_", "." or "-", starting with a letter or digit').optional(),
        token: z.string().regex(SETUP_TOKEN, 'lower-case letters, digits, "_", "." or "-", starting with a letter').optional(),
      }),
    },
  }, async (request, reply) => {
    const { product, user, token } = request.query;
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(setupScript(product, user, token));
  });

  app.post('/api/connections/test', {
    config: { access: 'settings:write' },
    schema: {
      summary: 'Connect once with these settings (or a stored connection: { id } plus unsaved changes) and report what answered', tags: ['connections'],
      body: z.looseObject({ id: z.string().optional() }).describe('ConnectionInput, or { id, ...ConnectionPatch }'),
      response: { 200: TestResult },
    },
  }, async (request) => {
    try {
      const input = await service.resolveTest(request.body);
      return await runtime.test(input);
    } catch (err) {
      // A stored secret this Pulse cannot open is a failed test, said like any other.
      if (!isSecretError(err)) throw toHttp(err);
      const product = (await service.get((request.body as { id: string }).id)).product;
      return { ok: false, product, error: { code: err.code, message: err.message, hint: 'Enter the secret again and save the connection.' } };
    }
  });

  app.post('/api/connections/fingerprint', {
    config: { access: 'settings:write' },
    schema: { summary: 'The TLS certificate an endpoint presents, to pin it (trust on first use)', tags: ['connections'], body: FingerprintBody, response: { 200: FingerprintResult } },
  }, async (request) => mapped(() => runtime.fingerprint(normalizeEndpoint(request.body.url, request.body.product ?? 'pve'))));

  app.get('/api/connections/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One connection and its live state', tags: ['connections'], params, response: { 200: one } },
  }, async (request) => ({ connection: withState(await mapped(() => service.get(request.params.id))) }));

  app.patch('/api/connections/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Change a connection; an omitted secret is kept (for the same user and hosts)', tags: ['connections'], params, body: ConnectionPatch, response: { 200: one } },
  }, async (request) => ({ connection: withState(await mapped(() => service.update(request.params.id, request.body, principalOf(request).id))) }));

  app.delete('/api/connections/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove a connection; its source stops', tags: ['connections'], params },
  }, async (request, reply) => {
    await mapped(() => service.remove(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });
}
