import type { ApiDeps } from '../deps.js';
import type { ZodApp } from '../zod-app.js';

export function registerSystemRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get('/metrics', {
    config: { access: 'metrics:read' },
    schema: { summary: 'Prometheus text exposition: process metrics and pulse_*', tags: ['system'] },
  }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.contentType);
    return deps.metrics.metrics();
  });

  app.get('/api/openapi.json', {
    config: { access: 'authenticated' },
    schema: { summary: 'This document', tags: ['system'] },
  }, async () => app.swagger());
}
