import { Alert } from '@pulse/protocol';
import { z } from 'zod';
import { principalOf } from '../access.js';
import type { ZodApp } from '../zod-app.js';
import { alertMapped, type AlertsApi } from './alert-rules.js';

const params = z.object({ id: z.string().min(1).max(600) });
const one = z.object({ alert: Alert });

/** Alert instances: list, acknowledge, snooze (alerts/CONTRACT.md, "API"); live changes come on the hub's `alerts` channel. */
export function registerAlertRoutes(app: ZodApp, deps: { alerts: AlertsApi }): void {
  const { alerts } = deps;

  app.get('/api/alerts', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'Alerts, newest first: the active ones (default), or all kept ones with resolved ones too', tags: ['alerts'],
      querystring: z.object({ state: z.enum(['active', 'all']).default('active'), resourceId: z.string().min(1).max(300).optional() }),
      response: { 200: z.object({ alerts: z.array(Alert) }) },
    },
  }, async (request) => ({ alerts: await alerts.list(request.query) }));

  app.post('/api/alerts/:id/ack', {
    config: { access: 'settings:write' },
    schema: { summary: 'Acknowledge an alert: reminders and escalation stop; it still resolves by itself', tags: ['alerts'], params, response: { 200: one } },
  }, async (request) => {
    const principal = principalOf(request);
    return { alert: await alertMapped(() => alerts.acknowledge(request.params.id, principal.name, principal.id)) };
  });

  app.post('/api/alerts/:id/snooze', {
    config: { access: 'settings:write' },
    schema: {
      summary: 'Hold an alert\'s notifications until a time (ms since the epoch)', tags: ['alerts'], params,
      body: z.object({ untilMs: z.number().int().positive() }), response: { 200: one },
    },
  }, async (request) => {
    const principal = principalOf(request);
    return { alert: await alertMapped(() => alerts.snooze(request.params.id, request.body.untilMs, principal.id)) };
  });
}
