export { createConnectionService, type ConnectionService, type ConnectionServiceDeps } from './service.js';
export { DEFAULT_INTERVAL_MS, DEFAULT_PORT, normalizeEndpoint, normalizeFingerprint } from './normalize.js';
export { setupScript, SETUP_TOKEN, SETUP_USER } from './setup-script.js';
export * from './schema.js';
export * from './types.js';
