import { promises as dnsPromises } from 'node:dns';
import net from 'node:net';
import type { CheckResult } from '@pulse/protocol';
import { type CheckPhase, elapsedUs, networkFailure } from './check-failure.js';
import { abortable } from './deadline.js';

/**
 * Resolves a host name to one address. The default is `dns.lookup` (the OS resolver, /etc/hosts
 * included, like a browser); tests and special setups pass their own (e.g. a `dns.promises.Resolver`
 * pointed at a given server).
 */
export type HostLookup = (hostname: string, family: 0 | 4 | 6) => Promise<{ address: string; family: number }>;

export const systemLookup: HostLookup = (hostname, family) => dnsPromises.lookup(hostname, { family, all: false });

/** Where one connection (one HTTP hop or a TCP check) is in its life, and what each phase took. */
export interface PhaseTrace {
  phase: CheckPhase;
  dnsUs?: number;
  connectUs?: number;
  tlsUs?: number;
  ttfbUs?: number;
  downloadUs?: number;
  ip?: string;
  /** what the handshake showed, kept even when the certificate is then refused */
  tls?: CheckResult['tls'];
}

/** URL host names keep IPv6 brackets; sockets and `net.isIP` want them off. */
export const bareHost = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** The DNS phase: skipped (no `dnsUs`) for IP literals, which is how the waterfall shows "no DNS". */
export async function resolvePhase(host: string, family: 0 | 4 | 6, lookup: HostLookup, trace: PhaseTrace, signal: AbortSignal): Promise<string> {
  const bare = bareHost(host);
  if (net.isIP(bare)) {
    trace.ip = bare;
    return bare;
  }
  trace.phase = 'dns';
  const start = process.hrtime.bigint();
  try {
    const { address } = await abortable(lookup(bare, family), signal);
    trace.dnsUs = elapsedUs(start);
    trace.ip = address;
    return address;
  } catch (error) {
    if (signal.aborted) throw error;
    throw networkFailure(error, 'dns', bare);
  }
}

/**
 * The TCP phase: from `connect()` to the kernel's SYN-ACK, i.e. one network round trip plus the
 * server's kernel (not its accept() loop: the kernel completes the handshake on its own).
 */
export async function connectPhase(ip: string, port: number, trace: PhaseTrace, signal: AbortSignal): Promise<net.Socket> {
  trace.phase = 'connect';
  const start = process.hrtime.bigint();
  const socket = net.connect({ host: ip, port, noDelay: true });
  const target = net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
  try {
    await abortable(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      signal,
      () => socket.destroy(),
    );
  } catch (error) {
    socket.destroy();
    if (signal.aborted) throw error;
    throw networkFailure(error, 'connect', target);
  }
  trace.connectUs = elapsedUs(start);
  // the spent once('error') listener stays: it keeps a late error from crashing the process before
  // TLS or HTTP attach their own
  return socket;
}
