import { AGENT_TOKEN_PREFIX, type AgentEnrolment, type AgentEnrolmentAnswer, type AgentInfo, type AgentReportAnswer, type AgentReportBatch, type AgentStatus } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Registry } from '../resources/index.js';
import { agentHostId, agentSource } from '../sources/agent/index.js';
import type { StateStore } from '../store/index.js';
import { type AgentState, agentFromRow, agentStateJson } from './agent-state.js';
import { AgentError } from './errors.js';
import { ingestBatch } from './ingest.js';
import { createInstallTokenService } from './install-tokens.js';
import { bearerOf, mintToken, newAgentId, parseToken, secretMatches } from './secrets.js';

export interface AgentServiceOptions {
  store: StateStore;
  registry: Pick<Registry, 'apply' | 'markSource' | 'resolve'>;
  config: () => Config['agents'];
  now: () => number;
  logger: Logger;
  /** how often missed reports are looked for */
  sweepEveryMs?: number;
  /** how often what agents reported is written to the store */
  flushEveryMs?: number;
}

/**
 * Enrolled push agents: enrolment with install tokens, agent tokens (checked in memory, no database
 * read per report), report ingest, and offline detection. What agents last reported is kept in
 * memory and written every `flushEveryMs` in one transaction (and on stop), not on every report.
 */
