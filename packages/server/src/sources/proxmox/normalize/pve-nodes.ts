import type { ResourceStatus } from '@pulse/protocol';
import type { ObservedResource } from '../../../resources/observation.js';
import type { AptUpdate, ClusterResource, ClusterStatusEntry, NodeListEntry, NodeRrdPoint, NodeStatus } from '../answers/index.js';
import { type ErrorDetail, errorDetail, fractionToPercent, put, putLoad, putUsage } from './figures.js';
import { pveNodeId, sourceId } from './ids.js';

/*
 * PVE nodes from /cluster/status (membership, ip, online), /nodes and the node rows of
 * /cluster/resources (figures when a node's own status could not be read), /nodes/{n}/status
 * (the figures) and, on PVE 9, rrddata's memavailable.
 */

export type NodeMemSource = 'available' | 'rrd-memavailable' | 'used-minus-cache' | 'used';

export interface NodeMemory {
  used: number;
  total: number;
  source: NodeMemSource;
  /** MemAvailable, when known */
  available?: number;
  /** what the kernel's "used" holds beyond `used`: page cache, buffers (and ZFS ARC where counted) */
  cached?: number;
}

/** The newest rrd point that has memavailable (missing samples omit the key). */
function newestMemAvailable(points: NodeRrdPoint[] | undefined): NodeRrdPoint | undefined {
  let best: NodeRrdPoint | undefined;
  for (const p of points ?? []) if (p.memavailable !== undefined && (!best || p.time > best.time)) best = p;
  return best;
}

/**
 * Memory in use without reclaimable cache, best source first: MemAvailable from the status
 * (`available`/`avail`), PVE 9 rrddata's memavailable, used - (buffers + cached), plain used.
 * A "used" that counts page cache made every node look full (rcourtman/Pulse #1634).
 */
export function nodeMemory(status: NodeStatus | undefined, rrd: NodeRrdPoint[] | undefined, row?: { mem?: number | undefined; maxmem?: number | undefined }): NodeMemory | undefined {
  const m = status?.memory;
  const total = m?.total ?? row?.maxmem;
  const rawUsed = m?.used ?? row?.mem;
  if (total === undefined || !(total > 0)) return undefined;
  const withCache = (used: number, source: NodeMemSource, available?: number): NodeMemory => {
    const out: NodeMemory = { used: Math.max(0, Math.min(used, total)), total, source };
    if (available !== undefined) out.available = available;
    if (rawUsed !== undefined && rawUsed > out.used) out.cached = rawUsed - out.used;
    else if (rawUsed !== undefined) out.cached = 0;
    return out;
  };
  const available = m?.available ?? m?.avail;
  if (available !== undefined) return withCache(total - available, 'available', available);
  const point = newestMemAvailable(rrd);
  if (point?.memavailable !== undefined) return withCache(total - point.memavailable, 'rrd-memavailable', point.memavailable);
  if (rawUsed !== undefined && (m?.buffers !== undefined || m?.cached !== undefined)) {
    return withCache(rawUsed - (m?.buffers ?? 0) - (m?.cached ?? 0), 'used-minus-cache');
  }
  if (rawUsed === undefined) return undefined;
  return { used: Math.max(0, Math.min(rawUsed, total)), total, source: 'used' };
}

/** "pve-manager/8.4.1/2a5fa54a8503f96d" -> "8.4.1"; anything else unchanged. */
export const pveVersion = (text: string | undefined): string | undefined => (text ? (/^pve-manager\/([^/]+)/.exec(text)?.[1] ?? text) : undefined);

/** The running kernel's release: current-kernel.release (8.2+), else kversion's second word. */
function kernelRelease(status: NodeStatus | undefined): string | undefined {
  return status?.['current-kernel']?.release ?? status?.kversion?.split(/\s+/)[1];
}

