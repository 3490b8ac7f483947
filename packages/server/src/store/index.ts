export { openDatabase, type Db, type Dialect } from './database.js';
export { createStateStore, type StateStore } from './state-store.js';
export type { UserRow } from './users.js';
export type { SessionRow } from './sessions.js';
export type { ApiTokenRow } from './tokens.js';
export type { AuditEntry } from './audit.js';
export type { AgentRow } from './agents.js';
export type { InstallTokenRow } from './agent-install-tokens.js';
export type { ConnectionRow } from './connections.js';
