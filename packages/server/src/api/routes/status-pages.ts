import { StatusPageInput } from '@pulse/protocol';
import { z } from 'zod';
import { createStatusPageService, StatusPage, StatusPageError } from '../../monitors/status-pages/index.js';
import { principalOf } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

const STATUS: Record<StatusPageError['code'], number> = { 'validation.failed': 400, 'status_page.not_found': 404, 'status_page.slug_taken': 409 };

const mapped = <T>(work: () => Promise<T>): Promise<T> => work().catch((err: unknown) =>
  Promise.reject(err instanceof StatusPageError ? new AppError(STATUS[err.code], err.code, err.message) : err));

const params = z.object({ id: z.string().min(1).max(100) });
const one = z.object({ statusPage: StatusPage });

/** Editing status pages (monitors/CONTRACT.md, "REST API"): reading needs monitoring:read, changing settings:write. */
export function registerStatusPageRoutes(app: ZodApp, deps: Pick<ApiDeps, 'store' | 'now'>): void {
  const service = createStatusPageService({ store: deps.store, now: deps.now });
  app.get('/api/status-pages', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Status pages as stored', tags: ['monitors'], response: { 200: z.object({ statusPages: z.array(StatusPage) }) } },
  }, async () => ({ statusPages: await service.list() }));

  app.post('/api/status-pages', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add a public status page (anyone with its address can read it)', tags: ['monitors'], body: StatusPageInput, response: { 201: one } },
  }, async (request, reply) => {
    const statusPage = await mapped(() => service.create(request.body, principalOf(request).id));
    reply.code(201);
    return { statusPage };
  });

  app.get('/api/status-pages/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One status page as stored', tags: ['monitors'], params, response: { 200: one } },
  }, async (request) => ({ statusPage: await mapped(() => service.get(request.params.id)) }));

  app.put('/api/status-pages/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace a status page (the whole definition, slug included)', tags: ['monitors'], params, body: StatusPageInput, response: { 200: one } },
  }, async (request) => ({ statusPage: await mapped(() => service.update(request.params.id, request.body, principalOf(request).id)) }));

  app.delete('/api/status-pages/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove a status page; its address and badges answer 404 from then on', tags: ['monitors'], params },
  }, async (request, reply) => {
    await mapped(() => service.remove(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });
}
