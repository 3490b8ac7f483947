import { z } from 'zod';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const DockerRemote = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, "_", "." or "-"'),
  url: z.string().regex(/^(tcp|https|unix):\/\//, 'a tcp://host:2376, https://host:2376 or unix:///path.sock URL'),
  /** PEM files for TLS; cert and key together */
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** allow plain tcp:// without TLS: an open Docker API is root on that machine, so it must be asked for */
  insecure: z.boolean().default(false),
  interval_ms: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
  timeout_ms: z.coerce.number().int().min(100).max(120_000).default(5000),
  stats_concurrency: z.coerce.number().int().min(1).max(32).default(4),
}).refine((r) => (r.cert === undefined) === (r.key === undefined), { message: 'cert and key go together', path: ['key'] })
  .refine((r) => !r.url.startsWith('tcp://') || r.insecure || r.ca !== undefined || r.cert !== undefined, {
    message: 'plain tcp:// has no TLS: give ca (and cert/key), use https://, or set insecure = true', path: ['url'],
  });

/**
 * Every setting Pulse reads, with its default. Keys are the TOML keys; `ENV_KEYS` maps the
 * environment variables onto them. One schema validates all three layers after they merge.
 */
export const ConfigSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.coerce.number().int().min(0).max(65535).default(7655),
  data_dir: z.string().min(1).default('./data'),
  database_url: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'a sqlite:<path> or postgres:// URL').optional(),
  redis_url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** key prefix in Redis, so several Pulse installations can share one server */
  redis_prefix: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, '1-64 characters from A-Z a-z 0-9 _ : . -').default('pulse:'),
  trust_proxy: z.stringbool().or(z.boolean()).default(false),
  allowed_origins: z.array(z.url()).default([]),
  /** the address people reach this Pulse at (https://pulse.example.com), for links in notifications */
  public_url: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')).optional(),
  log: z.object({ level: logLevel.default('info') }).prefault({}),
  memory: z.object({
    /**
     * How far V8 lets the heap grow past what the last full collection kept alive, in percent; 0
     * leaves V8's own choice, which on a machine with gigabytes free lets a 100 MB live heap
     * swell to 300+ MB between collections. Lower trades a little CPU for resident memory.
     */
    heap_growth_percent: z.coerce.number().int().min(0).max(400).default(5),
  }).prefault({}),
  local: z.object({
    enabled: z.stringbool().or(z.boolean()).default(true),
    interval_ms: z.coerce.number().int().min(250).max(3_600_000).default(2000),
  }).prefault({}),
  hub: z.object({
    max_frame_bytes: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(65536),
    max_queue_bytes: z.coerce.number().int().min(16 * 1024).max(256 * 1024 * 1024).default(1024 * 1024),
    max_connections: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    max_connections_per_ip: z.coerce.number().int().min(1).max(1_000_000).default(200),
    connections_per_second_per_ip: z.coerce.number().int().min(1).max(100_000).default(20),
    max_subscriptions_per_connection: z.coerce.number().int().min(1).max(100_000).default(1000),
    publishes_per_second: z.coerce.number().int().min(1).max(100_000).default(50),
    connection_token_ttl_seconds: z.coerce.number().int().min(10).max(86_400).default(300),
  }).prefault({}),
  history: z.object({
    /** keep history in memory only: no disk writes at all (lost on restart) */
    memory_only: z.stringbool().or(z.boolean()).default(false),
    flush_interval_ms: z.coerce.number().int().min(100).max(60_000).default(5000),
    retention_raw_hours: z.coerce.number().min(1).max(24 * 31).default(24),
    retention_1m_days: z.coerce.number().min(1).max(366).default(7),
    retention_1h_days: z.coerce.number().min(1).max(3660).default(90),
    retention_1d_days: z.coerce.number().min(1).max(36_600).default(730),
  }).prefault({}),
  agents: z.object({
    /** how often agents report; each answer tells them, so a change reaches them within one report */
    interval_ms: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
    /** an agent is offline after this many of its intervals without a report */
    offline_after_intervals: z.coerce.number().int().min(2).max(100).default(3),
    /** enrolments past this many agents are refused (re-enrolling an existing one is not) */
    max_agents: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** directory holding install/install.sh and dist/pulse-agent.mjs; default: packages/agent of this install */
    assets_dir: z.string().min(1).optional(),
  }).prefault({}),
  docker: z.object({
    /** Docker engines Pulse polls directly, without an agent (TOML `[[docker.remotes]]` tables) */
    remotes: z.array(DockerRemote).default([])
      .refine((list) => new Set(list.map((r) => r.name)).size === list.length, 'each remote needs its own name'),
  }).prefault({}),
  monitors: z.object({
    /** a YAML or JSON file of `{ monitors: MonitorInput[] }` applied at start (monitors as code) */
    file: z.string().min(1).optional(),
    /** failed checks and state changes are kept this long */
    events_retention_days: z.coerce.number().int().min(1).max(3660).default(90),
    /** checks running at once in this process */
    concurrency: z.coerce.number().int().min(1).max(10_000).default(200),
    /** with redis_url: this server works the check queue too, besides `pulse worker` processes */
    local_worker: z.stringbool().or(z.boolean()).default(true),
  }).prefault({}),
  alerts: z.object({
    /** resolved alerts are kept this long, then removed */
    history_days: z.coerce.number().int().min(1).max(3660).default(90),
    /** how often time-based alert work runs (for-durations, renotify, escalation, quiet hours) */
    tick_ms: z.coerce.number().int().min(100).max(60_000).default(5000),
  }).prefault({}),
  apm: z.object({
    /** read what SDKs write with the Redis transport; default: on when a Redis URL (here or redis_url) is set */
    read_redis: z.stringbool().or(z.boolean()).optional(),
    /** the Redis the SDKs write to, when it is not redis_url */
    redis_url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
    /** the SDKs' key prefix; default: redis_prefix (`pulse:`, the SDK's default too) */
    redis_prefix: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, '1-64 characters from A-Z a-z 0-9 _ : . -').optional(),
    redis_poll_ms: z.coerce.number().int().min(250).max(60_000).default(2000),
    /** how often lost instances are marked and changed apps published on `app:<name>` */
    tick_ms: z.coerce.number().int().min(100).max(60_000).default(2000),
    /** routes kept per app (least recently seen beyond); each costs ~15 KB */
    max_routes_per_app: z.coerce.number().int().min(10).max(10_000).default(200),
    /** exception groups kept per app (least recently seen beyond); each costs ~4 KB */
    max_fingerprints_per_app: z.coerce.number().int().min(10).max(10_000).default(100),
  }).prefault({}),
  secrets: z.object({
    /** base64 of 32 random bytes encrypting stored credentials; checked (never shown) at start-up by secrets/key-source.ts */
    key: z.string().min(1).optional(),
    /** where the key lives when `key` is not set; default <data_dir>/secret.key, created on first start */
    key_file: z.string().min(1).optional(),
    /** keys rotated out: still open what they sealed, until it is sealed again with `key` */
    previous_keys: z.array(z.string().min(1)).default([]),
  }).prefault({}),
  auth: z.object({
    session_ttl_hours: z.coerce.number().int().min(1).max(24 * 365).default(24 * 7),
    login_max_attempts: z.coerce.number().int().min(1).max(1000).default(5),
    lockout_minutes: z.coerce.number().int().min(1).max(24 * 60).default(15),
  }).prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Environment variables and the key each one sets. */