export interface PveNodesInput {
  /** the connection's name (`<c>` of the ids) */
  connection: string;
  clusterStatus?: ClusterStatusEntry[];
  nodes?: NodeListEntry[];
  /** /cluster/resources; only `type: node` rows are read here */
  resources?: ClusterResource[];
  /** /nodes/{n}/status by node name */
  status?: Record<string, NodeStatus>;
  /** /nodes/{n}/rrddata?timeframe=hour by node name (PVE 9 gives memavailable) */
  rrd?: Record<string, NodeRrdPoint[]>;
  /** /nodes/{n}/apt/update by node name (403 without Sys.Audit: leave the node out) */
  updates?: Record<string, AptUpdate[]>;
  /** the error of a node's own calls, e.g. proxmox.node_offline for a 595 */
  errors?: Record<string, { code: string; message: string }>;
}

function nodeState(
  member: ClusterStatusEntry | undefined,
  listed: NodeListEntry | undefined,
  row: ClusterResource | undefined,
  error: ErrorDetail | undefined,
): ResourceStatus {
  if (error?.code === 'proxmox.node_offline') return 'offline';
  if (member?.online === false) return 'offline';
  const said = listed?.status ?? row?.status;
  if (said === 'offline') return 'offline';
  if (said === 'unknown' && member?.online !== true) return 'unknown';
  return 'online';
}

export function normalizePveNodes(input: PveNodesInput): ObservedResource[] {
  const c = input.connection;
  const cluster = input.clusterStatus?.find((e) => e.type === 'cluster')?.name;
  const members = new Map((input.clusterStatus ?? []).filter((e) => e.type === 'node').map((e) => [e.name, e]));
  const listed = new Map((input.nodes ?? []).map((n) => [n.node, n]));
  const rows = new Map((input.resources ?? []).filter((r) => r.type === 'node' && r.node).map((r) => [r.node as string, r]));
  const names = [...new Set([...members.keys(), ...listed.keys(), ...rows.keys()])].sort();

  return names.map((name) => {
    const member = members.get(name);
    const row = rows.get(name);
    const list = listed.get(name);
    const err = input.errors?.[name];
    const error = err ? errorDetail(err) : undefined;
    const status = nodeState(member, list, row, error);
    const st = status === 'offline' ? undefined : input.status?.[name];
    const figures = { mem: row?.mem ?? list?.mem, maxmem: row?.maxmem ?? list?.maxmem };

    const metrics: Record<string, number> = {};
    let memSource: NodeMemSource | undefined;
    if (status !== 'offline') {
      put(metrics, 'cpu', fractionToPercent(st?.cpu ?? row?.cpu ?? list?.cpu));
      put(metrics, 'cpu.iowait', fractionToPercent(st?.wait));
      put(metrics, 'cpus', st?.cpuinfo?.cpus ?? row?.maxcpu ?? list?.maxcpu);
      putLoad(metrics, st?.loadavg);
      const mem = nodeMemory(st, input.rrd?.[name], figures);
      if (mem) {
        memSource = mem.source;
        putUsage(metrics, 'mem', mem.used, mem.total);
        put(metrics, 'mem.available', mem.available);
        put(metrics, 'mem.cached', mem.cached);
      }
      putUsage(metrics, 'swap', st?.swap?.used, st?.swap?.total);
      putUsage(metrics, 'disk', st?.rootfs?.used ?? row?.disk ?? list?.disk, st?.rootfs?.total ?? row?.maxdisk ?? list?.maxdisk);
      put(metrics, 'uptime', st?.uptime ?? row?.uptime ?? list?.uptime);
      put(metrics, 'updates.pending', input.updates?.[name]?.length);
    }

    const details: Record<string, unknown> = { product: 'pve', node: name, error: error ?? null };
    if (cluster) details.cluster = cluster;
    const version = pveVersion(st?.pveversion);
    if (version) details.pveVersion = version;
    const kernel = kernelRelease(st);
    if (kernel) details.kernel = kernel;
    if (st?.cpuinfo?.model) details.cpuModel = st.cpuinfo.model;
    if (member?.ip) details.ip = member.ip;
    if (memSource) details.memSource = memSource;
    if (member?.local !== undefined) details.local = member.local;

    return {
      id: pveNodeId(c, name),
      type: 'node',
      name,
      source: sourceId('pve', c),
      status,
      metrics,
      details,
      identity: member?.ip ? { hostnames: [name], ips: [member.ip] } : { hostnames: [name] },
      tags: [],
    } satisfies ObservedResource;
  });
}
