import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them. Times are milliseconds since the epoch. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: 'admin' | 'viewer';
  created_at: number;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a leaked database holds no usable session. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** sha256 of the secret part; tokens are 256-bit random, so a fast hash is enough. */
  secret_hash: string;
  scopes: string;
  user_id: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface ResourcesTable {
  id: string;
  type: string;
  data: string;
  updated_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

/** One metric series (a resource's metric); chunks refer to it by the small integer id. */
export interface MetricSeriesTable {
  id: Generated<number>;
  resource: string;
  metric: string;
}

/** An encoded chunk of one series in one tier (see history/chunk-format.ts): never one row per sample. */
export interface MetricChunksTable {
  series_id: number;
  tier: string;
  start_t: number;
  end_t: number;
  points: number;
  data: Buffer;
}

/** The metric head log: one row per flush with that flush's samples, until their chunks are stored. */
export interface MetricHeadTable {
  seq: Generated<number>;
  data: Buffer;
}

/** Rollup progress per tier (history/maintenance.ts). */
export interface MetricRollupsTable {
  tier: string;
  done_until: number;
  series_cursor: number;
}

/** A token an admin hands out so machines can enrol agents; only the secret's sha256 is kept. */
export interface AgentInstallTokensTable {
  id: string;
  secret_hash: string;
  /** principal id of the creator (`user:<id>`, `token:<id>`) */
  created_by: string;
  created_at: number;
  expires_at: number;
  max_uses: number;
  uses: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** An enrolled push agent and the hash of its one valid token (re-enrolling replaces it). */
export interface AgentsTable {
  id: string;
  hostname: string;
  machine_id: string | null;
  version: string;
  token_hash: string;
  token_issued_at: number;
  install_token_id: string | null;
  enrolled_at: number;
  last_report_at: number | null;
  /** JSON, see agents/agent-state.ts */
  state: string | null;
  revoked_at: number | null;
}

/** A Proxmox connection (issue 6); `secret_ciphertext` is a secrets/ envelope bound to the row's id. */
export interface ConnectionsTable {
  id: string;
  name: string;
  product: 'pve' | 'pbs' | 'pmg';
  /** JSON array of https://host:port URLs, the preferred first */
  endpoints: string;
  auth_kind: 'token' | 'password';
  /** `user@realm!name` for a token, `user@realm` for a password */
  auth_user: string;
  secret_ciphertext: string;
  tls_fingerprint: string | null;
  tls_ca: string | null;
  /** 0 or 1: one integer column type on SQLite and PostgreSQL alike */
  tls_insecure: number;
  interval_ms: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}
/** An uptime monitor (issue 7); `definition` is its MonitorInput as JSON, the other columns what is looked up. */
export interface MonitorsTable {
  id: string;
  name: string;
  type: string;
  definition: string;
  /** 0 or 1 */
  enabled: number;
  /** push monitors only: the credential in /api/push/:token */
  push_token: string | null;
  /** 'ui' (API, import) or 'file' (monitors.file); the file removes only its own */
  source: 'ui' | 'file';
  created_at: number;
  updated_at: number;
}

/** A failed check or a state change of a monitor; healthy checks are not written here. */
export interface MonitorEventsTable {
  id: Generated<number>;
  monitor_id: string;
  at: number;
  kind: 'down' | 'up' | 'state';
  /** the monitor's state after the event */
  status: string;
  reason_code: string | null;
  reason_message: string | null;
  /** the CheckResult as JSON, for failed checks */
  result: string | null;
}

/** One outage; unique (monitor_id, started_at) so several servers recording it write one row. */
export interface MonitorIncidentsTable {
  id: string;
  monitor_id: string;
  started_at: number;
  ended_at: number | null;
  reason_code: string;
  reason_message: string;
}

export interface MaintenanceWindowsTable {
  id: string;
  title: string;
  /** MaintenanceWindowInput as JSON */
  definition: string;
  created_at: number;
}

export interface StatusPagesTable {
  id: string;
  slug: string;
  /** StatusPageInput as JSON */
  definition: string;
  created_at: number;
  updated_at: number;
}

/** A notification channel (issue 8); `config_sealed` is its config as JSON with each secret field a secrets/ envelope bound to `channel:<id>`. */
export interface NotificationChannelsTable {
  id: string;
  name: string;
  type: string;
  /** 0 or 1 */
  enabled: number;
  config_sealed: string;
  min_severity: 'info' | 'warning' | 'critical';
  /** JSON array of tags for the default routing */
  tags: string;
  /** 0 or 1 */
  send_resolved: number;
  created_at: number;
  updated_at: number;
}

/** One notification for one channel; unique (notification_id, channel_id). */
export interface NotificationOutboxTable {
  id: string;
  notification_id: string;
  channel_id: string;
  /** the Notification as JSON */
  payload: string;
  state: 'queued' | 'sending' | 'sent' | 'dead';
  attempts: number;
  /** queued: the earliest next try; sending: the lease's end */
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** A user's alert rule, or a user's edit of a built-in (`built_in` 1, id `builtin:<name>`); `definition` is the AlertRuleInput as JSON. */
export interface AlertRulesTable {
  id: string;
  definition: string;
  /** 0 or 1 */
  built_in: number;
  created_at: number;
  updated_at: number;
}

/** An AlertOverrideInput as JSON. */
export interface AlertOverridesTable {
  id: string;
  definition: string;
  created_at: number;
}

/** One alert instance; the whole Alert is `data`, the rest are what queries filter and sort on. */
export interface AlertsTable {
  id: string;
  rule_id: string;
  resource_id: string;
  state: string;
  severity: string;
  message: string;
  value: number | null;
  pending_since: number;
  fired_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  resolved_at: number | null;
  snoozed_until: number | null;
  held: string | null;
  parent_alert_id: string | null;
  data: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  resources: ResourcesTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  metric_series: MetricSeriesTable;
  metric_chunks: MetricChunksTable;
  metric_head: MetricHeadTable;
  metric_rollups: MetricRollupsTable;
  agent_install_tokens: AgentInstallTokensTable;
  agents: AgentsTable;
  connections: ConnectionsTable;
  monitors: MonitorsTable;
  monitor_events: MonitorEventsTable;
  monitor_incidents: MonitorIncidentsTable;
  maintenance_windows: MaintenanceWindowsTable;
  status_pages: StatusPagesTable;
  notification_channels: NotificationChannelsTable;
  notification_outbox: NotificationOutboxTable;
  alert_rules: AlertRulesTable;
  alert_overrides: AlertOverridesTable;
  alerts: AlertsTable;
}
