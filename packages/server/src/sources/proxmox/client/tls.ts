import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { ProxmoxError, errorForNetwork } from './errors.js';

export interface ProxmoxTls {
  /** PEM of the CA to trust, e.g. /etc/pve/pve-root-ca.pem */
  ca?: string;
  /**
   * SHA-256 of the leaf certificate's DER, hex, colons optional, any case. Several may be given
   * separated by commas or spaces (each cluster node has its own leaf certificate).
   */
  fingerprint?: string;
  /** no verification at all; only when the user asked for it */
  insecure?: boolean;
}

/** `AB:CD:...` (the way PVE shows it) -> `ABCD...`; throws on anything that is not 64 hex digits. */
export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new TypeError('A TLS fingerprint must be a SHA-256: 64 hex digits, colons optional');
  }
  return hex;
}

export function formatFingerprint(hex: string): string {
  return hex.match(/../g)?.join(':') ?? hex;
}

export function parsePins(fingerprint: string | undefined): string[] {
  if (!fingerprint?.trim()) return [];
  return fingerprint.split(/[,;\s]+/).filter(Boolean).map(normalizeFingerprint);
}

/** What a TLS socket must satisfy before a single request byte goes out. */
export interface TlsPolicy {
  ca?: string;
  /** normalised pins; any match passes */
  pins: string[];
  insecure: boolean;
}

export function tlsPolicy(settings: ProxmoxTls, endpointPin?: string): TlsPolicy {
  const pins = parsePins(settings.fingerprint);
  if (endpointPin) pins.push(normalizeFingerprint(endpointPin));
  const policy: TlsPolicy = { pins, insecure: settings.insecure === true };
  if (settings.ca) policy.ca = settings.ca;
  return policy;
}

/**
 * Decides whether the peer is trusted; returns the error to destroy the socket with, or undefined.
 *
 * A pin identifies the exact certificate, so with a pin the host name is not checked: Proxmox users
 * connect by IP and node certificates rarely list every address. With a CA and no pin the host name
 * is checked as usual (PVE's node certificates list the node's IPs), otherwise any certificate from
 * that CA would be accepted for any address.
 */
export function verifyPeer(socket: tls.TLSSocket, policy: TlsPolicy, host: string, endpoint: string): ProxmoxError | undefined {
  if (policy.insecure) return undefined;
  const cert = socket.getPeerCertificate();
  const seen = cert?.fingerprint256 ? cert.fingerprint256.replace(/:/g, '').toUpperCase() : '';
  const shown = seen ? formatFingerprint(seen) : 'none';
  if (policy.pins.length > 0) {
    if (!policy.pins.includes(seen)) {
      return new ProxmoxError(
        'proxmox.tls_fingerprint_mismatch',
        `The certificate of ${endpoint} does not match the pinned fingerprint: expected ${policy.pins.map(formatFingerprint).join(' or ')}, seen ${shown}. If the certificate was renewed on purpose, pin the new fingerprint; otherwise someone may be intercepting the connection.`,
        { endpoint, fingerprint: shown },
      );
    }
    if (policy.ca && !socket.authorized) {
      return untrusted(endpoint, shown, `it does not chain to the given CA (${socket.authorizationError})`);
    }
    return undefined;
  }
  if (!socket.authorized) return untrusted(endpoint, shown, String(socket.authorizationError));
  const hostError = tls.checkServerIdentity(host, cert);
  if (hostError) return untrusted(endpoint, shown, `it is not issued for ${host}`);
  return undefined;
}

function untrusted(endpoint: string, shown: string, why: string): ProxmoxError {
  return new ProxmoxError(
    'proxmox.tls_untrusted',
    `The certificate of ${endpoint} is not trusted: ${why}. Proxmox uses a self-signed certificate by default: pin its SHA-256 fingerprint ${shown} (after checking it on the node: pvenode cert info), or give the cluster CA (/etc/pve/pve-root-ca.pem).`,
    { endpoint, fingerprint: shown },
  );
}

export interface AgentOptions {
  policy: TlsPolicy;
  endpoint: string;
  connectTimeoutMs: number;
  maxSockets: number;
}

/**
 * One agent per endpoint. The pin is checked on `secureConnect` of every new socket, synchronously
 * inside Node's own handshake-completion path, the same place `rejectUnauthorized` destroys a socket,
 * so no request byte reaches an untrusted peer. TLS sessions are never resumed (a resumed session
 * skips verification, host-docker-proxmox-metrics.md §5.3), and the agent is rebuilt whenever the
 * TLS settings change so no keep-alive socket verified under the old settings survives.
 */
export function createEndpointAgent(options: AgentOptions): https.Agent {
  const { policy, endpoint, connectTimeoutMs } = options;
  const agent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, maxCachedSessions: 0, scheduling: 'lifo' });
  // Node keys an agent's socket pools by host, port and every TLS option of the request, a string
  // rebuilt per request (~4 KB each, thousands a minute at 500 nodes). This agent serves one
  // endpoint with TLS settings fixed at creation (createConnection below ignores per-request ones),
  // so host and port are the whole key.
  agent.getName = (opts?: { host?: string | null; port?: number | null }) => `${opts?.host ?? 'localhost'}:${opts?.port ?? ''}`;
  agent.createConnection = (opts: tls.ConnectionOptions & { host?: string }) => {
    const host = opts.host ?? 'localhost';
    const socket = tls.connect({
      ...opts,
      // Verification is ours (verifyPeer) so that a failure can name the certificate seen.
      rejectUnauthorized: false,
      // Node folds the host name check into `authorized`; keep `authorized` about the chain alone,
      // verifyPeer decides whether the name matters.
      checkServerIdentity: () => undefined,
      ...(policy.ca ? { ca: policy.ca } : {}),
      ...(net.isIP(host) ? { servername: '' } : { servername: host }),
      session: undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy(new ProxmoxError('proxmox.timeout', `Connecting to ${endpoint} timed out after ${connectTimeoutMs} ms.`, { endpoint }));
    }, connectTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const error = verifyPeer(socket, policy, host, endpoint);
      if (error) socket.destroy(error);
    });
    return socket;
  };
  return agent;
}

export interface CertificateInfo {
  /** `AB:CD:...`, uppercase, as PVE shows it (`pvenode cert info`) */
  fingerprint: string;
  subject: string;
  /** ISO 8601 */
  validTo: string;
  selfSigned: boolean;
}

/** Connects once, without trusting anything and without sending a byte of HTTP, to read the leaf. */
export function readFingerprint(url: string, timeoutMs = 10_000): Promise<CertificateInfo> {
  const target = new URL(url);
  const endpoint = target.origin;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 8006);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProxmoxError('proxmox.timeout', `Reading the certificate of ${endpoint} timed out.`, { endpoint }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      if (!cert?.fingerprint256) {
        reject(new ProxmoxError('proxmox.bad_response', `${endpoint} presented no certificate.`, { endpoint }));
        return;
      }
      resolve({
        fingerprint: cert.fingerprint256.toUpperCase(),
        subject: Object.entries(cert.subject ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', '),
        validTo: new Date(cert.valid_to).toISOString(),
        // The issuer may not be in the chain sent, so compare names rather than certificates.
        selfSigned: JSON.stringify(cert.issuer) === JSON.stringify(cert.subject),
      });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(errorForNetwork(err, endpoint));
    });
  });
}
