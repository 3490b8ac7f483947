import { readUtf8 } from './kernel-files.js';
import type { ReadText } from './kernel-files.js';
import { countFields, isBlank, lineEnd, readNumbers, skipBlanks } from './text-scan.js';
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
// physical NICs only). ifb devices (tc ingress shaping) carry traffic redirected from another
// interface and get a random MAC at every boot (addr_assign_type 1), which would change the host's
// identity on each restart; the recorded Firecracker VM fixture has two.
const virtualInterface = /^(lo|veth.*|br-.*|docker0|virbr.*|vmbr\d+.*|tap\d+i\d+|fw(br|ln)\d+i\d+|fwpr\d+p\d+|ifb\d+)$/;

export function isPhysicalInterface(name: string): boolean {
  return !virtualInterface.test(name);
}

/** Counters for every non-virtual interface in `/proc/net/dev`. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const interfaces = new Map<string, NetCounters>();
  const f = new Array<number>(11).fill(0);
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    // Old kernels print `eth0:123` with no space after the colon, so split on the colon.
    const colon = text.indexOf(':', start);
    const lineStart = start;
    start = end + 1;
    if (colon < 0 || colon >= end) continue;
    const nameStart = skipBlanks(text, lineStart, colon);
    let nameEnd = colon;
    while (nameEnd > nameStart && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--;
    if (nameEnd === nameStart) continue;
    const name = text.slice(nameStart, nameEnd);
    if (!isPhysicalInterface(name) || countFields(text, colon + 1, end) < 11) continue;
    readNumbers(text, colon + 1, end, f);
    interfaces.set(name, {
      rxBytes: f[0]!, rxPackets: f[1]!, rxErrors: f[2]!,
      txBytes: f[8]!, txPackets: f[9]!, txErrors: f[10]!,
    });
  }
  return interfaces;
}

function readOptional(path: string, read: ReadText): string | undefined {
  try {
    return read(path).trim();
  } catch {
    // Virtual links answer EINVAL for `speed`; an interface removed mid-read answers ENOENT.
    return undefined;
  }
}

/**
 * Link state from sysfs. `operstate` is `unknown` for tun/WireGuard and some virtual NICs that do
 * pass traffic, so for those the administrative IFF_UP flag decides.
 */
export function readLinkState(sysRoot: string, name: string, read: ReadText = readUtf8): { up: boolean; speedMbps: number | null } {
  const dir = `${sysRoot}/class/net/${name}`;
  const operstate = readOptional(`${dir}/operstate`, read);
  const up = operstate === 'up'
    || (operstate === 'unknown' && (Number(readOptional(`${dir}/flags`, read)) & 1) === 1);
  const speed = Number(readOptional(`${dir}/speed`, read) ?? NaN);
  return { up, speedMbps: Number.isFinite(speed) && speed > 0 ? speed : null };
}

/**
 * readLinkState for every collection: `operstate` (and IFF_UP while it is `unknown`) is read each
 * time, `speed` only when the state changed or `rescanMs` passed, since a link renegotiates its
 * speed only by going down and up again. Halves the sysfs reads per interface on a 1 s cadence.
 */
export function createLinkStateReader(options: { sysRoot: string; read: ReadText; now: () => number; rescanMs: number }): (name: string) => { up: boolean; speedMbps: number | null } {
  const { sysRoot, read, now, rescanMs } = options;
  const known = new Map<string, { operstate: string | undefined; speedMbps: number | null; readAt: number; usedAt: number }>();
  return (name) => {
    const at = now();
    const dir = `${sysRoot}/class/net/${name}`;
    const operstate = readOptional(`${dir}/operstate`, read);
    const up = operstate === 'up'
      || (operstate === 'unknown' && (Number(readOptional(`${dir}/flags`, read)) & 1) === 1);
    let entry = known.get(name);
    if (!entry || entry.operstate !== operstate || at < entry.readAt || at - entry.readAt >= rescanMs) {
      const speed = Number(readOptional(`${dir}/speed`, read) ?? NaN);
      entry = { operstate, speedMbps: Number.isFinite(speed) && speed > 0 ? speed : null, readAt: at, usedAt: at };
      known.set(name, entry);
      // Interfaces nobody asked about for a while are gone: forget them.
      for (const [other, { usedAt }] of known) if (at - usedAt > rescanMs) known.delete(other);
    }
    entry.usedAt = at;
    return { up, speedMbps: entry.speedMbps };
  };
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
