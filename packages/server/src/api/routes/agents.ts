import { AGENT_LIMITS, AgentEnrolment, AgentEnrolmentAnswer, AgentInfo, AgentReportAnswer, AgentReportBatch, CreatedInstallToken, InstallToken, NewInstallToken } from '@pulse/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AgentError, type AgentErrorCode, type AgentState, agentTokenInvalid, bearerOf, installTokenInvalid, readReportBody } from '../../agents/index.js';
import { principalOf } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ZodApp } from '../zod-app.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the agent whose token the request carries (agent routes only) */
    agent?: AgentState;
  }
}

const STATUS: Record<AgentErrorCode, number> = {
  'agent.install_token_invalid': 401,
  'agent.token_invalid': 401,
  'agent.report_too_large': 413,
  'agent.report_malformed': 400,
  'agent.report_encoding': 415,
  'agent.limit_reached': 409,
  'agent.bundle_missing': 503,
};
const toHttp = (err: unknown): unknown => (err instanceof AgentError ? new AppError(STATUS[err.code], err.code, err.message) : err);
const bundleMissing = () => new AppError(503, 'agent.bundle_missing', 'This Pulse has no agent bundle to hand out; build packages/agent (npm run build) or set agents.assets_dir.');

const agentId = z.string().regex(/^[0-9a-f]{16}$/, 'an agent or install token id (16 hex digits)');
const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/** The URL the caller reached Pulse by: the Host (X-Forwarded-Host/-Proto with trust_proxy), so the target machine can reach it too. */
function serverUrl(request: FastifyRequest): string {
  const host = request.host;
  if (!HOST.test(host)) throw new AppError(400, 'agent.host_unusable', `The Host header "${host.slice(0, 100)}" cannot go into an install command; reach Pulse by its name or address.`);
  return `${request.protocol}://${host}`;
}

const PLAIN_HTTP_NOTE = 'Pulse is reached over plain HTTP here, so the install token and the agent travel unencrypted. '
  + 'Put Pulse behind TLS before installing on machines outside a trusted network; with a self-signed certificate, '
  + 'give curl your CA (--cacert) rather than turning verification off.';

/** Body of a refused install.sh: curl without -f pipes it to sh, which then says why and fails. */
const REFUSED_SCRIPT = "echo 'Pulse: this install token is unknown, expired, revoked or used up; create a new one in Pulse and run the new command.' >&2\nexit 1\n";