export const ENV_KEYS: Record<string, string> = {
  PULSE_HOST: 'host',
  PULSE_PORT: 'port',
  PULSE_DATA_DIR: 'data_dir',
  PULSE_DATABASE_URL: 'database_url',
  PULSE_REDIS_URL: 'redis_url',
  PULSE_REDIS_PREFIX: 'redis_prefix',
  PULSE_TRUST_PROXY: 'trust_proxy',
  PULSE_ALLOWED_ORIGINS: 'allowed_origins',
  PULSE_PUBLIC_URL: 'public_url',
  PULSE_LOG_LEVEL: 'log.level',
  PULSE_HEAP_GROWTH_PERCENT: 'memory.heap_growth_percent',
  PULSE_LOCAL_ENABLED: 'local.enabled',
  PULSE_LOCAL_INTERVAL_MS: 'local.interval_ms',
  PULSE_HUB_MAX_FRAME_BYTES: 'hub.max_frame_bytes',
  PULSE_HUB_MAX_QUEUE_BYTES: 'hub.max_queue_bytes',
  PULSE_HUB_MAX_CONNECTIONS: 'hub.max_connections',
  PULSE_HUB_MAX_CONNECTIONS_PER_IP: 'hub.max_connections_per_ip',
  PULSE_HUB_CONNECTIONS_PER_SECOND_PER_IP: 'hub.connections_per_second_per_ip',
  PULSE_HUB_MAX_SUBSCRIPTIONS_PER_CONNECTION: 'hub.max_subscriptions_per_connection',
  PULSE_HUB_PUBLISHES_PER_SECOND: 'hub.publishes_per_second',
  PULSE_HUB_CONNECTION_TOKEN_TTL_SECONDS: 'hub.connection_token_ttl_seconds',
  PULSE_HISTORY_MEMORY_ONLY: 'history.memory_only',
  PULSE_HISTORY_FLUSH_INTERVAL_MS: 'history.flush_interval_ms',
  PULSE_HISTORY_RETENTION_RAW_HOURS: 'history.retention_raw_hours',
  PULSE_HISTORY_RETENTION_1M_DAYS: 'history.retention_1m_days',
  PULSE_HISTORY_RETENTION_1H_DAYS: 'history.retention_1h_days',
  PULSE_HISTORY_RETENTION_1D_DAYS: 'history.retention_1d_days',
  PULSE_AGENTS_INTERVAL_MS: 'agents.interval_ms',
  PULSE_AGENTS_OFFLINE_AFTER_INTERVALS: 'agents.offline_after_intervals',
  PULSE_AGENTS_MAX_AGENTS: 'agents.max_agents',
  PULSE_AGENTS_ASSETS_DIR: 'agents.assets_dir',
  PULSE_MONITORS_FILE: 'monitors.file',
  PULSE_MONITORS_EVENTS_RETENTION_DAYS: 'monitors.events_retention_days',
  PULSE_MONITORS_CONCURRENCY: 'monitors.concurrency',
  PULSE_MONITORS_LOCAL_WORKER: 'monitors.local_worker',
  PULSE_ALERTS_HISTORY_DAYS: 'alerts.history_days',
  PULSE_ALERTS_TICK_MS: 'alerts.tick_ms',
  PULSE_APM_READ_REDIS: 'apm.read_redis',
  PULSE_APM_REDIS_URL: 'apm.redis_url',
  PULSE_APM_REDIS_PREFIX: 'apm.redis_prefix',
  PULSE_APM_REDIS_POLL_MS: 'apm.redis_poll_ms',
  PULSE_APM_TICK_MS: 'apm.tick_ms',
  PULSE_APM_MAX_ROUTES_PER_APP: 'apm.max_routes_per_app',
  PULSE_APM_MAX_FINGERPRINTS_PER_APP: 'apm.max_fingerprints_per_app',
  PULSE_SECRET_KEY: 'secrets.key',
  PULSE_SECRET_KEY_FILE: 'secrets.key_file',
  PULSE_SECRET_PREVIOUS_KEYS: 'secrets.previous_keys',
  PULSE_SESSION_TTL_HOURS: 'auth.session_ttl_hours',
  PULSE_LOGIN_MAX_ATTEMPTS: 'auth.login_max_attempts',
  PULSE_LOCKOUT_MINUTES: 'auth.lockout_minutes',
};

/** Keys whose new value a running server takes on SIGHUP; the rest need a restart. */
export const RELOADABLE_KEYS = [
  'log.level', 'memory.heap_growth_percent', 'local.interval_ms', 'allowed_origins',
  'auth.session_ttl_hours', 'auth.login_max_attempts', 'auth.lockout_minutes',
  'agents.interval_ms', 'agents.offline_after_intervals', 'agents.max_agents', 'agents.assets_dir',
  'public_url', 'alerts.history_days', 'apm.max_routes_per_app', 'apm.max_fingerprints_per_app',
] as const;

/** Keys read as comma-separated lists when they come from the environment. */
export const LIST_KEYS = new Set(['allowed_origins', 'secrets.previous_keys']);
