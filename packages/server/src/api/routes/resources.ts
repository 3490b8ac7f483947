import { Resource, ResourceStatus, ResourceType } from '@pulse/protocol';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

const csv = z.string().max(2000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export function registerResourceRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get('/api/resources', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'Everything Pulse watches, optionally filtered', tags: ['resources'],
      querystring: z.object({
        type: ResourceType.optional(), status: ResourceStatus.optional(),
        q: z.string().max(200).optional().describe('case-insensitive text in name, id or tags'),
      }),
      response: { 200: z.object({ resources: z.array(Resource) }) },
    },
  }, async (request) => {
    const { type, status, q } = request.query;
    const needle = q?.toLowerCase();
    const resources = deps.registry.list().filter((r) =>
      (!type || r.type === type) && (!status || r.status === status) &&
      (!needle || r.name.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle) || r.tags.some((t) => t.toLowerCase().includes(needle))));
    resources.sort((a, b) => a.name.localeCompare(b.name));
    return { resources };
  });

  const idParams = z.object({ id: z.string().min(1).max(300) });
  const find = (id: string) => {
    const resource = deps.registry.get(id);
    if (!resource) throw new AppError(404, 'resource.not_found', `No resource with id "${id}".`);
    return resource;
  };

  app.get('/api/resources/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One resource', tags: ['resources'], params: idParams, response: { 200: z.object({ resource: Resource }) } },
  }, async (request) => ({ resource: find(request.params.id) }));

  app.get('/api/resources/:id/series', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'The recent points of some metrics of one resource (the raw history, up to an hour, including samples not yet flushed)', tags: ['resources'],
      params: idParams,
      querystring: z.object({ metrics: csv, window: z.coerce.number().int().min(1).max(3600).default(3600) }),
      response: { 200: z.object({ series: z.record(z.string(), z.object({ t: z.array(z.number()), v: z.array(z.number()) })) }) },
    },
  }, async (request) => {
    find(request.params.id);
    const names = request.query.metrics.slice(0, 50);
    return { series: await deps.series.read(request.params.id, names, deps.now() - request.query.window * 1000) };
  });
}
