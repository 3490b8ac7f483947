import { z } from 'zod';
import { listOf, num, optFlag, optNum, optText, text } from './coerce.js';
import { ClusterResource } from './pve-cluster.js';

/*
 * Per-guest answers: status/current, config, the QEMU guest agent (proxied by PVE) and LXC
 * interfaces. Read only for running guests, and only as far as Pulse uses them.
 */

/** What the guest agent setting says: `{enabled, available?}` whatever its spelling. */
export interface AgentSetting {
  enabled: boolean;
  /** PVE 8.3+ object form: the agent answered its last ping */
  available?: boolean;
}

/**
 * `agent` in status/current is 0/1 on older releases and `{enabled, available}` on 8.3+; in the
 * config it is a property string ("1", "enabled=1,fstrim_cloned_disks=1", "0").
 */
export function readAgentSetting(v: unknown): AgentSetting | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return { enabled: v };
  if (typeof v === 'number') return { enabled: v !== 0 };
  if (typeof v === 'string') {
    const first = v.split(',')[0]?.trim() ?? '';
    const value = first.startsWith('enabled=') ? first.slice('enabled='.length) : first;
    return { enabled: value === '1' || value === 'true' || value === 'yes' || value === 'on' };
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const enabled = readAgentSetting(o.enabled)?.enabled ?? false;
    const available = o.available === undefined || o.available === null ? undefined : readAgentSetting(o.available)?.enabled;
    return available === undefined ? { enabled } : { enabled, available };
  }
  return undefined;
}

const agentSetting = z.unknown().transform((v, ctx) => {
  const setting = readAgentSetting(v);
  if (v !== undefined && v !== null && setting === undefined) {
    ctx.issues.push({ code: 'custom', message: 'agent is neither a number, a string nor {enabled, available}', input: v });
    return z.NEVER;
  }
  return setting;
});

/** `GET /nodes/{node}/{qemu|lxc}/{vmid}/status/current` */
export const GuestStatus = z.object({
  status: optText,
  /** QEMU's own run state: "running", "paused", "prelaunch", ... */
  qmpstatus: optText,
  vmid: optNum,
  name: optText,
  cpu: optNum,
  cpus: optNum,
  mem: optNum,
  maxmem: optNum,
  memhost: optNum,
  /** current balloon target, bytes */
  balloon: optNum,
  ballooninfo: z
    .object({ actual: optNum, max_mem: optNum, total_mem: optNum, free_mem: optNum, last_update: optNum })
    .optional(),
  /** the balloon driver's free memory inside the guest (cache counts as used) */
  freemem: optNum,
  swap: optNum,
  maxswap: optNum,
  disk: optNum,
  maxdisk: optNum,
  uptime: optNum,
  agent: agentSetting.optional(),
  ha: z.object({ managed: optFlag, state: optText }).optional(),
  lock: optText,
  tags: optText,
  template: optFlag,
});
export type GuestStatus = z.output<typeof GuestStatus>;

/** `GET /nodes/{node}/qemu/{vmid}/config`, the parts Pulse reads. */
export const QemuConfig = z.object({
  name: optText,
  /** "uuid=5b0f...,manufacturer=..." : the uuid is the SMBIOS system UUID the guest sees */
  smbios1: optText,
  agent: agentSetting.optional(),
  ostype: optText,
  tags: optText,
});
export type QemuConfig = z.output<typeof QemuConfig>;

/** The uuid of a `smbios1` property string, lowercased as dmidecode and the agent print it. */
export function smbiosUuid(smbios1: string | undefined): string | undefined {
  const match = smbios1 ? /(?:^|,)uuid=([0-9a-fA-F-]{32,36})(?:,|$)/.exec(smbios1) : null;
  return match?.[1]?.toLowerCase();
}

/** PVE wraps guest agent replies as `{result: ...}`; accept the bare reply as well. */
const agentReply = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && 'result' in v ? (v as { result: unknown }).result : v), schema);

