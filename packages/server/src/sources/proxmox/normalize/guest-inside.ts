import type { AgentFilesystem, AgentInterface, AgentOsinfo, LxcInterface } from '../answers/index.js';

/*
 * What a guest looks like from inside: addresses, OS and filesystems from the QEMU guest agent,
 * addresses of containers from PVE's lxc interfaces.
 */

export interface GuestFilesystem {
  mount: string;
  type: string;
  used: number;
  total: number;
}

export interface GuestNetwork {
  ips: string[];
  macs: string[];
}

/** Loopback, link-local and unset addresses say nothing about where the guest is reachable. */
function isUseful(ip: string): boolean {
  const lower = ip.toLowerCase();
  return !(lower.startsWith('127.') || lower === '::1' || lower.startsWith('fe80:') || lower.startsWith('169.254.') || lower === '0.0.0.0' || lower === '::');
}

const isUsefulMac = (mac: string): boolean => !/^(00:){5}00$/.test(mac.toLowerCase());

function collect(entries: Array<{ name: string; mac?: string | undefined; ips: string[] }>): GuestNetwork {
  const ips = new Set<string>();
  const macs = new Set<string>();
  for (const e of entries) {
    if (e.name === 'lo') continue;
    if (e.mac && isUsefulMac(e.mac)) macs.add(e.mac.toLowerCase());
    for (const ip of e.ips) if (isUseful(ip)) ips.add(ip);
  }
  return { ips: [...ips], macs: [...macs] };
}

export function agentNetwork(interfaces: readonly AgentInterface[]): GuestNetwork {
  return collect(
    interfaces.map((i) => ({ name: i.name, mac: i['hardware-address'], ips: (i['ip-addresses'] ?? []).map((a) => a['ip-address']) })),
  );
}

/** PVE 8 gives `inet`/`inet6` as CIDR strings; newer releases the agent-style list. */
export function lxcNetwork(interfaces: readonly LxcInterface[]): GuestNetwork {
  return collect(
    interfaces.map((i) => ({
      name: i.name,
      mac: i.hwaddr ?? i['hardware-address'],
      ips: [
        ...[i.inet, i.inet6].flatMap((cidr) => (cidr ? cidr.split(/[\s,]+/).map((c) => c.split('/')[0] ?? '') : [])),
        ...(i['ip-addresses'] ?? []).map((a) => a['ip-address']),
      ].filter(Boolean),
    })),
  );
}

/** Pseudo and read-only image filesystems: counting them would double or inflate the disk. */
const SKIP_TYPES = new Set(['squashfs', 'tmpfs', 'devtmpfs', 'overlay', 'iso9660', 'udf', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'autofs', 'fuse.snapfuse']);

/**
 * Real filesystems of a guest, one per device: bind mounts and btrfs subvolumes show the same
 * device several times with the same figures, so the first (shortest) mount point stands for it.
 */
export function agentFilesystems(list: readonly AgentFilesystem[]): GuestFilesystem[] {
  const byDevice = new Map<string, GuestFilesystem>();
  const sorted = [...list].sort((a, b) => a.mountpoint.length - b.mountpoint.length);
  for (const fs of sorted) {
    const type = fs.type ?? 'unknown';
    const total = fs['total-bytes'];
    const used = fs['used-bytes'];
    if (SKIP_TYPES.has(type) || total === undefined || used === undefined || !(total > 0)) continue;
    const device = fs.name ?? fs.mountpoint;
    if (!byDevice.has(device)) byDevice.set(device, { mount: fs.mountpoint, type, used, total });
  }
  return [...byDevice.values()];
}

/** "Debian GNU/Linux 12 (bookworm)", "Microsoft Windows Server 2022 Standard". */
export function agentOs(info: AgentOsinfo | undefined): string | undefined {
  if (!info) return undefined;
  return info['pretty-name'] ?? ([info.name, info.version].filter(Boolean).join(' ') || undefined);
}
