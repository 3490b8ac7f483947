import type { Db } from './database.js';
import { createInstallTokenRepo } from './agent-install-tokens.js';
import { createAlertOverrideRepo, createAlertRuleRepo } from './alert-rules.js';
import { createAlertRepo } from './alerts.js';
import { createAgentRepo } from './agents.js';
import { createAuditLog } from './audit.js';
import { createConnectionRepo } from './connections.js';
import { createMaintenanceWindowRepo } from './maintenance-windows.js';
import { createMonitorIncidentRepo } from './monitor-incidents.js';
import { createMonitorRepo } from './monitors.js';
import { createNotificationChannelRepo } from './notification-channels.js';
import { createNotificationOutboxRepo } from './notification-outbox.js';
import { createResourceRepo } from './resources.js';
import { createSessionRepo } from './sessions.js';
import { createSettingsRepo } from './settings.js';
import { createStatusPageRepository } from './status-pages.js';
import { createTokenRepo } from './tokens.js';
import { createUserRepo } from './users.js';

/** The state store: one repository per table, over SQLite or PostgreSQL alike. */
export function createStateStore(db: Db) {
  return {
    dialect: db.dialect,
    users: createUserRepo(db.kysely),
    sessions: createSessionRepo(db.kysely),
    tokens: createTokenRepo(db.kysely),
    resources: createResourceRepo(db.kysely),
    settings: createSettingsRepo(db.kysely),
    audit: createAuditLog(db.kysely),
    agents: createAgentRepo(db.kysely),
    installTokens: createInstallTokenRepo(db.kysely),
    connections: createConnectionRepo(db.kysely),
    monitors: createMonitorRepo(db.kysely),
    monitorIncidents: createMonitorIncidentRepo(db.kysely),
    maintenanceWindows: createMaintenanceWindowRepo(db.kysely),
    statusPages: createStatusPageRepository(db.kysely),
    notificationChannels: createNotificationChannelRepo(db.kysely),
    notificationOutbox: createNotificationOutboxRepo(db.kysely),
    alertRules: createAlertRuleRepo(db.kysely),
    alertOverrides: createAlertOverrideRepo(db.kysely),
    alerts: createAlertRepo(db.kysely),
    close: () => db.close(),
  };
}
export type StateStore = ReturnType<typeof createStateStore>;
