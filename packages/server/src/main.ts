import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub, createMemoryBroker, createMemoryPresenceStore, type Hub } from '@pulse/hub';
import type { RedisBrokerOptions, RedisPresenceStoreOptions } from '@pulse/hub/redis';
import type { Resource } from '@pulse/protocol';
import type { Logger } from 'pino';
import { createAgentService, createInstallAssets, defaultAgentAssetsDir } from './agents/index.js';
import { createAlertService, type AlertService } from './alerts/alert-service.js';
import { builtinRules } from './alerts/defaults.js';
import { createAlertEngine } from './alerts/engine.js';
import { createApi } from './api/app.js';
import { connectReaderRedis, createApmRedisReader, createApmService, createRateLimiter, INGEST_RATE } from './apm/index.js';
import { createMemoryMetricStore } from './history/metric-store-memory.js';
import { createSqlMetricStore } from './history/metric-store-sql.js';
import { retentionOf, startHistoryRecorder } from './history/recorder.js';
import { historyStorageReport } from './history/storage-report.js';
import { createAuthenticator, createConnectionTokenService, createLoginLimiter, createSessionService, createTokenService, type Principal } from './auth/index.js';
import { createAdminFromEnv } from './bootstrap-admin.js';
import { type Config, diffConfig, RELOADABLE_KEYS } from './config/index.js';
import { createConnectionService, type ConnectionService } from './connections/index.js';
import { createMaintenanceService } from './monitors/maintenance-service.js';
import { createMonitorResults, type MonitorResults } from './monitors/monitor-results.js';
import { createMonitorService, type MonitorService } from './monitors/monitor-service.js';
import { createNotifier, type Notifier } from './notifications/index.js';
import { createMonitorSource } from './monitors/monitor-source.js';
import { applyMonitorsFile } from './monitors/monitors-file.js';
import { createPushLedger, HttpAgentPool } from './monitors/checks/index.js';
import { createCheckRunner, createMonitorScheduler, type MonitorScheduler } from './monitors/schedule/index.js';
import { createLatencyHistogram, createMetrics } from './observability/metrics.js';
import { persistResources } from './persistence.js';
import { publishAlertChanges } from './realtime/alerts-publisher.js';
import { publishApmChanges } from './realtime/apm-publisher.js';
import { attachWebSocket, publishRegistryChanges, pulseNamespaces, registerRealtimeRoutes, registerSseRoute } from './realtime/index.js';
import { createRecentSeries, createRegistry, type Observation, type Source } from './resources/index.js';
import { openSecretBox } from './secrets/index.js';
import { dockerSourcesFromConfig } from './sources/docker/index.js';
import { createLocalSource } from './sources/local/index.js';
import { createProxmoxRuntime } from './sources/proxmox/index.js';
import { createStateStore, openDatabase } from './store/index.js';

export interface PulseOptions {
  config: Config;
  logger: Logger;
  version: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Built dashboard; defaults to packages/web/dist beside this package. */
  webRoot?: string | undefined;
  /** Sources started beside the configured ones (tests and tools feed the registry through these). */
  extraSources?: Source[];
}

export interface RunningPulse {
  url: string;
  port: number;
  database: 'sqlite' | 'postgres';
  hub: Hub;
  /** stored Proxmox connections (the demo adds its own through this) */
  connections: ConnectionService;
  /** uptime monitors: definitions, their live state, and when their checks run */
  monitors: { service: MonitorService; results: MonitorResults; scheduler: MonitorScheduler };
  /** alert rules, overrides, settings and the active alerts */
  alerts: AlertService;
  /** notification channels, the outbox and its delivery workers */
  notifications: Notifier;
  /** Applies the reloadable part of a new configuration and returns what changed. */
  reload(next: Config): { applied: string[]; needRestart: string[] };
  close(): Promise<void>;
}

