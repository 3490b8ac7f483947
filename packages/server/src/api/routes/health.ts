import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import type { ZodApp } from '../zod-app.js';

export function registerHealthRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get('/api/health', {
    config: { access: 'public' },
    schema: {
      summary: 'Liveness, version, and whether the first admin still has to be created',
      tags: ['system'],
      response: { 200: z.object({ status: z.literal('ok'), version: z.string(), setupRequired: z.boolean() }) },
    },
  }, async () => ({ status: 'ok' as const, version: deps.version, setupRequired: (await deps.store.users.count()) === 0 }));
}
