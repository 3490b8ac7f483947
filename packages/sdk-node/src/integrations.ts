import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestRecorder } from './requests.js';
import type { SelfErrors } from './self-errors.js';
import { UNMATCHED } from './wire.js';

/*
 * The framework hooks. Each request costs one timestamp (a number) stored on the response and one
 * shared listener: no closure, Date or string is made per request. ('finish' fires once, so `on`
 * rather than `once`, which wraps the listener per call.) The route is read only after
 * the response has finished, and nothing here can touch the response or call `next` twice.
 */

const kStart = Symbol('pulse.start');
const kRoute = Symbol('pulse.route');

type TimedResponse = ServerResponse & { [kStart]?: number; [kRoute]?: string };

/** What the SDK reads of an Express request; typed structurally so express stays a devDependency. */
interface ExpressRequestLike extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

interface FastifyRequestLike { method: string; is404?: boolean; routeOptions?: { url?: string } }
interface FastifyReplyLike { statusCode: number; elapsedTime: number }
interface FastifyInstanceLike {
  addHook(name: 'onResponse', hook: (req: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
}
export type FastifyPlugin = ((instance: FastifyInstanceLike, opts: unknown, done: (err?: Error) => void) => void) & Record<symbol, unknown>;

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;
export interface WrapHttpOptions {
  /** names the route template of a finished request; `undefined` → `unmatched` */
  route?: (req: IncomingMessage, res: ServerResponse) => string | undefined;
}

export interface Integrations {
  express(): ExpressMiddleware;
  fastifyPlugin: FastifyPlugin;
  wrapHttpHandler<H extends HttpHandler>(handler: H, options?: WrapHttpOptions): H;
  setRoute(res: ServerResponse, route: string): void;
}

export function createIntegrations(recorder: RequestRecorder, errors: SelfErrors): Integrations {
  // Express keeps one Route object per route; its template is joined to the mount path once.
  const expressNames = new WeakMap<object, { base: string; name: string }>();
  const expressRoute = (req: ExpressRequestLike): string => {
    const route = req.route;
    if (!route) return UNMATCHED;
    const base = req.baseUrl ?? '';
    const cached = expressNames.get(route);
    if (cached !== undefined && cached.base === base) return cached.name;
    const name = base + String(route.path);
    expressNames.set(route, { base, name });
    return name;
  };

  function onExpressFinish(this: TimedResponse): void {
    try {
      const req = this.req as ExpressRequestLike;
      recorder.record(req.method ?? 'GET', expressRoute(req), this.statusCode, performance.now() - (this[kStart] as number));
    } catch (err) {
      errors.report('pulse.request', err);
    }
  }

  const expressMiddleware: ExpressMiddleware = (_req, res, next) => {
    try {
      (res as TimedResponse)[kStart] = performance.now();
      res.on('finish', onExpressFinish);
    } catch (err) {
      errors.report('pulse.request', err);
    }
    next();
  };

  function onFastifyResponse(req: FastifyRequestLike, reply: FastifyReplyLike, done: () => void): void {
    try {
      const route = req.is404 ? UNMATCHED : (req.routeOptions?.url ?? UNMATCHED);
      recorder.record(req.method, route, reply.statusCode, reply.elapsedTime);
    } catch (err) {
      errors.report('pulse.request', err);
    }
    done();
  }
  const fastifyPlugin = ((instance, _opts, done) => {
    try {
      instance.addHook('onResponse', onFastifyResponse);
    } catch (err) {
      errors.report('pulse.fastify', err);
    }
    done();
  }) as FastifyPlugin;
  // what fastify-plugin sets: the hook applies to the whole app, not only an encapsulated child
  fastifyPlugin[Symbol.for('skip-override')] = true;
  fastifyPlugin[Symbol.for('fastify.display-name')] = '@pulse/node';

  return {
    express: () => expressMiddleware,
    fastifyPlugin,
    wrapHttpHandler<H extends HttpHandler>(handler: H, options: WrapHttpOptions = {}): H {
      const routeOf = options.route;
      function onHttpFinish(this: TimedResponse): void {
        try {
          const req = this.req;
          const route = this[kRoute] ?? (routeOf ? routeOf(req, this) : undefined) ?? UNMATCHED;
          recorder.record(req.method ?? 'GET', route, this.statusCode, performance.now() - (this[kStart] as number));
        } catch (err) {
          errors.report('pulse.request', err);
        }
      }
      const wrapped = function (this: unknown, req: IncomingMessage, res: ServerResponse) {
        try {
          (res as TimedResponse)[kStart] = performance.now();
          res.on('finish', onHttpFinish);
        } catch (err) {
          errors.report('pulse.request', err);
        }
        return handler.call(this, req, res);
      };
      return wrapped as H;
    },
    setRoute(res, route) {
      (res as TimedResponse)[kRoute] = route;
    },
  };
}
