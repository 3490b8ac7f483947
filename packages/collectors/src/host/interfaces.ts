import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNumber } from './proc-readers.js';
import type { Rates } from './rates.js';

export interface NetCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
}

/** One interface; every count is per second over the last interval. */
export interface InterfaceUsage {
  name: string;
  rxBps: number;
  txBps: number;
  rxPackets: number;
  txPackets: number;
  rxErrors: number;
  txErrors: number;
  up: boolean;
  /** Link speed; null when the driver reports none (-1, EINVAL on virtual links). */
  speedMbps: number | null;
}

// Loopback, bridges and guest plumbing: their traffic is already counted on the real uplink, and
// their MACs are generated or copied from a port, so they would only add noise to sums and to host
// identity. Proxmox names a VM's NIC tap<vmid>i<n> and its firewall bridge pieces fwbr/fwpr/fwln,
// and its bridges vmbr<n>; counting them doubles a node's traffic (its own node view sums
// physical NICs only).
const virtualInterface = /^(lo|veth.*|br-.*|docker0|virbr.*|vmbr\d+.*|tap\d+i\d+|fw(br|ln)\d+i\d+|fwpr\d+p\d+)$/;

export function isPhysicalInterface(name: string): boolean {
  return !virtualInterface.test(name);
}

/** Counters for every non-virtual interface in `/proc/net/dev`. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const interfaces = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    // Old kernels print `eth0:123` with no space after the colon, so split on the colon.
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (!name || f.length < 11 || !isPhysicalInterface(name)) continue;
    interfaces.set(name, {
      rxBytes: toNumber(f[0]), rxPackets: toNumber(f[1]), rxErrors: toNumber(f[2]),
      txBytes: toNumber(f[8]), txPackets: toNumber(f[9]), txErrors: toNumber(f[10]),
    });
  }
  return interfaces;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    // Virtual links answer EINVAL for `speed`; an interface removed mid-read answers ENOENT.
    return undefined;
  }
}

/**
 * Link state from sysfs. `operstate` is `unknown` for tun/WireGuard and some virtual NICs that do
 * pass traffic, so for those the administrative IFF_UP flag decides.
 */
export function readLinkState(sysRoot: string, name: string): { up: boolean; speedMbps: number | null } {
  const dir = join(sysRoot, 'class/net', name);
  const operstate = readOptional(join(dir, 'operstate'));
  const up = operstate === 'up'
    || (operstate === 'unknown' && (Number(readOptional(join(dir, 'flags'))) & 1) === 1);
  const speed = Number(readOptional(join(dir, 'speed')) ?? NaN);
  return { up, speedMbps: Number.isFinite(speed) && speed > 0 ? speed : null };
}

export function interfaceUsage(
  name: string, rate: Rates<NetCounters>, link: { up: boolean; speedMbps: number | null },
): InterfaceUsage {
  return {
    name,
    rxBps: rate.rxBytes, txBps: rate.txBytes,
    rxPackets: rate.rxPackets, txPackets: rate.txPackets,
    rxErrors: rate.rxErrors, txErrors: rate.txErrors,
    ...link,
  };
}
