import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createPublicStatusPages, createRateLimiter, formatMs, formatPercent, renderBadge, responseColour, stateColour, StatusPageView, UptimeRange, uptimeColour,
} from '../../monitors/status-pages/index.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

/** One answer for every slug that has no page: it must not tell whether some other slug exists. */
const notFound = () => new AppError(404, 'status_page.not_found', 'No status page at this address.');

// A page load is one JSON request plus its badges; 60 at once and one a second after that is far above
// a reader's need and keeps one address from making the server build views in a loop.
const BURST = 60;
const PER_SECOND = 1;

const slugParams = z.object({ slug: z.string().max(100) });
const badgeParams = z.object({ slug: z.string().max(100), index: z.coerce.number().int().min(0).max(100_000) });
const label = z.string().max(60).optional().describe('text on the grey side instead of the default');

/** A strong ETag of exactly the bytes sent; If-None-Match may list several. */
function withEtag(request: FastifyRequest, reply: FastifyReply, body: string, cacheControl: string, type: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  void reply.header('cache-control', cacheControl).header('etag', etag);
  const asked = request.headers['if-none-match'];
  if (asked && asked.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type(type).send(body);
}

/**
 * Status pages and badges for anyone, without signing in (monitors/CONTRACT.md, "REST API"). They
 * show only what StatusPageView lists: the answer is parsed through it before it is sent.
 */
export function registerPublicStatusRoutes(app: ZodApp, deps: Pick<ApiDeps, 'store' | 'registry' | 'history' | 'now'>): void {
  const views = createPublicStatusPages({ store: deps.store, registry: deps.registry, history: deps.history, now: deps.now });
  const limiter = createRateLimiter({ now: deps.now, burst: BURST, perSecond: PER_SECOND });
  const limit = async (request: FastifyRequest) => {
    const waitMs = limiter.take(request.ip);
    if (waitMs > 0) {
      throw new AppError(429, 'rate_limited', 'Too many requests from this address; try again shortly.', { 'retry-after': String(Math.ceil(waitMs / 1000)) });
    }
  };
  const viewOf = async (slug: string) => {
    const page = await views.bySlug(slug);
    if (!page) throw notFound();
    return page;
  };

  app.get('/api/public/status/:slug', {
    config: { access: 'public' },
    preHandler: limit,
    schema: { summary: 'A public status page: its monitors\' state, uptime and (when shown) incidents; no login', tags: ['public'], security: [], params: slugParams },
  }, async (request, reply) => {
    const view = StatusPageView.parse((await viewOf(request.params.slug)).view);
    return withEtag(request, reply, JSON.stringify(view), 'public, max-age=30', 'application/json; charset=utf-8');
  });

  const monitorOf = async (slug: string, index: number) => {
    const { view, showResponseTimes } = await viewOf(slug);
    const monitor = view.groups.flatMap((g) => g.monitors).find((m) => m.index === index);
    if (!monitor) throw notFound();
    return { ...monitor, showResponseTimes };
  };
  const svg = (request: FastifyRequest, reply: FastifyReply, body: string) =>
    // A badge opened on its own is a document of this origin: nothing in it may run or load.
    withEtag(request, reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").header('x-content-type-options', 'nosniff'),
      body, 'public, max-age=60', 'image/svg+xml; charset=utf-8');
  const badge = { config: { access: 'public' as const }, preHandler: limit };

  app.get('/api/badge/:slug/:index/status.svg', {
    ...badge,
    schema: { summary: 'An SVG badge with a monitor\'s state; the index is its place on the page, from 0', tags: ['public'], security: [], params: badgeParams, querystring: z.object({ label }) },
  }, async (request, reply) => {
    const m = await monitorOf(request.params.slug, request.params.index);
    return svg(request, reply, renderBadge(request.query.label ?? m.name, m.state, stateColour(m.state)));
  });

  app.get('/api/badge/:slug/:index/uptime.svg', {
    ...badge,
    schema: { summary: 'An SVG badge with a monitor\'s uptime over 24h, 7d or 30d', tags: ['public'], security: [], params: badgeParams, querystring: z.object({ range: UptimeRange.default('24h'), label }) },
  }, async (request, reply) => {
    const m = await monitorOf(request.params.slug, request.params.index);
    const percent = m.uptime[request.query.range];
    return svg(request, reply, renderBadge(request.query.label ?? `uptime ${request.query.range}`, formatPercent(percent), uptimeColour(percent)));
  });

  app.get('/api/badge/:slug/:index/response.svg', {
    ...badge,
    schema: { summary: 'An SVG badge with a monitor\'s last response time (only on pages that show response times)', tags: ['public'], security: [], params: badgeParams, querystring: z.object({ label }) },
  }, async (request, reply) => {
    const m = await monitorOf(request.params.slug, request.params.index);
    // The page hides response times: its badge must not show them either.
    if (!m.showResponseTimes) throw notFound();
    const ms = m.responseMs ?? null;
    return svg(request, reply, renderBadge(request.query.label ?? 'response', formatMs(ms), responseColour(ms)));
  });
}