export async function createAgentService(options: AgentServiceOptions) {
  const { store, registry, config, now, logger } = options;
  const agents = new Map<string, AgentState>((await store.agents.listActive()).map((row) => [row.id, agentFromRow(row)]));
  const installTokens = createInstallTokenService({ store, now });
  // An agent known from before a restart gets a full grace period to report again.
  const startedAt = now();
  const dirty = new Set<string>();
  let enrolling: Promise<unknown> = Promise.resolve();
  let flushing: Promise<void> = Promise.resolve();

  const intervalOf = (agent: AgentState) => agent.intervalMs ?? config().interval_ms;
  function statusOf(agent: AgentState, at: number): AgentStatus {
    if (agent.lastReportAt === null) return 'never';
    const silentFor = at - Math.max(agent.lastReportAt, startedAt);
    return silentFor > config().offline_after_intervals * intervalOf(agent) ? 'offline' : 'online';
  }

  function sweep(): void {
    const at = now();
    for (const agent of agents.values()) {
      if (agent.offline || statusOf(agent, at) !== 'offline') continue;
      agent.offline = true;
      try {
        registry.markSource(agentSource(agent.id), 'offline');
      } catch (err) {
        logger.error({ err, agent: agent.id }, 'could not mark an agent offline');
      }
      logger.info({ agent: agent.id, hostname: agent.hostname, lastReportAt: agent.lastReportAt }, 'agent stopped reporting; its host and containers are offline');
    }
  }

  async function flush(): Promise<void> {
    if (!dirty.size) return;
    const ids = [...dirty];
    dirty.clear();
    const states = ids.flatMap((id) => {
      const agent = agents.get(id);
      return agent ? [{ id, version: agent.version, last_report_at: agent.lastReportAt, state: agentStateJson(agent) }] : [];
    });
    try {
      await store.agents.saveStates(states);
    } catch (err) {
      logger.error({ err, count: states.length }, 'could not save agent state; will retry');
      for (const id of ids) dirty.add(id);
    }
  }
  const queueFlush = () => (flushing = flushing.then(flush));

  async function enrol(installToken: string | undefined, enrolment: AgentEnrolment): Promise<{ answer: AgentEnrolmentAnswer; created: boolean; installTokenId: string }> {
    const machineId = enrolment.machineId?.trim().toLowerCase() || null;
    // A reinstalled machine keeps its agent (and its history); matched on machine id only, since
    // hostnames repeat (two boxes called "debian" must not share one agent).
    const existing = machineId ? [...agents.values()].find((a) => a.machineId === machineId) : undefined;
    if (!existing && agents.size >= config().max_agents) {
      throw new AgentError('agent.limit_reached', `This server already has ${agents.size} agents (agents.max_agents); remove one or raise the limit.`);
    }
    const installTokenId = await installTokens.consume(installToken);
    if (!installTokenId) throw installTokenInvalid();
    const at = now();
    const id = existing?.id ?? newAgentId();
    const { token, hash } = mintToken(AGENT_TOKEN_PREFIX, id);
    const change = { hostname: enrolment.hostname, version: enrolment.version, token_hash: hash, token_issued_at: at, install_token_id: installTokenId };
    if (existing) {
      await store.agents.reissue(id, change);
      Object.assign(existing, { hostname: enrolment.hostname, version: enrolment.version, tokenHash: hash });
    } else {
      await store.agents.insert({ id, machine_id: machineId, enrolled_at: at, last_report_at: null, state: null, revoked_at: null, ...change });
      agents.set(id, {
        id, hostname: enrolment.hostname, machineId, version: enrolment.version, tokenHash: hash, enrolledAt: at,
        lastReportAt: null, intervalMs: null, docker: null, clockSkewMs: 0, runs: [], offline: false,
      });
    }
    logger.info({ agent: id, hostname: enrolment.hostname, reenrolled: Boolean(existing) }, 'agent enrolled');
    return { answer: { agentId: id, token, intervalMs: config().interval_ms }, created: !existing, installTokenId };
  }

  const sweepTimer = setInterval(sweep, options.sweepEveryMs ?? 1000);
  const flushTimer = setInterval(() => void queueFlush(), options.flushEveryMs ?? 10_000);
  sweepTimer.unref();
  flushTimer.unref();

  return {
    installTokens,
    /** Enrolments run one at a time, so two installs on one machine cannot race into two agents. */
    enrol(installToken: string | undefined, enrolment: AgentEnrolment) {
      const run = enrolling.then(() => enrol(installToken, enrolment));
      enrolling = run.catch(() => undefined);
      return run;
    },
    /** The agent an `Authorization: Bearer pulse_agent_...` header belongs to, if its token is its current one. */
    authenticate(authorization: string | undefined): AgentState | undefined {
      const parsed = parseToken(AGENT_TOKEN_PREFIX, bearerOf(authorization));
      const agent = parsed && agents.get(parsed.id);
      return agent && parsed && secretMatches(agent.tokenHash, parsed.secret) ? agent : undefined;
    },
    report(agent: AgentState, batch: AgentReportBatch): AgentReportAnswer {
      // Removed while its request body was still arriving.
      if (agents.get(agent.id) !== agent) throw agentTokenInvalid();
      const { problems, ...counts } = ingestBatch(agent, batch, now(), { registry, logger });
      dirty.add(agent.id);
      return { ...counts, ...(problems.length ? { problems } : {}), intervalMs: config().interval_ms };
    },
    list(): AgentInfo[] {
      const at = now();
      return [...agents.values()].map((a) => ({
        id: a.id, hostname: a.hostname, machineId: a.machineId, version: a.version, status: statusOf(a, at), enrolledAt: a.enrolledAt,
        lastReportAt: a.lastReportAt, intervalMs: intervalOf(a), resourceId: registry.resolve(agentHostId(a.id)) ?? null,
        docker: a.docker, clockSkewMs: a.clockSkewMs,
      })).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
    },
    /** Revokes the agent's token and withdraws its resources (a host other sources also report stays, as theirs). */
    async remove(id: string): Promise<boolean> {
      if (!agents.has(id) || !(await store.agents.revoke(id, now()))) return false;
      agents.delete(id);
      dirty.delete(id);
      registry.apply({ source: agentSource(id), at: now(), resources: [], complete: true });
      return true;
    },
    sweep,
    flush: queueFlush,
    async stop(): Promise<void> {
      clearInterval(sweepTimer);
      clearInterval(flushTimer);
      await queueFlush();
    },
  };
}
export type AgentService = Awaited<ReturnType<typeof createAgentService>>;

export const installTokenInvalid = () =>
  new AgentError('agent.install_token_invalid', 'This install token is unknown, expired, revoked or used up; create a new one in Pulse.');
export const agentTokenInvalid = () =>
  new AgentError('agent.token_invalid', 'This agent token is unknown or was revoked; enrol the agent again with a new install token.');