const defaultWebRoot = () => fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The composition root: builds every part, wires the one-way data flow, and starts serving. */
export async function startPulse(options: PulseOptions): Promise<RunningPulse> {
  const { logger, version } = options;
  const now = options.now ?? Date.now;
  let config = options.config;
  const currentConfig = () => config;

  // Built first so an unreadable certificate stops start-up before anything is opened.
  const dockerSources = dockerSourcesFromConfig(config.docker.remotes, logger);
  const secretBox = openSecretBox(config.secrets, config.data_dir, logger.child({ component: 'secrets' }));
  const db = await openDatabase({ url: config.database_url, dataDir: config.data_dir });
  const store = createStateStore(db);
  await createAdminFromEnv(options.env ?? process.env, store, logger, now);

  // Uptime monitors. The monitors file is applied before anything else starts: a bad file stops start-up.
  const monitorLogger = logger.child({ component: 'monitors' });
  const monitorService = createMonitorService({ store, now });
  const maintenance = createMaintenanceService({ store, now });
  if (config.monitors.file) {
    const file = resolve(config.monitors.file);
    try {
      monitorLogger.info({ file, ...(await applyMonitorsFile(file, monitorService)) }, 'applied the monitors file');
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  await maintenance.load();

  // What was known before a restart shows at once, marked unknown until a source confirms it.
  const initial = (await store.resources.loadAll()).map((r): Resource => ({ ...r, status: 'unknown' }));
  const registry = createRegistry({ initial });
  // History keeps its retention from start-up: trimming with one retention and reading with another would disagree.
  const retention = retentionOf(config.history);
  const historyLogger = logger.child({ component: 'history' });
  const memoryOnly = config.history.memory_only;
  const historyStore = memoryOnly
    ? createMemoryMetricStore({ now, retention })
    : createSqlMetricStore({ db, now, retention, logger: historyLogger });
  const recorder = startHistoryRecorder({
    registry, store: historyStore, flushIntervalMs: config.history.flush_interval_ms,
    settings: memoryOnly ? undefined : store.settings, now, logger: historyLogger,
  });
  const history = { store: historyStore, retention: () => retention, report: () => (memoryOnly ? Promise.resolve(null) : historyStorageReport(db)) };
  // Recent series (sparklines, detail charts) are read from the history's raw tier, not kept twice.
  const series = createRecentSeries({ source: historyStore, windowMs: 3_600_000, now });
  const persistence = persistResources({ registry, store, logger, now, everyMs: 60_000, figuresEveryMs: 15 * 60_000 });
  const agents = await createAgentService({ store, registry, config: () => config.agents, now, logger: logger.child({ component: 'agents' }) });
  const agentAssets = createInstallAssets(() => config.agents.assets_dir ?? defaultAgentAssetsDir());
  const connectionService = createConnectionService({ store, box: secretBox, now, logger: logger.child({ component: 'connections' }) });
  await connectionService.reseal();
  const applyObservation = (observation: Observation): void => {
    try {
      registry.apply(observation);
    } catch (err) {
      logger.error({ err, source: observation.source }, 'could not apply an observation');
    }
  };
  const proxmox = createProxmoxRuntime({ connections: connectionService, sink: applyObservation, now, logger: logger.child({ component: 'source.proxmox' }) });
  const connections = { service: connectionService, runtime: proxmox };

  const monitorResults = createMonitorResults({ store, now, inMaintenance: maintenance.covers, logger: monitorLogger });
  const monitorSource = createMonitorSource({ now });
  monitorResults.subscribe((monitor, status, result) => monitorSource.report(monitor, status, result));
  for (const monitor of await monitorService.list()) monitorResults.track(monitor);
  await monitorResults.init();
  const pushLedger = createPushLedger();
  const agentPool = new HttpAgentPool();
  const scheduler = await createMonitorScheduler(config, {
    run: createCheckRunner({ workerName: 'local', now, agentPool, pushLedger }),
    onResult: (result) => {
      monitorResults.onResult(result).catch((err: unknown) => monitorLogger.error({ err, monitorId: result.monitorId }, 'could not apply a check result'));
    },
    logger: monitorLogger, now,
  });
  monitorService.onChange((change) => {
    if (change.kind === 'upsert') {
      monitorResults.track(change.monitor);
      scheduler.upsert(change.monitor);
      return;
    }
    scheduler.remove(change.id);
    monitorResults.forget(change.id);
    monitorSource.remove(change.id);
    pushLedger.forget(change.id);
  });
  for (const monitor of monitorResults.monitors()) scheduler.upsert(monitor);
  const monitorsApi = {
    service: monitorService, results: monitorResults, maintenance, history: { store: historyStore, retention: () => retention }, now,
    runNow: (monitor: { id: string }) => scheduler.checkNow(monitor.id),
    recordPush: (monitor: { id: string }, push: { status: 'up' | 'down'; msg?: string; ping?: number }, at: number) => pushLedger.record(monitor.id, push, at),
  };
  let pruning: Promise<unknown> = Promise.resolve();
  const pruneEvents = () => {
    pruning = monitorResults.pruneEvents(config.monitors.events_retention_days)
      .catch((err: unknown) => monitorLogger.warn({ err }, 'could not remove old monitor events; will retry in an hour'));
  };

  const sessions = createSessionService({ store, now, ttlMs: () => config.auth.session_ttl_hours * 3_600_000 });
  const tokens = createTokenService({ store, now });
  const authenticate = createAuthenticator(sessions, tokens);
  const loginLimiter = createLoginLimiter({ now, maxAttempts: () => config.auth.login_max_attempts, lockoutMs: () => config.auth.lockout_minutes * 60_000 });

  const connectionTokens = await createConnectionTokenService({
    settings: store.settings, now, ttlMs: () => config.hub.connection_token_ttl_seconds * 1000,
  });

  // Alerts and notifications: the engine evaluates every registry change synchronously; storing alerts
  // and delivering notifications (outbox + per-channel workers) happen behind it, never in its way.
  const notifications = createNotifier({
    store, box: secretBox, now, logger: logger.child({ component: 'notifications' }), resourceTags: (id) => registry.get(id)?.tags,
  });
  const alertLogger = logger.child({ component: 'alerts' });
  const alerts = await createAlertService({
    store, registry, createEngine: createAlertEngine, builtIns: builtinRules(), now, logger: alertLogger,
    notify: (notification, channels) => notifications.enqueue(notification, channels),
    tickMs: config.alerts.tick_ms, historyDays: () => config.alerts.history_days, publicUrl: () => config.public_url,
  });

  // APM (issue 9): batches over HTTP and, with a Redis, what SDKs write there; one shared tick publishes changed apps.
  const apmLogger = logger.child({ component: 'apm' });
  const apm = createApmService({ now, logger: apmLogger, limits: () => ({ maxRoutesPerApp: config.apm.max_routes_per_app, maxFingerprintsPerApp: config.apm.max_fingerprints_per_app }) });
  const apmRedisUrl = config.apm.redis_url ?? config.redis_url;
  const apmReader = apmRedisUrl && (config.apm.read_redis ?? true)
    ? createApmRedisReader({ redis: await connectReaderRedis(apmRedisUrl, apmLogger), prefix: config.apm.redis_prefix ?? config.redis_prefix, sink: apm, logger: apmLogger })
    : undefined;

  const hubLogger = logger.child({ component: 'hub' });
  // PULSE_REDIS_URL shares publications, history and presence with every other process on it.
  const redis = config.redis_url ? { url: config.redis_url, prefix: `${config.redis_prefix}hub:`, logger: hubLogger } : undefined;
  const { broker, presence } = redis ? await createRedisHubParts(redis) : { broker: createMemoryBroker(), presence: createMemoryPresenceStore() };
  const latency = createLatencyHistogram();
  const hub = createHub({
    namespaces: pulseNamespaces(registry, alerts, apm),
    broker,
    presence,
    limits: {
      maxFrameBytes: config.hub.max_frame_bytes,
      maxQueueBytes: config.hub.max_queue_bytes,
      maxConnections: config.hub.max_connections,
      maxConnectionsPerIp: config.hub.max_connections_per_ip,
      connectionsPerSecondPerIp: config.hub.connections_per_second_per_ip,
      maxSubscriptionsPerConnection: config.hub.max_subscriptions_per_connection,
      publishesPerSecond: config.hub.publishes_per_second,
    },
    observeLatency: (seconds) => latency.observe(seconds),
    logger: hubLogger,
    now,
  });
  const stopPublishing = publishRegistryChanges(registry, hub, hubLogger);
  const stopAlertPublishing = publishAlertChanges(alerts, hub, hubLogger);
  const stopApmPublishing = publishApmChanges(apm, hub, hubLogger);
  alerts.start();
  await notifications.start();
  const metrics = createMetrics({ hub: () => hub, resourceCount: () => registry.size, latency });

  const webRoot = options.webRoot ?? defaultWebRoot();
  const app = await createApi({ config: currentConfig, version, now, logger, store, registry, series, history, sessions, tokens, authenticate, connectionTokens, loginLimiter, metrics, webRoot, agents, agentAssets, connections, monitors: monitorsApi, alerts, notifications,
    apm: { service: apm, limiter: createRateLimiter({ now, ...INGEST_RATE }) },
    endConnections: (match) => {
      connectionTokens.revokeMatching(match);
      return hub.disconnect((p) => match(p as Principal));
    } });
  const allowedOrigins = () => config.allowed_origins;
  const realtimeAuth = { authenticate, connectionTokens, allowedOrigins };
  registerSseRoute(app, { hub, allowedOrigins });
  registerRealtimeRoutes(app, { hub, connectionTokens, maxPublishBytes: config.hub.max_frame_bytes });
  attachWebSocket(app.server, { hub, ...realtimeAuth, logger: logger.child({ component: 'ws' }) });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const sources: Source[] = [];
  const local = config.local.enabled ? createLocalSource({ intervalMs: config.local.interval_ms, logger: logger.child({ component: 'source.local' }) }) : undefined;
  if (local) sources.push(local);
  sources.push(monitorSource, apm.source, ...dockerSources, ...(options.extraSources ?? []));
  for (const source of sources) source.start(applyObservation);
  await proxmox.start();
  await scheduler.start();
  apm.start(config.apm.tick_ms);
  apmReader?.start(config.apm.redis_poll_ms);

  const sweep = setInterval(() => {
    sessions.removeExpired().catch((err: unknown) => logger.warn({ err }, 'could not remove expired sessions'));
    pruneEvents();
  }, 3_600_000);
  sweep.unref();
  pruneEvents();

  return {
    url: `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`,
    port,
    database: db.dialect,
    hub,
    connections: connectionService,
    monitors: { service: monitorService, results: monitorResults, scheduler },
    alerts,
    notifications,
    reload(next) {
      const applied = diffConfig(config, next, RELOADABLE_KEYS);
      const all = diffConfig(config, next, ['host', 'port', 'data_dir', 'database_url', 'redis_url', 'redis_prefix', 'trust_proxy', 'local.enabled', 'hub', 'history', 'docker', 'monitors', 'alerts.tick_ms',
        'apm.read_redis', 'apm.redis_url', 'apm.redis_prefix', 'apm.redis_poll_ms', 'apm.tick_ms']);
      config = {
        ...next, host: config.host, port: config.port, data_dir: config.data_dir, database_url: config.database_url, redis_url: config.redis_url, redis_prefix: config.redis_prefix,
        trust_proxy: config.trust_proxy, local: { ...next.local, enabled: config.local.enabled }, hub: config.hub, history: config.history, docker: config.docker, monitors: config.monitors,
        alerts: { ...next.alerts, tick_ms: config.alerts.tick_ms },
        apm: { ...config.apm, max_routes_per_app: next.apm.max_routes_per_app, max_fingerprints_per_app: next.apm.max_fingerprints_per_app },
      };
      logger.level = config.log.level;
      local?.setInterval(config.local.interval_ms);
      return { applied, needRestart: all };
    },
    async close() {
      clearInterval(sweep);
      await scheduler.stop();
      agentPool.close();
      await pruning;
      for (const source of sources) source.stop();
      proxmox.stop();
      stopPublishing();
      stopAlertPublishing();
      apm.stop();
      await apmReader?.stop();
      stopApmPublishing();
      await alerts.stop();
      await notifications.stop();
      await hub.close();
      await app.close();
      await agents.stop();
      await persistence.stop();
      await recorder.stop();
      await store.close();
      logger.info('Pulse stopped');
    },
  };
}

/** @pulse/hub/redis is imported only when Redis is configured: it loads ioredis (~55 modules). */
async function createRedisHubParts(options: RedisBrokerOptions & RedisPresenceStoreOptions) {
  const { createRedisBroker, createRedisPresenceStore } = await import('@pulse/hub/redis');
  return { broker: createRedisBroker(options), presence: createRedisPresenceStore(options) };
}
