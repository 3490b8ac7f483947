import { ApiToken, NewApiToken } from '@pulse/protocol';
import { z } from 'zod';
import { hasScope } from '../../auth/index.js';
import { principalOf } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

export function registerTokenRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get('/api/tokens', {
    config: { access: 'tokens:write' },
    schema: { summary: 'Active API tokens (never their secrets)', tags: ['tokens'], response: { 200: z.object({ tokens: z.array(ApiToken) }) } },
  }, async () => ({ tokens: await deps.tokens.list() }));

  app.post('/api/tokens', {
    config: { access: 'tokens:write' },
    schema: {
      summary: 'Create an API token; the token is in this answer only', tags: ['tokens'], body: NewApiToken,
      response: { 201: z.object({ token: z.string(), info: ApiToken }) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    // A token may hand out no more than its holder has.
    const extra = request.body.scopes.filter((s) => !hasScope(principal, s));
    if (extra.length) throw new AppError(403, 'auth.forbidden', `You cannot grant scopes you do not hold: ${extra.join(', ')}.`);
    const created = await deps.tokens.create({ ...request.body, userId: principal.userId });
    await deps.store.audit.record({ at: deps.now(), actor: principal.id, action: 'token.create', target: created.info.id, detail: { name: created.info.name, scopes: created.info.scopes } });
    reply.code(201);
    return created;
  });

  app.delete('/api/tokens/:id', {
    config: { access: 'tokens:write' },
    schema: { summary: 'Revoke an API token', tags: ['tokens'], params: z.object({ id: z.string().uuid() }) },
  }, async (request, reply) => {
    if (!(await deps.tokens.revoke(request.params.id))) throw new AppError(404, 'token.not_found', 'No active token with that id.');
    deps.endConnections((p) => p.id === `token:${request.params.id}`);
    await deps.store.audit.record({ at: deps.now(), actor: principalOf(request).id, action: 'token.revoke', target: request.params.id });
    return reply.code(204).send();
  });
}
