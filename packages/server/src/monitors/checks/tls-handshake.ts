import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CheckResult } from '@pulse/protocol';
import { CheckFailure, elapsedUs, networkFailure } from './check-failure.js';
import type { PhaseTrace } from './connection-phases.js';
import { abortable } from './deadline.js';

export type TlsFacts = NonNullable<CheckResult['tls']>;
type CertificateInfo = NonNullable<TlsFacts['certificate']>;

export interface TlsTarget {
  /** the URL's host (bare): SNI and the name the certificate must match */
  host: string;
  verifyTls: boolean;
  /** extra trust anchors (a private CA); the system store otherwise */
  ca?: string | string[];
  now: () => number;
}

const DAY_MS = 86_400_000;

/** Trust failures OpenSSL reports for a chain we cannot anchor. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'INVALID_CA', 'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_REVOKED',
]);

/**
 * The TLS phase: ClientHello to Finished over the already-connected socket. Verification is done by
 * us after the handshake (`rejectUnauthorized: false`), so the certificate is reported even when it
 * is not trusted, and a `verifyTls: false` check still sees expiry.
 */
export async function tlsPhase(socket: net.Socket, target: TlsTarget, trace: PhaseTrace, signal: AbortSignal): Promise<{ socket: tls.TLSSocket; facts: TlsFacts }> {
  trace.phase = 'tls';
  const start = process.hrtime.bigint();
  const secure = tls.connect({
    socket,
    host: target.host,
    // SNI must be a DNS name (RFC 6066); Node warns and drops IP literals anyway
    ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
    ALPNProtocols: ['http/1.1'],
    rejectUnauthorized: false,
    ...(target.ca ? { ca: target.ca } : {}),
  });
  try {
    await abortable(
      new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      }),
      signal,
      () => secure.destroy(),
    );
  } catch (error) {
    secure.destroy();
    socket.destroy();
    if (signal.aborted) throw error;
    const failure = networkFailure(error, 'tls', target.host);
    throw failure.code === 'tcp.reset' || failure.code === 'tcp.failed'
      ? new CheckFailure('tls.failed', `the TLS handshake with ${target.host} failed: ${(error as Error).message}`, 'tls')
      : failure;
  }
  trace.tlsUs = elapsedUs(start);
  const facts = describeTls(secure, target.now());
  trace.tls = facts;
  if (target.verifyTls && !secure.authorized) {
    secure.destroy();
    socket.destroy();
    throw trustFailure(String(secure.authorizationError ?? ''), target.host, facts.certificate, target.now());
  }
  return { socket: secure, facts };
}

export function describeTls(socket: tls.TLSSocket, now: number): TlsFacts {
  const facts: TlsFacts = {};
  const protocol = socket.getProtocol();
  if (protocol) facts.protocol = protocol;
  const cipher = socket.getCipher();
  if (cipher?.name) facts.cipher = cipher.name;
  const peer = socket.getPeerCertificate();
  if (peer?.raw) facts.certificate = certificateInfo(new X509Certificate(peer.raw), now);
  return facts;
}

export function certificateInfo(cert: X509Certificate, now: number): CertificateInfo {
  const validTo = Date.parse(cert.validTo);
  const info: CertificateInfo = {
    // X509Certificate puts one RDN per line; one line reads better in a table
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    validFrom: Date.parse(cert.validFrom),
    validTo,
    daysLeft: Math.floor((validTo - now) / DAY_MS),
    fingerprint256: cert.fingerprint256,
  };
  const altNames = cert.subjectAltName?.split(', ').map((name) => name.replace(/^IP Address:/, 'IP:'));
  if (altNames?.length) info.altNames = altNames;
  return info;
}

/** An expired certificate is named as such whatever OpenSSL listed first (expiry is what to fix). */
function trustFailure(code: string, host: string, cert: CertificateInfo | undefined, now: number): CheckFailure {
  if (code === 'CERT_HAS_EXPIRED' || (cert && cert.validTo < now)) {
    const when = cert ? ` on ${new Date(cert.validTo).toISOString().slice(0, 10)}` : '';
    return new CheckFailure('tls.expired', `the certificate of ${host} expired${when}: renew it`, 'tls');
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = cert?.altNames?.join(', ') ?? cert?.subject ?? 'other names';
    return new CheckFailure('tls.hostname', `the certificate is for ${names}, not ${host}`, 'tls');
  }
  if (UNTRUSTED.has(code)) {
    return new CheckFailure('tls.untrusted', `the certificate of ${host} is not trusted (${code}): use a CA-signed certificate or turn off TLS verification for this monitor`, 'tls');
  }
  return new CheckFailure('tls.failed', `the certificate of ${host} was rejected (${code || 'unknown reason'})`, 'tls');
}
