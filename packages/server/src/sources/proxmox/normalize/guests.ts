import type { ResourceIdentity, ResourceStatus } from '@pulse/protocol';
import type { ObservedResource } from '../../../resources/observation.js';
import {
  type AgentFilesystem,
  type AgentInterface,
  type AgentOsinfo,
  type ClusterResource,
  type GuestStatus,
  type LxcInterface,
  type QemuConfig,
  type Snapshot,
  smbiosUuid,
} from '../answers/index.js';
import type { LastBackup } from './backups.js';
import { fractionToPercent, put, putUsage } from './figures.js';
import { agentFilesystems, agentNetwork, agentOs, lxcNetwork, type GuestFilesystem, type GuestNetwork } from './guest-inside.js';
import type { RateTracker } from './guest-rates.js';
import { guestId, pveNodeId, sourceId } from './ids.js';

/*
 * QEMU guests (vm) and LXC containers (system-container) from the vm rows of /cluster/resources,
 * completed by what the poller read for running guests: status/current, config, the guest agent.
 */

/** Everything optional the poller may have read for one guest. */
export interface GuestExtras {
  status?: GuestStatus;
  config?: QemuConfig;
  agentFsinfo?: AgentFilesystem[];
  agentInterfaces?: AgentInterface[];
  agentOsinfo?: AgentOsinfo;
  agentHostName?: string;
  /** /proc/meminfo through the agent's file-read, parsed with parseProcMeminfo */
  agentMeminfo?: { total: number; available: number };
  lxcInterfaces?: LxcInterface[];
  snapshots?: Snapshot[];
}

export interface PveGuestsInput {
  connection: string;
  /** /cluster/resources (or ?type=vm); rows other than qemu/lxc are ignored */
  resources: ClusterResource[];
  /** when the resources were read, ms */
  at: number;
  /** the connection's rate state; keys of guests no longer listed are dropped */
  rates: RateTracker;
  extras?: Record<number, GuestExtras>;
  /** mergeLastBackups(...) of the cluster */
  backups?: ReadonlyMap<number, LastBackup>;
  /**
   * What was derived from each guest's extras, kept by a caller that hands over the same extras
   * object while its answers are unchanged: a guest's addresses, filesystems and identity are then
   * worked out once per answer instead of every cycle, and stay the same objects.
   */
  insides?: WeakMap<GuestExtras, GuestInside>;
}

/** What a guest's extras say about its inside, derived once per extras object. */
export interface GuestInside {
  kind: 'qemu' | 'lxc';
  filesystems?: GuestFilesystem[];
  network?: GuestNetwork;
  agent?: AgentState;
  os?: string;
  identity: ResourceIdentity;
  snapshots?: number;
}

function guestInside(kind: 'qemu' | 'lxc', extras: GuestExtras | undefined): GuestInside {
  const filesystems = extras?.agentFsinfo ? agentFilesystems(extras.agentFsinfo) : undefined;
  let network: GuestNetwork | undefined;
  let agent: AgentState | undefined;
  let os: string | undefined;
  if (kind === 'qemu') {
    agent = agentState(extras);
    if (extras?.agentInterfaces) network = agentNetwork(extras.agentInterfaces);
    os = agentOs(extras?.agentOsinfo);
  } else if (extras?.lxcInterfaces) {
    network = lxcNetwork(extras.lxcInterfaces);
  }
  return {
    kind, filesystems, network, agent, os,
    identity: identityOf(kind === 'qemu' ? extras?.config : undefined, extras?.agentHostName, network),
    // "current" is PVE's "You are here!" marker, not a snapshot.
    snapshots: extras?.snapshots ? extras.snapshots.filter((s) => s.name !== 'current').length : undefined,
  };
}

