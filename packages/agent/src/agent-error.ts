/**
 * Why an agent command failed. The CLI turns the code into an exit status once (see cli.ts); the
 * running loop never throws these, it logs and goes on.
 */
export type AgentErrorCode =
  | 'agent.usage'
  | 'agent.config_missing'
  | 'agent.config_invalid'
  | 'agent.server_unreachable'
  | 'agent.server_timeout'
  | 'agent.server_error'
  | 'agent.bad_answer'
  | 'agent.install_token_invalid'
  | 'agent.token_refused';

export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isAgentError(err: unknown): err is AgentError {
  return err instanceof AgentError;
}
