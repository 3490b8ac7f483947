import type { CheckResult, checkPhases } from '@pulse/protocol';

export type CheckPhase = (typeof checkPhases)[number];

/**
 * Why a check is down: a reason code from CONTRACT.md, a message for the operator and the phase it
 * happened in. Thrown inside a check and turned into a `down` result once, in `run-check.ts`.
 */
export class CheckFailure extends Error {
  constructor(readonly code: string, message: string, readonly phase?: CheckPhase) {
    super(message);
    this.name = 'CheckFailure';
  }

  get reason(): NonNullable<CheckResult['reason']> {
    return this.phase ? { code: this.code, message: this.message, phase: this.phase } : { code: this.code, message: this.message };
  }
}

/** The deadline's abort reason, so a timeout is told apart from a caller's cancel. */
export class CheckDeadline extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CheckDeadline';
  }
}

/** Integer µs since `fromNs` (a `process.hrtime.bigint()` mark). */
export const elapsedUs = (fromNs: bigint, toNs: bigint = process.hrtime.bigint()): number => Number((toNs - fromNs) / 1000n);

/** `timeout.<phase>` for the families CONTRACT.md names; phases without one fall back to `total`. */
export function timeoutFailure(phase: CheckPhase, timeoutMs: number): CheckFailure {
  const family = phase === 'dns' || phase === 'connect' || phase === 'tls' || phase === 'ttfb' || phase === 'download' ? phase : 'total';
  const waiting: Record<CheckPhase, string> = {
    dns: 'resolving the host name', connect: 'opening the TCP connection', tls: 'the TLS handshake',
    request: 'sending the request', ttfb: 'waiting for the first byte of the answer', download: 'reading the body',
    assert: 'checking the answer',
  };
  return new CheckFailure(`timeout.${family}`, `timed out after ${timeoutMs} ms while ${waiting[phase]}`, phase);
}

const hasCode = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string';

/** Socket-level errors (from `net`/`dns.lookup`) mapped to reason codes; `target` names what we tried. */
export function networkFailure(error: unknown, phase: CheckPhase, target: string): CheckFailure {
  if (error instanceof CheckFailure) return error;
  const code = hasCode(error) ? error.code : '';
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
      return new CheckFailure('dns.not_found', `${target} does not resolve (${code}): check the host name`, 'dns');
    case 'EAI_AGAIN':
    case 'ETIMEOUT':
      return new CheckFailure('dns.timeout', `the resolver did not answer for ${target} (${code})`, 'dns');
    case 'ECONNREFUSED':
      return new CheckFailure('tcp.refused', `${target} refused the connection: is the service listening on that port?`, 'connect');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EHOSTDOWN':
      return new CheckFailure('tcp.unreachable', `${target} is unreachable from this worker (${code})`, 'connect');
    case 'ECONNRESET':
    case 'EPIPE':
      return new CheckFailure('tcp.reset', `${target} reset the connection during ${phase} (${code})`, phase);
    default:
      return new CheckFailure(phase === 'tls' ? 'tls.failed' : `${phase === 'dns' ? 'dns' : 'tcp'}.failed`, `${target}: ${detail}`, phase);
  }
}
