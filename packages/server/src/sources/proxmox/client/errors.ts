export type ProxmoxErrorCode =
  | 'proxmox.unauthorized'
  | 'proxmox.forbidden'
  | 'proxmox.node_offline'
  | 'proxmox.unreachable'
  | 'proxmox.timeout'
  | 'proxmox.bad_response'
  | 'proxmox.too_large'
  | 'proxmox.tls_untrusted'
  | 'proxmox.tls_fingerprint_mismatch'
  | 'proxmox.rate_limited'
  | 'proxmox.server_error'
  | 'proxmox.not_found';

export interface ProxmoxErrorInit {
  status?: number;
  endpoint?: string;
  /** SHA-256 of the certificate the endpoint presented (TLS errors), for trust on first use */
  fingerprint?: string;
  /** when the endpoint asked us to come back (Retry-After), in ms */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Every failure of the client. Messages say what happened and what to do; they are built from
 * status lines, codes and endpoint URLs stripped of credentials, never from request headers or
 * bodies, so no secret can leak through `message`, `toString` or JSON.
 */
export class ProxmoxError extends Error {
  override readonly name = 'ProxmoxError';
  readonly code: ProxmoxErrorCode;
  readonly status?: number;
  readonly endpoint?: string;
  readonly fingerprint?: string;
  readonly retryAfterMs?: number;

  constructor(code: ProxmoxErrorCode, message: string, init: ProxmoxErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
    if (init.fingerprint !== undefined) this.fingerprint = init.fingerprint;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  toJSON(): object {
    const { code, message, status, endpoint, fingerprint, retryAfterMs } = this;
    return { name: this.name, code, message, status, endpoint, fingerprint, retryAfterMs };
  }
}

export function isProxmoxError(err: unknown): err is ProxmoxError {
  return err instanceof ProxmoxError;
}

/** Status lines are server-chosen text: keep them short and on one line. */
function reason(statusMessage: string | undefined): string {
  const text = (statusMessage ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return text ? ` (${text})` : '';
}

/** Maps a non-2xx answer to the error the caller sees. */
export function errorForStatus(
  status: number,
  statusMessage: string | undefined,
  endpoint: string,
  retryAfterMs?: number,
): ProxmoxError {
  const at = `${endpoint}: ${status}${reason(statusMessage)}`;
  const init: ProxmoxErrorInit = { status, endpoint };
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
  switch (status) {
    case 401:
      return new ProxmoxError(
        'proxmox.unauthorized',
        `Proxmox refused the credentials at ${at}: the API token or password is wrong or expired. Check the token id and secret (or username and password).`,
        init,
      );
    case 403:
      return new ProxmoxError(
        'proxmox.forbidden',
        `Proxmox denied access at ${at}. A privilege-separated API token needs its own ACL: grant the token (not only its user) the PVEAuditor role on / (PBS: Audit on /, PMG: Auditor).`,
        init,
      );
    case 595:
      return new ProxmoxError(
        'proxmox.node_offline',
        `The target node is offline or unreachable from ${at}; other nodes still answer.`,
        init,
      );
    case 404:
    case 501:
      return new ProxmoxError(
        'proxmox.not_found',
        `No such API path or object at ${at}; the Proxmox version may not support it.`,
        init,
      );
    case 408:
    case 504:
      return new ProxmoxError('proxmox.timeout', `Proxmox timed out at ${at}.`, init);
    case 425:
    case 429:
      return new ProxmoxError('proxmox.rate_limited', `Proxmox asked us to slow down at ${at}.`, init);
    default:
      return new ProxmoxError(
        'proxmox.server_error',
        `Proxmox answered ${at}.`,
        init,
      );
  }
}

/** Maps a socket-level failure (never an HTTP answer) to an error carrying the endpoint. */
export function errorForNetwork(err: unknown, endpoint: string): ProxmoxError {
  if (err instanceof ProxmoxError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  if (code === 'ETIMEDOUT') {
    return new ProxmoxError('proxmox.timeout', `Connecting to ${endpoint} timed out.`, { endpoint, cause: err });
  }
  return new ProxmoxError(
    'proxmox.unreachable',
    `Cannot reach ${endpoint} (${detail}). Check the address, the port (PVE 8006, PBS 8007, PMG 8006) and the firewall.`,
    { endpoint, cause: err },
  );
}
