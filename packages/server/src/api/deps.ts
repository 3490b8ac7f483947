import type { Logger } from 'pino';
import type { Registry as PromRegistry } from 'prom-client';
import type { AgentService, InstallAssets } from '../agents/index.js';
import type { Authenticate, ConnectionTokenService, LoginLimiter, Principal, SessionService, TokenService } from '../auth/index.js';
import type { Config } from '../config/index.js';
import type { ConnectionRuntime, ConnectionService } from '../connections/index.js';
import type { StorageReport } from '../history/storage-report.js';
import type { MetricStore, RetentionMs } from '../history/types.js';
import type { AlertsApi } from './routes/alert-rules.js';
import type { ApmApi } from './routes/apm.js';
import type { NotificationsApi } from './routes/channels.js';
import type { MonitorsApi } from './routes/monitors.js';
import type { RecentSeries, Registry } from '../resources/index.js';
import type { StateStore } from '../store/index.js';

/** Everything the HTTP API needs, handed in by the composition root. */
export interface ApiDeps {
  config: () => Config;
  version: string;
  now: () => number;
  logger: Logger;
  store: StateStore;
  registry: Registry;
  series: RecentSeries;
  history: {
    store: MetricStore;
    retention: () => RetentionMs;
    /** what the database holds; null in memory-only mode */
    report: () => Promise<StorageReport | null>;
  };
  sessions: SessionService;
  tokens: TokenService;
  authenticate: Authenticate;
  connectionTokens: ConnectionTokenService;
  loginLimiter: LoginLimiter;
  metrics: PromRegistry;
  /** Ends live realtime connections of principals that lost access (sign-out, revoked token). */
  endConnections: (match: (principal: Principal) => boolean) => number;
  /** Enrolled push agents: install tokens, enrolment, report ingest. */
  agents: AgentService;
  /** The agent installer template and bundle handed to machines being enrolled. */
  agentAssets: InstallAssets;
  /** Stored Proxmox connections and whatever polls them; its routes exist only when given. */
  connections?: { service: ConnectionService; runtime: ConnectionRuntime } | undefined;
  /** Uptime monitors, maintenance windows and push; their routes exist only when given. */
  monitors?: MonitorsApi | undefined;
  /** Alerts, their rules, overrides and settings; their routes exist only when given. */
  alerts?: AlertsApi | undefined;
  /** Notification channels and deliveries; their routes exist only when given. */
  notifications?: NotificationsApi | undefined;
  /** APM: ingest of instrumented apps' batches and their views; its routes exist only when given. */
  apm?: ApmApi | undefined;
  /** Directory of the built web app; absent when it has not been built. */
  webRoot?: string | undefined;
}
