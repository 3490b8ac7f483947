import { MaintenanceWindowInput } from '@pulse/protocol';
import { z } from 'zod';
import type { MaintenanceService } from '../../monitors/maintenance-service.js';
import { principalOf } from '../access.js';
import type { ZodApp } from '../zod-app.js';
import { mapped } from './monitors.js';

const params = z.object({ id: z.string().min(1).max(100) });
// The input schema is refined (endsAt > startsAt), so the answer shape is spelled out loosely.
const Window = z.looseObject({ id: z.string(), title: z.string(), startsAt: z.number(), endsAt: z.number(), monitorIds: z.array(z.string()), createdAt: z.number() });
const one = z.object({ window: Window });

/** Maintenance windows: monitors in one show `maintenance` and open no incident. */
export function registerMaintenanceRoutes(app: ZodApp, deps: { maintenance: MaintenanceService }): void {
  const { maintenance } = deps;

  app.get('/api/maintenance', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Maintenance windows, one-off and recurring', tags: ['monitors'], response: { 200: z.object({ windows: z.array(Window) }) } },
  }, async () => ({ windows: await maintenance.list() }));

  app.post('/api/maintenance', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add a maintenance window (empty monitorIds = every monitor)', tags: ['monitors'], body: MaintenanceWindowInput, response: { 201: one } },
  }, async (request, reply) => {
    const window = await mapped(() => maintenance.create(request.body, principalOf(request).id));
    reply.code(201);
    return { window };
  });

  app.get('/api/maintenance/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One maintenance window', tags: ['monitors'], params, response: { 200: one } },
  }, async (request) => ({ window: await mapped(() => maintenance.get(request.params.id)) }));

  app.put('/api/maintenance/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace a maintenance window', tags: ['monitors'], params, body: MaintenanceWindowInput, response: { 200: one } },
  }, async (request) => ({ window: await mapped(() => maintenance.update(request.params.id, request.body, principalOf(request).id)) }));

  app.delete('/api/maintenance/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove a maintenance window', tags: ['monitors'], params },
  }, async (request, reply) => {
    await mapped(() => maintenance.remove(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });
}
