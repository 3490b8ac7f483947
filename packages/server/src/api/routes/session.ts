import { randomUUID } from 'node:crypto';
import { Credentials, NewAdmin, SessionInfo } from '@pulse/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decoyHash, hashPassword, type Principal, SESSION_COOKIE, verifyPassword } from '../../auth/index.js';
import type { UserRow } from '../../store/index.js';
import { principalOf } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';


function sessionInfo(user: UserRow, principal: Principal) {
  return { user: { id: user.id, username: user.username, role: user.role }, csrfToken: principal.csrfToken ?? '', scopes: [...principal.scopes] };
}

export function registerSessionRoutes(app: ZodApp, deps: ApiDeps): void {
  async function startSession(request: FastifyRequest, reply: FastifyReply, user: UserRow) {
    const { cookie, principal, expiresAt } = await deps.sessions.create(user);
    void reply.setCookie(SESSION_COOKIE, cookie, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: new Date(expiresAt),
    });
    return sessionInfo(user, principal);
  }

  app.post('/api/setup', {
    config: { access: 'public' },
    schema: { summary: 'Create the first admin (only while there is none) and sign in', tags: ['auth'], body: NewAdmin, response: { 201: SessionInfo } },
  }, async (request, reply) => {
    if ((await deps.store.users.count()) > 0) throw new AppError(409, 'setup.done', 'An admin already exists; sign in instead.');
    const user: UserRow = { id: randomUUID(), username: request.body.username, password_hash: await hashPassword(request.body.password), role: 'admin', created_at: deps.now() };
    // Two setup requests racing: the second one's insert or count loses, never two admins by accident.
    if ((await deps.store.users.count()) > 0) throw new AppError(409, 'setup.done', 'An admin already exists; sign in instead.');
    await deps.store.users.insert(user);
    await deps.store.audit.record({ at: deps.now(), actor: `user:${user.id}`, action: 'setup.admin_created', target: user.username });
    reply.code(201);
    return startSession(request, reply, user);
  });

  app.post('/api/session', {
    config: { access: 'public' },
    schema: { summary: 'Sign in with username and password', tags: ['auth'], body: Credentials, response: { 200: SessionInfo } },
  }, async (request, reply) => {
    const keys = [`ip:${request.ip}`, `user:${request.body.username.toLowerCase()}`];
    const wait = deps.loginLimiter.retryAfterMs(keys);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError(429, 'auth.rate_limited', `Too many failed sign-ins; try again in ${seconds} s.`, { 'retry-after': String(seconds) });
    }
    const user = await deps.store.users.byUsername(request.body.username);
    const ok = await verifyPassword(request.body.password, user?.password_hash ?? (await decoyHash));
    if (!user || !ok) {
      deps.loginLimiter.recordFailure(keys);
      request.log.warn({ username: request.body.username, ip: request.ip }, 'failed sign-in');
      throw new AppError(401, 'auth.invalid_credentials', 'Wrong username or password.');
    }
    deps.loginLimiter.recordSuccess(keys);
    return startSession(request, reply, user);
  });

  app.delete('/api/session', {
    config: { access: 'authenticated' },
    schema: { summary: 'Sign out', tags: ['auth'] },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.sessionHash) {
      const hash = principal.sessionHash;
      await deps.sessions.destroy(hash);
      // Other tabs of this session must stop receiving data now, not at their next reconnect.
      deps.endConnections((p) => p.sessionHash === hash);
    }
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', {
    config: { access: 'authenticated' },
    schema: { summary: 'Who is signed in, with the CSRF token for mutations', tags: ['auth'], response: { 200: SessionInfo } },
  }, async (request) => {
    const principal = principalOf(request);
    const user = await deps.store.users.byId(principal.userId);
    if (!user) throw new AppError(401, 'auth.required', 'This account no longer exists.');
    return sessionInfo(user, principal);
  });
}
