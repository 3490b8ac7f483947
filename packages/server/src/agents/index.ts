export { createAgentService, type AgentService, type AgentServiceOptions, installTokenInvalid, agentTokenInvalid } from './agent-service.js';
export type { AgentState } from './agent-state.js';
export { AgentError, type AgentErrorCode } from './errors.js';
export { createInstallAssets, defaultAgentAssetsDir, renderInstallScript, type InstallAssets } from './install-assets.js';
export type { InstallTokenService } from './install-tokens.js';
export { readReportBody, type BodyLimits } from './report-body.js';
export { bearerOf } from './secrets.js';
