import { AlertOverrideInput, AlertRule, AlertRuleInput, AlertSettings } from '@pulse/protocol';
import { z } from 'zod';
import { AlertError, type AlertErrorCode } from '../../alerts/alert-errors.js';
import type { AlertService } from '../../alerts/alert-service.js';
import { principalOf } from '../access.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

export type AlertsApi = Pick<AlertService,
  'rules' | 'getRule' | 'createRule' | 'updateRule' | 'removeRule' | 'overrides' | 'createOverride' | 'removeOverride' | 'settings' | 'putSettings'
  | 'list' | 'acknowledge' | 'snooze'>;

const STATUS: Record<AlertErrorCode, number> = {
  'validation.failed': 400, 'alert.unknown_metric': 400, 'rule.builtin': 400, 'rule.not_found': 404, 'alert.not_found': 404, 'override.not_found': 404,
};

/** Alert service errors become API errors here. */
export const alertMapped = <T>(work: () => T | Promise<T>): Promise<T> =>
  Promise.resolve().then(work).catch((err: unknown) => Promise.reject(err instanceof AlertError ? new AppError(STATUS[err.code], err.code, err.message) : err));

const params = z.object({ id: z.string().min(1).max(300) });
const oneRule = z.object({ rule: AlertRule });
const AlertOverride = AlertOverrideInput.safeExtend({ id: z.string() });

/** Alert rules (built-ins included), overrides and noise settings (alerts/CONTRACT.md, "API"). */
export function registerAlertRuleRoutes(app: ZodApp, deps: { alerts: AlertsApi }): void {
  const { alerts } = deps;

  app.get('/api/alert-rules', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Alert rules: the built-in ones (builtIn: true, editable, not deletable) and your own', tags: ['alerts'], response: { 200: z.object({ rules: z.array(AlertRule) }) } },
  }, async () => ({ rules: alerts.rules() }));

  app.post('/api/alert-rules', {
    config: { access: 'settings:write' },
    schema: {
      summary: 'Add an alert rule; a metric no resource has reported is refused (alert.unknown_metric, with close names)', tags: ['alerts'],
      body: AlertRuleInput, response: { 201: oneRule },
    },
  }, async (request, reply) => {
    const rule = await alertMapped(() => alerts.createRule(request.body, principalOf(request).id));
    reply.code(201);
    return { rule };
  });

  app.get('/api/alert-rules/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One alert rule', tags: ['alerts'], params, response: { 200: oneRule } },
  }, async (request) => ({ rule: await alertMapped(() => alerts.getRule(request.params.id)) }));

  app.put('/api/alert-rules/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace a rule\'s definition; a built-in keeps its id (disable it with enabled: false)', tags: ['alerts'], params, body: AlertRuleInput, response: { 200: oneRule } },
  }, async (request) => ({ rule: await alertMapped(() => alerts.updateRule(request.params.id, request.body, principalOf(request).id)) }));

  app.delete('/api/alert-rules/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove one of your rules (a built-in answers 400 rule.builtin: disable it instead)', tags: ['alerts'], params },
  }, async (request, reply) => {
    await alertMapped(() => alerts.removeRule(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });

  app.get('/api/alert-overrides', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Per resource, tag or type: silence, monitor-only or other thresholds', tags: ['alerts'], response: { 200: z.object({ overrides: z.array(AlertOverride) }) } },
  }, async () => ({ overrides: alerts.overrides() }));

  app.post('/api/alert-overrides', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add an override', tags: ['alerts'], body: AlertOverrideInput, response: { 201: z.object({ override: AlertOverride }) } },
  }, async (request, reply) => {
    const override = await alertMapped(() => alerts.createOverride(request.body, principalOf(request).id));
    reply.code(201);
    return { override };
  });

  app.delete('/api/alert-overrides/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove an override', tags: ['alerts'], params },
  }, async (request, reply) => {
    await alertMapped(() => alerts.removeOverride(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });

  app.get('/api/alert-settings', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Noise control: cooldown, hourly cap, grouping, flapping, quiet hours', tags: ['alerts'], response: { 200: z.object({ settings: AlertSettings }) } },
  }, async () => ({ settings: alerts.settings() }));

  app.put('/api/alert-settings', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace the noise settings (omitted keys take their defaults)', tags: ['alerts'], body: AlertSettings, response: { 200: z.object({ settings: AlertSettings }) } },
  }, async (request) => ({ settings: await alertMapped(() => alerts.putSettings(request.body, principalOf(request).id)) }));
}
