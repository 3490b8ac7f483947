/**
 * Why a talk with a Docker engine failed. `unavailable` codes mean nothing answered (no socket,
 * connection refused); every other code means something answered wrongly, too slowly or not at all.
 */
export type DockerErrorCode =
  | 'docker.unavailable'
  | 'docker.timeout'
  | 'docker.connection'
  | 'docker.http_status'
  | 'docker.not_found'
  | 'docker.bad_json'
  | 'docker.too_large'
  | 'docker.bad_answer'
  | 'docker.version_too_old'
  | 'docker.version_unsupported'
  | 'docker.closed'
  | 'docker.bad_endpoint';

export class DockerEngineError extends Error {
  override readonly name = 'DockerEngineError';
  readonly code: DockerErrorCode;
  /** HTTP status, when the engine answered with one */
  readonly status: number | undefined;

  constructor(code: DockerErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

export function isDockerEngineError(err: unknown): err is DockerEngineError {
  return err instanceof DockerEngineError;
}

/** Socket errors that mean "no engine there" rather than "an engine that misbehaves". */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Turns a socket-level error into a DockerEngineError whose message says what to check. */
export function connectionError(err: unknown, where: string): DockerEngineError {
  if (isDockerEngineError(err)) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const text = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new DockerEngineError('docker.unavailable', `no Docker engine answers at ${where} (${code}); check that it runs and the address is right`, { cause: err });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new DockerEngineError('docker.connection', `permission denied on ${where}; run Pulse as a user in the docker group or give it read access to the socket`, { cause: err });
  }
  if (typeof code === 'string' && /CERT|TLS|SSL/.test(code)) {
    return new DockerEngineError('docker.connection', `TLS with the Docker engine at ${where} failed (${code}: ${text}); check the ca, cert and key files`, { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new DockerEngineError('docker.connection', `the Docker engine at ${where} closed the connection mid-answer (${code})`, { cause: err });
  }
  return new DockerEngineError('docker.connection', `talking to the Docker engine at ${where} failed: ${text}`, { cause: err });
}