/** `.../agent/get-fsinfo` */
export const AgentFilesystem = z.object({
  name: optText,
  mountpoint: text,
  type: optText,
  'total-bytes': optNum,
  'used-bytes': optNum,
});
export type AgentFilesystem = z.output<typeof AgentFilesystem>;
export const AgentFsinfo = agentReply(listOf(AgentFilesystem));

const IpAddress = z.object({ 'ip-address': text, 'ip-address-type': optText, prefix: optNum });

/** `.../agent/network-get-interfaces` */
export const AgentInterface = z.object({
  name: text,
  'hardware-address': optText,
  'ip-addresses': listOf(IpAddress).optional(),
});
export type AgentInterface = z.output<typeof AgentInterface>;
export const AgentInterfaces = agentReply(listOf(AgentInterface));

/** `.../agent/get-osinfo` */
export const AgentOsinfo = agentReply(
  z.object({
    id: optText,
    name: optText,
    'pretty-name': optText,
    version: optText,
    'version-id': optText,
    'kernel-release': optText,
    machine: optText,
  }),
);
export type AgentOsinfo = z.output<typeof AgentOsinfo>;

/** `.../agent/get-host-name` */
export const AgentHostName = agentReply(z.object({ 'host-name': text }));
export type AgentHostName = z.output<typeof AgentHostName>;

/** `.../agent/file-read?file=/proc/meminfo` */
export const AgentFileRead = z.object({ content: text, truncated: optFlag });
export type AgentFileRead = z.output<typeof AgentFileRead>;

/** MemTotal and MemAvailable (bytes) from /proc/meminfo text; undefined when either is missing. */
export function parseProcMeminfo(content: string): { total: number; available: number } | undefined {
  const kib = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(content);
    return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
  };
  const total = kib('MemTotal');
  const available = kib('MemAvailable');
  return total !== undefined && available !== undefined && available <= total ? { total, available } : undefined;
}

/**
 * `GET /nodes/{node}/lxc/{vmid}/interfaces`: `hwaddr`/`inet`/`inet6` ("10.0.0.5/24") on PVE 8,
 * agent-style `hardware-address`/`ip-addresses` on newer releases.
 */
export const LxcInterface = z.object({
  name: text,
  hwaddr: optText,
  'hardware-address': optText,
  inet: optText,
  inet6: optText,
  'ip-addresses': listOf(IpAddress).optional(),
});
export type LxcInterface = z.output<typeof LxcInterface>;
export const LxcInterfaces = listOf(LxcInterface);

/** `GET /nodes/{node}/{qemu|lxc}/{vmid}/snapshot`; always includes the pseudo-snapshot "current". */
export const Snapshot = z.object({ name: text, snaptime: optNum, parent: optText, description: optText, vmstate: optFlag });
export type Snapshot = z.output<typeof Snapshot>;
export const Snapshots = listOf(Snapshot);

/**
 * `GET /nodes/{node}/qemu` and `/lxc`: the fallback when /cluster/resources is not readable.
 * Entries carry no `id`, `node` or (qemu) `type`, and LXC sends `vmid` as a string.
 */
export const GuestListEntry = ClusterResource.omit({ id: true, type: true }).extend({ vmid: num, cpus: optNum, swap: optNum, maxswap: optNum });
export type GuestListEntry = z.output<typeof GuestListEntry>;
export const GuestList = listOf(GuestListEntry);

/** Guest list entries of one node as /cluster/resources rows. */
export function guestListRows(kind: 'qemu' | 'lxc', node: string, entries: readonly GuestListEntry[]): ClusterResource[] {
  return entries.map(({ cpus, swap: _swap, maxswap: _maxswap, ...e }) => ({ ...e, id: `${kind}/${e.vmid}`, type: kind, node, maxcpu: e.maxcpu ?? cpus }));
}
