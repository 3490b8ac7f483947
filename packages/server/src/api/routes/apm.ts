import type { Readable } from 'node:stream';
import { APM_LIMITS, ApmAppSummary, ApmAppView, ApmIngestAnswer, ApmPeriod } from '@pulse/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AgentError, type AgentErrorCode, readReportBody } from '../../agents/index.js';
import { type ApmService, checkBatch, INGEST_RATE, itemCount, type RateLimiter } from '../../apm/index.js';
import { principalOf } from '../access.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

export interface ApmApi {
  service: ApmService;
  /** batches per token */
  limiter: RateLimiter;
}

// readReportBody (gzip, two size limits) speaks in agent codes; APM callers get their own.
const BODY_ERRORS: Partial<Record<AgentErrorCode, [number, string]>> = {
  'agent.report_too_large': [413, 'apm.batch_too_large'],
  'agent.report_malformed': [400, 'apm.batch_malformed'],
  'agent.report_encoding': [415, 'apm.batch_encoding'],
};
const toHttp = (err: unknown): unknown => {
  const mapped = err instanceof AgentError ? BODY_ERRORS[err.code] : undefined;
  return mapped ? new AppError(mapped[0], mapped[1], err instanceof Error ? err.message.replace(/report/g, 'batch') : '') : err;
};

const LIMITS = { compressedBytes: APM_LIMITS.batchBytes, decompressedBytes: 8 * APM_LIMITS.batchBytes };
const appNotFound = () => new AppError(404, 'apm.app_not_found', 'No app by that name has reported to this Pulse since it started.');

export function registerApmRoutes(app: ZodApp, deps: { apm: ApmApi }): void {
  const { service, limiter } = deps.apm;

  // Batches have their own body parser (gzip, two limits), so ingest lives in a scope of its own.
  void app.register(async (scope: ZodApp) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
      try {
        return await readReportBody(payload as Readable, request.headers, LIMITS);
      } catch (err) {
        throw toHttp(err);
      }
    });
    scope.post('/api/apm/ingest', {
      config: { access: 'apm:report' },
      schema: {
        summary: 'Send an ApmBatch (JSON, or gzip with Content-Encoding: gzip); items that fail the schema are rejected and counted, the rest accepted',
        tags: ['apm'], security: [{ bearer: [] }], response: { 200: ApmIngestAnswer },
      },
      // After the access hook (the principal is known) and before the body is read.
      onRequest: async (request) => {
        const verdict = limiter.take(principalOf(request).id);
        if (!verdict.ok) {
          throw new AppError(429, 'apm.rate_limited', `Over ${INGEST_RATE.perSecond} batches a second for this token; send fewer, larger batches.`, { 'retry-after': String(verdict.retryAfterS) });
        }
      },
    }, async (request) => {
      const checked = checkBatch(request.body);
      if ('error' in checked) throw new AppError(400, 'apm.batch_invalid', `The batch cannot be used: ${checked.error}.`);
      const { batch, rejected, problems } = checked;
      const accepted = itemCount(batch);
      if (!service.record(batch)) {
        return { accepted: 0, rejected: accepted + rejected, problems: ['This Pulse tracks as many apps as it may; items of a new app are refused.'] };
      }
      service.rejected(batch.app, rejected);
      if (rejected > 0) request.log.debug({ app: batch.app, rejected, problems: problems.slice(0, 3) }, 'rejected APM items');
      return { accepted, rejected, ...(problems.length ? { problems } : {}) };
    });
  });

  app.get('/api/apm/apps', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Instrumented apps with their rates and health', tags: ['apm'], response: { 200: z.object({ apps: z.array(ApmAppSummary) }) } },
  }, async () => ({ apps: service.summaries() }));

  app.get('/api/apm/apps/:app', {
    config: { access: 'monitoring:read' },
    schema: {
      summary: 'One app over a period: 60 buckets, instances, slow routes, route usage, exception groups', tags: ['apm'],
      params: z.object({ app: z.string().max(64) }), querystring: z.object({ period: ApmPeriod.default('1h') }),
      response: { 200: z.object({ app: ApmAppView }) },
    },
  }, async (request) => {
    const view = service.view(request.params.app, request.query.period);
    if (!view) throw appNotFound();
    return { app: view };
  });
}
