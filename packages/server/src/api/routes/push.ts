import { z } from 'zod';
import type { MonitorService } from '../../monitors/monitor-service.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';
import type { MonitorsApi } from './monitors.js';

/** Pushes per token per second: a cron job or heartbeat needs a few a minute; more is a loop gone wrong. */
const PUSHES_PER_SECOND = 10;
/** Tokens tracked at once; past this the window restarts for everyone rather than grow without bound. */
const MAX_TRACKED = 10_000;

const Push = z.object({
  status: z.enum(['up', 'down']).default('up'),
  msg: z.string().max(500).optional(),
  ping: z.coerce.number().min(0).max(3_600_000).optional(),
});

/** Counts requests per key in fixed one-second windows. */
function createRateLimiter(now: () => number, perSecond: number) {
  const seen = new Map<string, { second: number; count: number }>();
  return (key: string): boolean => {
    const second = Math.floor(now() / 1000);
    const entry = seen.get(key);
    if (!entry || entry.second !== second) {
      if (seen.size >= MAX_TRACKED) seen.clear();
      seen.set(key, { second, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= perSecond;
  };
}

/**
 * `GET|POST /api/push/:token`: public, the token is the credential. Unknown tokens get a bare 404,
 * the same for every wrong token, so the endpoint says nothing about which monitors exist.
 */
export function registerPushRoutes(app: ZodApp, deps: { service: Pick<MonitorService, 'byPushToken'>; recordPush: MonitorsApi['recordPush']; now: () => number }): void {
  const allowed = createRateLimiter(deps.now, PUSHES_PER_SECOND);
  const handler = async (token: string, push: z.infer<typeof Push>) => {
    // Limited before the lookup, so hammering random tokens costs no database reads either.
    if (!allowed(token)) throw new AppError(429, 'push.rate_limited', `More than ${PUSHES_PER_SECOND} pushes a second for this token; push less often.`, { 'retry-after': '1' });
    const monitor = await deps.service.byPushToken(token);
    if (!monitor || monitor.type !== 'push') throw new AppError(404, 'push.not_found', 'Not found.');
    deps.recordPush(monitor, { status: push.status, ...(push.msg !== undefined ? { msg: push.msg } : {}), ...(push.ping !== undefined ? { ping: push.ping } : {}) }, deps.now());
    return { ok: true as const };
  };
  const params = z.object({ token: z.string().min(1).max(200) });
  const response = { 200: z.object({ ok: z.literal(true) }) };

  app.get('/api/push/:token', {
    config: { access: 'public' },
    schema: { summary: 'Record a push for a push monitor (`?status=up|down&msg=&ping=`)', tags: ['monitors'], security: [], params, querystring: Push, response },
  }, async (request) => handler(request.params.token, request.query));

  app.post('/api/push/:token', {
    config: { access: 'public' },
    schema: { summary: 'Record a push; the same fields in the query or a JSON body', tags: ['monitors'], security: [], params, querystring: Push.partial(), response },
  }, async (request) => {
    const body = request.body && typeof request.body === 'object' ? request.body as Record<string, unknown> : {};
    const parsed = Push.safeParse({ ...body, ...request.query });
    if (!parsed.success) throw new AppError(400, 'validation.failed', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return handler(request.params.token, parsed.data);
  });
}
