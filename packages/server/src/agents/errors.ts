/** What can go wrong between an agent and the server; api/routes/agents.ts maps each code to an HTTP status. */
export type AgentErrorCode =
  | 'agent.install_token_invalid'
  | 'agent.token_invalid'
  | 'agent.report_too_large'
  | 'agent.report_malformed'
  | 'agent.report_encoding'
  | 'agent.limit_reached'
  | 'agent.bundle_missing';

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}
