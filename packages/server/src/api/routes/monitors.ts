import { CheckResult, Incident, MonitorInput } from '@pulse/protocol';
import { z } from 'zod';
import type { MaintenanceService } from '../../monitors/maintenance-service.js';
import type { MonitorResults } from '../../monitors/monitor-results.js';
import type { MonitorService } from '../../monitors/monitor-service.js';
import { exportMonitors, importMonitors, MonitorImport } from '../../monitors/monitor-transfer.js';
import { MonitorError, type MonitorErrorCode, MonitorView, type StoredMonitor, viewOf } from '../../monitors/monitor-types.js';
import { createUptimeCache, type UptimeHistory, uptimeRanges } from '../../monitors/uptime.js';
import { principalOf } from '../access.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

/** What a push carries: `?status=up|down&msg=&ping=` (ping in ms, as the pushing side measured it). */
export interface Push { status: 'up' | 'down'; msg?: string; ping?: number }

export interface MonitorsApi {
  service: MonitorService;
  results: Pick<MonitorResults, 'state' | 'recentResults'>;
  maintenance: MaintenanceService;
  history: UptimeHistory;
  /** runs a check now without moving the schedule (the scheduler's checkNow) */
  runNow: (monitor: StoredMonitor) => Promise<CheckResult>;
  /** hands a push to whatever the push checks read (checks' PushLedger) */
  recordPush: (monitor: StoredMonitor, push: Push, at: number) => void;
  now: () => number;
}

const STATUS: Record<MonitorErrorCode, number> = { 'validation.failed': 400, 'monitor.not_found': 404, 'monitor.name_taken': 409, 'maintenance.not_found': 404 };

/** Service and scheduler errors become API errors here. */
export function toHttp(err: unknown): unknown {
  if (err instanceof MonitorError) return new AppError(STATUS[err.code], err.code, err.message);
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 'monitor.not_found' && typeof message === 'string') return new AppError(404, code, message);
  if (code === 'monitor.check_unavailable' && typeof message === 'string') return new AppError(503, code, message);
  return err;
}
export const mapped = <T>(work: () => Promise<T>): Promise<T> => work().catch((err: unknown) => Promise.reject(toHttp(err)));

const params = z.object({ id: z.string().min(1).max(100) });
const one = z.object({ monitor: MonitorView });
const IncidentView = Incident.extend({ durationMs: z.number().nullable() });
const UptimeView = z.object({ '24h': z.number().nullable(), '7d': z.number().nullable(), '30d': z.number().nullable(), '1y': z.number().nullable() });

/** Uptime monitors (monitors/CONTRACT.md, "REST API"): reading needs monitoring:read, changing settings:write. */
export function registerMonitorRoutes(app: ZodApp, deps: { monitors: MonitorsApi }): void {
  const { service, results, history, now } = deps.monitors;
  const uptime24h = createUptimeCache(history, now);
  const view = async (monitor: Awaited<ReturnType<MonitorService['get']>>) => viewOf(monitor, results.state(monitor.id), await uptime24h(monitor.id));

  app.get('/api/monitors', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Uptime monitors with their state (credentials masked)', tags: ['monitors'], response: { 200: z.object({ monitors: z.array(MonitorView) }) } },
  }, async () => ({ monitors: await Promise.all((await service.list()).map(view)) }));

  app.post('/api/monitors', {
    config: { access: 'settings:write' },
    schema: { summary: 'Add a monitor (http, tcp, dns, ping or push)', tags: ['monitors'], body: MonitorInput, response: { 201: one } },
  }, async (request, reply) => {
    const monitor = await mapped(() => service.create(request.body, principalOf(request).id));
    reply.code(201);
    return { monitor: await view(monitor) };
  });

  app.get('/api/monitors/export', {
    config: { access: 'settings:read' },
    schema: { summary: 'Every monitor definition, credentials included, to import elsewhere (matched by name)', tags: ['monitors'] },
  }, async (_request, reply) => reply.header('cache-control', 'no-store').send(await exportMonitors(service)));

  app.post('/api/monitors/import', {
    config: { access: 'settings:write' },
    schema: {
      summary: 'Create and update monitors by name (merge), and with replace also remove UI-made ones not listed', tags: ['monitors'], body: MonitorImport,
      response: { 200: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), removed: z.number() }) },
    },
  }, async (request) => mapped(() => importMonitors(service, request.body, principalOf(request).id)));

  app.get('/api/monitors/:id', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'One monitor and its state', tags: ['monitors'], params, response: { 200: one } },
  }, async (request) => ({ monitor: await view(await mapped(() => service.get(request.params.id))) }));

  app.put('/api/monitors/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Replace a monitor\'s definition; a masked secret ("********") keeps the stored one', tags: ['monitors'], params, body: MonitorInput, response: { 200: one } },
  }, async (request) => ({ monitor: await view(await mapped(() => service.update(request.params.id, request.body, principalOf(request).id))) }));

  app.delete('/api/monitors/:id', {
    config: { access: 'settings:write' },
    schema: { summary: 'Remove a monitor with its incidents and events', tags: ['monitors'], params },
  }, async (request, reply) => {
    await mapped(() => service.remove(request.params.id, principalOf(request).id));
    return reply.code(204).send();
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/api/monitors/:id/${action}`, {
      config: { access: 'settings:write' },
      schema: { summary: action === 'pause' ? 'Stop checking a monitor' : 'Check a paused monitor again', tags: ['monitors'], params, response: { 200: one } },
    }, async (request) => ({ monitor: await view(await mapped(() => service[action](request.params.id, principalOf(request).id))) }));
  }

  app.post('/api/monitors/:id/check', {
    config: { access: 'settings:write' },
    schema: { summary: 'Run the check now (the schedule does not move); the result counts like any other', tags: ['monitors'], params, response: { 200: z.object({ result: CheckResult }) } },
  }, async (request) => {
    const monitor = await mapped(() => service.get(request.params.id));
    return { result: await mapped(() => deps.monitors.runNow(monitor)) };
  });

  app.get('/api/monitors/:id/results', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'The latest check results, newest first (the last 100 are kept in memory)', tags: ['monitors'], params,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(100) }), response: { 200: z.object({ results: z.array(CheckResult) }) },
    },
  }, async (request) => {
    await mapped(() => service.get(request.params.id));
    return { results: results.recentResults(request.params.id, request.query.limit) };
  });

  app.get('/api/monitors/:id/incidents', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'Outages, newest first', tags: ['monitors'], params,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: { 200: z.object({ incidents: z.array(IncidentView) }) },
    },
  }, async (request) => {
    const monitor = await mapped(() => service.get(request.params.id));
    const rows = await deps.monitors.service.incidents(monitor.id, request.query.limit);
    return {
      incidents: rows.map((r) => ({
        id: r.id, monitorId: r.monitor_id, startedAt: r.started_at, endedAt: r.ended_at, reason: { code: r.reason_code, message: r.reason_message },
        durationMs: r.ended_at === null ? null : r.ended_at - r.started_at,
      })),
    };
  });

  app.get('/api/monitors/:id/uptime', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Percent of checks up over 24 h, 7 d, 30 d and 1 y (null without data)', tags: ['monitors'], params, response: { 200: z.object({ uptime: UptimeView }) } },
  }, async (request) => {
    const monitor = await mapped(() => service.get(request.params.id));
    return { uptime: await uptimeRanges(history, monitor.id, now()) };
  });
}