export function registerAgentRoutes(app: ZodApp, deps: Pick<ApiDeps, 'agents' | 'agentAssets' | 'store' | 'now'>): void {
  const { agents, agentAssets } = deps;
  const audit = (actor: string, action: string, target: string, detail?: Record<string, unknown>) =>
    deps.store.audit.record({ at: deps.now(), actor, action, target, ...(detail ? { detail } : {}) });

  app.post('/api/agents/install-tokens', {
    config: { access: 'admin' },
    schema: {
      summary: 'Create an install token and the command that installs an agent with it (shown once)', tags: ['agents'],
      body: NewInstallToken, response: { 201: CreatedInstallToken },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const base = serverUrl(request);
    const created = await agents.installTokens.create({ ...request.body, createdBy: principal.id });
    await audit(principal.id, 'agent.install_token.create', created.id, { maxUses: created.maxUses, expiresAt: created.expiresAt });
    reply.code(201);
    return {
      ...created,
      command: `curl -fsSL '${base}/api/agents/install.sh?token=${created.token}' | sudo sh`,
      ...(request.protocol === 'http' ? { note: PLAIN_HTTP_NOTE } : {}),
    };
  });

  app.get('/api/agents/install-tokens', {
    config: { access: 'admin' },
    schema: { summary: 'Install tokens that can still enrol agents (never their secrets)', tags: ['agents'], response: { 200: z.object({ tokens: z.array(InstallToken) }) } },
  }, async () => ({ tokens: await agents.installTokens.list() }));

  app.delete('/api/agents/install-tokens/:id', {
    config: { access: 'admin' },
    schema: { summary: 'Revoke an install token', tags: ['agents'], params: z.object({ id: agentId }) },
  }, async (request, reply) => {
    if (!(await agents.installTokens.revoke(request.params.id))) throw new AppError(404, 'agent.install_token_not_found', 'No install token with that id, or it is already revoked.');
    await audit(principalOf(request).id, 'agent.install_token.revoke', request.params.id);
    return reply.code(204).send();
  });

  app.get('/api/agents/install.sh', {
    config: { access: 'public' },
    schema: {
      summary: 'The agent installer with this server and the install token baked in', tags: ['agents'], security: [],
      querystring: z.object({ token: z.string().max(300).optional() }),
    },
  }, async (request, reply) => {
    const { token } = request.query;
    if (!token || !(await agents.installTokens.check(token))) return reply.code(401).type('text/plain; charset=utf-8').send(REFUSED_SCRIPT);
    const script = await agentAssets.installScript(serverUrl(request), token);
    if (script === undefined) throw bundleMissing();
    return reply.type('text/x-shellscript; charset=utf-8').header('cache-control', 'no-store').send(script);
  });

  app.get('/api/agents/pulse-agent.mjs', {
    config: { access: 'public' },
    schema: { summary: 'The bundled agent; ETag and x-pulse-agent-sha256 carry its SHA-256', tags: ['agents'], security: [{ bearer: [] }] },
    onRequest: async (request) => {
      const authorization = request.headers.authorization;
      if (!agents.authenticate(authorization) && !(await agents.installTokens.check(bearerOf(authorization)))) {
        throw new AppError(401, 'agent.token_invalid', 'Send an install token or an agent token as a bearer token.');
      }
    },
  }, async (request, reply) => {
    const bundle = await agentAssets.bundle();
    if (!bundle) throw bundleMissing();
    const etag = `"sha256-${bundle.sha256}"`;
    void reply.header('etag', etag).header('x-pulse-agent-sha256', bundle.sha256).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(bundle.data);
  });

  app.post('/api/agents/enrol', {
    config: { access: 'public' },
    schema: { summary: 'Enrol an agent with an install token; answers its own token (shown once)', tags: ['agents'], security: [{ bearer: [] }], body: AgentEnrolment, response: { 200: AgentEnrolmentAnswer } },
    // Checked before the body is read; using the token up happens with the enrolment itself.
    onRequest: async (request) => {
      if (!(await agents.installTokens.check(bearerOf(request.headers.authorization)))) throw toHttp(installTokenInvalid());
    },
  }, async (request) => {
    try {
      const { answer, created, installTokenId } = await agents.enrol(bearerOf(request.headers.authorization), request.body);
      await audit(`install-token:${installTokenId}`, 'agent.enrol', answer.agentId, { hostname: request.body.hostname, reenrolled: !created });
      return answer;
    } catch (err) {
      throw toHttp(err);
    }
  });

  // Report bodies have their own parser (gzip, two limits), so they live in a scope of their own.
  void app.register(async (scope: ZodApp) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
      try {
        return await readReportBody(payload as import('node:stream').Readable, request.headers, AGENT_LIMITS);
      } catch (err) {
        throw toHttp(err);
      }
    });
    // A refused report is the agent's problem, but worth a line for whoever runs the server.
    scope.addHook('onError', async (request, _reply, error) => {
      if (!request.agent) return;
      const { code, message } = error as { code?: string; message: string };
      request.log.warn({ agent: request.agent?.id, code, reason: message.slice(0, 300) }, 'refused an agent report');
    });
    scope.post('/api/agents/report', {
      config: { access: 'public' },
      schema: {
        summary: 'Push a batch of agent reports (gzip JSON with Content-Encoding: gzip, or plain JSON)', tags: ['agents'], security: [{ bearer: [] }],
        body: AgentReportBatch, response: { 200: AgentReportAnswer },
      },
      onRequest: async (request) => {
        const agent = agents.authenticate(request.headers.authorization);
        if (!agent) throw toHttp(agentTokenInvalid());
        request.agent = agent;
      },
    }, async (request) => {
      try {
        return agents.report(request.agent!, request.body);
      } catch (err) {
        throw toHttp(err);
      }
    });
  });

  app.get('/api/agents', {
    config: { access: 'monitoring:read' },
    schema: { summary: 'Enrolled agents and whether they report', tags: ['agents'], response: { 200: z.object({ agents: z.array(AgentInfo) }) } },
  }, async () => ({ agents: agents.list() }));

  app.delete('/api/agents/:id', {
    config: { access: 'admin' },
    schema: { summary: 'Remove an agent: its token stops working and its resources go', tags: ['agents'], params: z.object({ id: agentId }) },
  }, async (request, reply) => {
    if (!(await agents.remove(request.params.id))) throw new AppError(404, 'agent.not_found', 'No enrolled agent with that id.');
    await audit(principalOf(request).id, 'agent.remove', request.params.id);
    return reply.code(204).send();
  });
}
