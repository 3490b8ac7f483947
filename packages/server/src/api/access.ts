import type { Scope } from '@pulse/protocol';
import type { FastifyRequest } from 'fastify';
import { type Authenticate, hasScope, isAllowedOrigin, type Principal } from '../auth/index.js';
import { AppError, forbidden, unauthorized } from './errors.js';

/** What a route asks of its caller: nothing, any signed-in principal, or one scope. */
export type Access = 'public' | 'authenticated' | Scope;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** the route also takes a signed connection token in `?token=` (EventSource cannot send headers) */
    acceptsConnectionToken?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs before body parsing on every request: resolves the principal, then enforces the route's
 * access, Origin on browser requests, and CSRF on session mutations. Routes without an access
 * setting (including unknown /api paths) require authentication: closed by default.
 */
export function createAccessHook(
  authenticate: Authenticate,
  allowedOrigins: () => readonly string[],
  verifyConnectionToken: (token: string) => Principal | undefined = () => undefined,
) {
  return async function onRequest(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config?.access ?? (request.url.startsWith('/api') || request.url.startsWith('/metrics') ? 'authenticated' : 'public');
    if (access === 'public') return;
    const token = request.routeOptions.config?.acceptsConnectionToken ? connectionTokenOf(request.url) : undefined;
    const principal = token ? verifyConnectionToken(token) : await authenticate(request.headers);
    if (!principal) throw unauthorized();
    request.principal = principal;
    if (access !== 'authenticated' && !hasScope(principal, access)) throw forbidden(access);
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      if (!isAllowedOrigin(request.headers.origin, request.headers.host, allowedOrigins())) {
        throw new AppError(403, 'auth.origin', 'Requests from this origin are not allowed.');
      }
      if (request.headers['x-csrf-token'] !== principal.csrfToken) {
        throw new AppError(403, 'auth.csrf', 'Missing or wrong x-csrf-token header; reload the page and try again.');
      }
    }
  };
}

function connectionTokenOf(url: string): string | undefined {
  const query = url.indexOf('?');
  return query === -1 ? undefined : new URLSearchParams(url.slice(query + 1)).get('token') ?? undefined;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
