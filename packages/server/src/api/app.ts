import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createAccessHook } from './access.js';
import type { ApiDeps } from './deps.js';
import { onError } from './errors.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerAlertRuleRoutes } from './routes/alert-rules.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerApmRoutes } from './routes/apm.js';
import { registerChannelRoutes } from './routes/channels.js';
import { registerConnectionRoutes } from './routes/connections.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHistoryRoutes } from './routes/history.js';
import { registerMaintenanceRoutes } from './routes/maintenance.js';
import { registerMonitorRoutes } from './routes/monitors.js';
import { registerPublicStatusRoutes } from './routes/public-status.js';
import { registerPushRoutes } from './routes/push.js';
import { registerResourceRoutes } from './routes/resources.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerStatusPageRoutes } from './routes/status-pages.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerWeb } from './web.js';

/** Builds the HTTP API (not yet listening). Realtime endpoints are attached by the caller. */
export async function createApi(deps: ApiDeps) {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request info lines would be most of the log at dashboard polling rates; errors still log.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config().trust_proxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(onError);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Pulse API', version: deps.version, description: 'Errors are `{ "error": { "code", "message" } }`.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token: pulse_<id>.<secret>' },
          session: { type: 'apiKey', in: 'cookie', name: 'pulse_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRequest', createAccessHook(deps.authenticate, () => deps.config().allowed_origins, (token) => deps.connectionTokens.verify(token)));
  registerHealthRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerResourceRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerSystemRoutes(app, deps);
  registerAgentRoutes(app, deps);
  if (deps.connections) registerConnectionRoutes(app, { connections: deps.connections });
  registerStatusPageRoutes(app, deps);
  registerPublicStatusRoutes(app, deps);
  if (deps.monitors) {
    registerMonitorRoutes(app, { monitors: deps.monitors });
    registerMaintenanceRoutes(app, { maintenance: deps.monitors.maintenance });
    registerPushRoutes(app, { service: deps.monitors.service, recordPush: deps.monitors.recordPush, now: deps.monitors.now });
  }
  if (deps.alerts) {
    registerAlertRoutes(app, { alerts: deps.alerts });
    registerAlertRuleRoutes(app, { alerts: deps.alerts });
  }
  if (deps.notifications) registerChannelRoutes(app, { notifications: deps.notifications });
  if (deps.apm) registerApmRoutes(app, { apm: deps.apm });
  await registerWeb(app, deps.webRoot);
  return app;
}
export type Api = Awaited<ReturnType<typeof createApi>>;