function insideOf(kind: 'qemu' | 'lxc', extras: GuestExtras | undefined, insides: WeakMap<GuestExtras, GuestInside> | undefined): GuestInside {
  if (!extras || !insides) return guestInside(kind, extras);
  let inside = insides.get(extras);
  if (inside?.kind !== kind) insides.set(extras, (inside = guestInside(kind, extras)));
  return inside;
}

export type GuestMemSource = 'guest-agent' | 'balloon' | 'cluster-resources';
export type AgentState = 'running' | 'enabled-not-running' | 'disabled';

export interface GuestMemory {
  used: number;
  total: number;
  source: GuestMemSource;
}

/**
 * Memory a guest really uses. PVE's own `mem` for a guest counts its page cache as used (and on
 * PVE 8 may be the host's view), so a VM with a warm cache looks full (rcourtman/Pulse #1634):
 * the agent's MemAvailable is best, the balloon driver's free memory next, `mem` last.
 * The total stays `maxmem` whatever the source, so the graph keeps its scale when the agent
 * comes and goes.
 */
export function guestMemory(row: ClusterResource, status?: GuestStatus, meminfo?: { total: number; available: number }): GuestMemory | undefined {
  const total = row.maxmem ?? status?.maxmem;
  if (total === undefined || !(total > 0)) return undefined;
  if (meminfo) return { used: meminfo.total - meminfo.available, total, source: 'guest-agent' };
  const seen = status?.ballooninfo?.total_mem;
  const free = status?.ballooninfo?.free_mem ?? status?.freemem;
  if (seen !== undefined && free !== undefined && seen > 0 && free <= seen) return { used: seen - free, total, source: 'balloon' };
  const used = row.mem ?? status?.mem;
  return used === undefined ? undefined : { used, total, source: 'cluster-resources' };
}

function agentState(extras: GuestExtras | undefined): AgentState | undefined {
  const setting = extras?.status?.agent ?? extras?.config?.agent;
  const answered =
    extras?.agentOsinfo !== undefined || extras?.agentInterfaces !== undefined || extras?.agentFsinfo !== undefined ||
    extras?.agentHostName !== undefined || extras?.agentMeminfo !== undefined;
  if (!setting) return answered ? 'running' : undefined;
  if (!setting.enabled) return 'disabled';
  return setting.available === true || answered ? 'running' : 'enabled-not-running';
}

const AGENT_HINTS: Record<Exclude<AgentState, 'running'>, string> = {
  disabled:
    'The QEMU guest agent is off: enable it in the VM\'s Options and install qemu-guest-agent inside the guest to see its IP addresses, filesystems and real memory use.',
  'enabled-not-running':
    'The QEMU guest agent is enabled but does not answer: install and start qemu-guest-agent inside the guest.',
};

/** "prod;web" or "prod,web" (both spellings are accepted by PVE) -> ["prod", "web"]. */
export const splitTags = (tags: string | undefined): string[] => (tags ? tags.split(/[;,\s]+/).filter(Boolean) : []);

function guestStatus(runState: string | undefined, hastate: string | undefined, lock: string | undefined, backup: LastBackup | undefined): ResourceStatus {
  if (hastate === 'error') return 'degraded';
  // A backup lock left behind by a failed vzdump blocks every change until someone unlocks.
  if (lock === 'backup' && backup?.status === 'error') return 'degraded';
  switch (runState) {
    case 'running':
      return 'online';
    case 'paused':
      return 'degraded';
    case 'stopped':
      return 'offline';
    default:
      return 'unknown';
  }
}

function identityOf(config: QemuConfig | undefined, hostName: string | undefined, network: GuestNetwork | undefined): ResourceIdentity {
  const identity: ResourceIdentity = {};
  const uuid = smbiosUuid(config?.smbios1);
  if (uuid) identity.dmiUuid = uuid;
  if (hostName) identity.hostnames = [hostName];
  if (network?.macs.length) identity.macs = network.macs;
  if (network?.ips.length) identity.ips = network.ips;
  return identity;
}

