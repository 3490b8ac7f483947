import { z } from 'zod';
import { Resource, ResourceIdentity } from './resource.js';

/*
 * The push agent's wire types (issue 5). The agent observes its machine and that machine's containers
 * and sends them as resources; the server decides ids, source and status (online / offline).
 */

export const AGENT_REPORT_VERSION = 1;

/** Report bodies are gzip JSON; these bound what the server will read, before and after inflating. */
export const AGENT_LIMITS = {
  compressedBytes: 1024 * 1024,
  decompressedBytes: 8 * 1024 * 1024,
  reportsPerBatch: 100,
  containersPerReport: 2000,
  metricsPerResource: 2000,
} as const;

const metrics = z.record(z.string().max(200), z.number()).refine((m) => Object.keys(m).length <= AGENT_LIMITS.metricsPerResource, {
  message: `at most ${AGENT_LIMITS.metricsPerResource} metrics per resource`,
});

/** A resource as the agent sees it: no source, status or lastSeen (the server sets those). */
export const AgentResource = Resource.pick({ id: true, type: true, name: true, parentId: true, details: true, tags: true }).extend({
  metrics,
  identity: ResourceIdentity.extend({
    /** /sys/class/dmi/id/product_uuid (root only), for matching a VM the hypervisor also reports */
    dmiUuid: z.string().max(100).optional(),
  }),
});
export type AgentResource = z.infer<typeof AgentResource>;

export const DockerState = z.object({
  /** ok: the engine answered; unavailable: no socket or connection refused; error: it answered wrongly or hung */
  state: z.enum(['ok', 'unavailable', 'error']),
  message: z.string().max(1000).optional(),
  /** the negotiated Engine API version, e.g. "1.45" */
  apiVersion: z.string().max(20).optional(),
  /** "Docker Engine - Community 27.3.1", "Podman Engine 5.2.2" */
  engine: z.string().max(200).optional(),
});
export type DockerState = z.infer<typeof DockerState>;

/** One sampling of the machine. `seq` grows by one per report within one agent run (`runId`). */
export const AgentReport = z.object({
  v: z.literal(AGENT_REPORT_VERSION),
  runId: z.string().min(8).max(64),
  seq: z.number().int().nonnegative(),
  /** the agent's clock when it sampled, ms since the epoch (the server corrects for skew) */
  at: z.number().int().nonnegative(),
  intervalMs: z.number().int().min(250).max(3_600_000),
  agent: z.object({ version: z.string().max(50), arch: z.string().max(20).optional(), node: z.string().max(20).optional() }),
  host: AgentResource.extend({ type: z.literal('host') }),
  containers: z.array(AgentResource).max(AGENT_LIMITS.containersPerReport).default([]),
  docker: DockerState.optional(),
});
export type AgentReport = z.infer<typeof AgentReport>;

/** `POST /api/agents/report` body: the newest report, or several oldest first when resending after an outage. */
export const AgentReportBatch = z.object({
  reports: z.array(AgentReport).min(1).max(AGENT_LIMITS.reportsPerBatch),
  /** the agent's clock when it sent the batch, for skew correction of buffered reports */
  sentAt: z.number().int().nonnegative(),
});
export type AgentReportBatch = z.infer<typeof AgentReportBatch>;

/**
 * What the server answers a batch with; the agent adopts `intervalMs`. Every report of the batch is
 * accounted for (accepted + duplicates + rejected), so the agent drops the whole batch from its buffer.
 */
export const AgentReportAnswer = z.object({
  accepted: z.number().int().nonnegative(),
  /** reports already seen (same runId and seq), acknowledged but not applied again */
  duplicates: z.number().int().nonnegative(),
  /** reports refused one by one (a sampling time more than a day off after skew correction); resending will not help */
  rejected: z.number().int().nonnegative().default(0),
  /** why reports were rejected, at most a few lines */
  problems: z.array(z.string()).max(10).optional(),
  intervalMs: z.number().int().positive(),
});
export type AgentReportAnswer = z.infer<typeof AgentReportAnswer>;

/** `POST /api/agents/enrol` with `Authorization: Bearer <install token>`. */
export const AgentEnrolment = z.object({
  hostname: z.string().min(1).max(253),
  machineId: z.string().max(64).optional(),
  version: z.string().max(50),
});
export type AgentEnrolment = z.infer<typeof AgentEnrolment>;

export const AgentEnrolmentAnswer = z.object({
  agentId: z.string(),
  /** the agent's own token (scope agent:report, bound to this agent); shown once */
  token: z.string(),
  intervalMs: z.number().int().positive(),
});
export type AgentEnrolmentAnswer = z.infer<typeof AgentEnrolmentAnswer>;

/** Install tokens are `pulse_install_<id>.<secret>`; agent tokens are `pulse_agent_<id>.<secret>`, id being the agent's. */
export const INSTALL_TOKEN_PREFIX = 'pulse_install_';
export const AGENT_TOKEN_PREFIX = 'pulse_agent_';

/** `POST /api/agents/install-tokens` body. */
export const NewInstallToken = z.object({
  expiresInHours: z.number().int().min(1).max(720).default(24),
  maxUses: z.number().int().min(1).max(1000).default(1),
});
export type NewInstallToken = z.infer<typeof NewInstallToken>;

/** An install token as listed: never its secret. */
export const InstallToken = z.object({
  id: z.string(),
  createdAt: z.number(),
  /** who created it (`user:<id>` or `token:<id>`) */
  createdBy: z.string(),
  expiresAt: z.number(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  lastUsedAt: z.number().nullable(),
});
export type InstallToken = z.infer<typeof InstallToken>;

/** The answer to creating an install token: the token and the command to paste, shown once. */
export const CreatedInstallToken = z.object({
  id: z.string(),
  token: z.string(),
  expiresAt: z.number(),
  maxUses: z.number().int(),
  /** `curl -fsSL '<server>/api/agents/install.sh?token=<token>' | sudo sh` */
  command: z.string(),
  /** set when the command travels over plain HTTP, saying what that means */
  note: z.string().optional(),
});
export type CreatedInstallToken = z.infer<typeof CreatedInstallToken>;

/** never: enrolled but no report yet; offline: missed `agents.offline_after_intervals` reports. */
export const AgentStatus = z.enum(['online', 'offline', 'never']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** `GET /api/agents`: one enrolled agent. */
export const AgentInfo = z.object({
  id: z.string(),
  hostname: z.string(),
  machineId: z.string().nullable(),
  version: z.string(),
  status: AgentStatus,
  enrolledAt: z.number(),
  lastReportAt: z.number().nullable(),
  /** the interval the agent last reported using, else the server's */
  intervalMs: z.number().int(),
  /** the host resource it feeds, which may be shared with other sources (identity matching) */
  resourceId: z.string().nullable(),
  docker: DockerState.nullable(),
  /** server clock minus agent clock when larger than 2 s, else 0 */
  clockSkewMs: z.number(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;