export function normalizePveGuests(input: PveGuestsInput): ObservedResource[] {
  const c = input.connection;
  const out: ObservedResource[] = [];
  for (const row of input.resources) {
    if ((row.type !== 'qemu' && row.type !== 'lxc') || row.vmid === undefined) continue;
    const kind = row.type;
    const vmid = row.vmid;
    const id = guestId(c, kind, vmid);
    const extras = input.extras?.[vmid];
    const st = extras?.status;
    const qmp = st?.qmpstatus;
    const runState = qmp === 'paused' || qmp === 'suspended' ? 'paused' : (row.status ?? st?.status);
    const running = runState === 'running';
    const backup = input.backups?.get(vmid);
    const hastate = row.hastate ?? st?.ha?.state;
    const lock = row.lock ?? st?.lock;
    const tags = splitTags(row.tags ?? st?.tags ?? extras?.config?.tags);

    const metrics: Record<string, number> = {};
    const details: Record<string, unknown> = {
      product: 'pve',
      vmid,
      node: row.node,
      status: runState ?? 'unknown',
      tags,
      template: row.template ?? st?.template ?? false,
      lock: lock ?? null,
    };
    if (row.pool) details.pool = row.pool;
    if (hastate) details.hastate = hastate;

    if (runState !== 'unknown') {
      put(metrics, 'cpu', running ? fractionToPercent(row.cpu ?? st?.cpu) : 0);
      put(metrics, 'cpus', row.maxcpu ?? st?.cpus);
      const mem = guestMemory(row, st, extras?.agentMeminfo);
      if (mem) {
        putUsage(metrics, 'mem', mem.used, mem.total);
        details.memSource = mem.source;
      }
      if (kind === 'qemu') put(metrics, 'mem.balloon', st?.ballooninfo?.actual ?? st?.balloon);
      if (kind === 'lxc') putUsage(metrics, 'swap', st?.swap, st?.maxswap);
      put(metrics, 'uptime', row.uptime ?? st?.uptime);
    }

    const inside = insideOf(kind, extras, input.insides);
    const filesystems = inside.filesystems;
    if (filesystems?.length) {
      details.filesystems = filesystems;
      putUsage(metrics, 'disk', filesystems.reduce((s, f) => s + f.used, 0), filesystems.reduce((s, f) => s + f.total, 0));
    } else if (kind === 'lxc' || (row.disk ?? 0) > 0) {
      // QEMU's `disk` is always 0: PVE cannot see inside a VM's disk without the agent.
      putUsage(metrics, 'disk', row.disk, row.maxdisk);
    } else {
      put(metrics, 'disk.total', row.maxdisk);
    }

    const counters = { uptime: row.uptime ?? st?.uptime, netin: row.netin, netout: row.netout, diskread: row.diskread, diskwrite: row.diskwrite };
    Object.assign(metrics, input.rates.rates(id, input.at, counters));

    if (kind === 'qemu') {
      const agent = inside.agent;
      if (agent) details.agent = agent;
      details.agentHint = running && agent && agent !== 'running' ? AGENT_HINTS[agent] : null;
      if (inside.os) details.os = inside.os;
    }
    if (inside.network?.ips.length) details.ips = inside.network.ips;
    if (backup) details.lastBackup = backup;
    if (inside.snapshots !== undefined) details.snapshots = inside.snapshots;

    out.push({
      id,
      type: kind === 'qemu' ? 'vm' : 'system-container',
      name: row.name ?? st?.name ?? `${kind === 'qemu' ? 'VM' : 'CT'} ${vmid}`,
      ...(row.node ? { parentId: pveNodeId(c, row.node) } : {}),
      source: sourceId('pve', c),
      status: guestStatus(runState, hastate, lock, backup),
      metrics,
      details,
      identity: inside.identity,
      tags,
    });
  }
  input.rates.retain(out.map((r) => r.id));
  return out;
}
