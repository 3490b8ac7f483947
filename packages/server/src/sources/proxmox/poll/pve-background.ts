import * as A from '../answers/index.js';
import type { z } from 'zod';
import type { ClusterResource } from '../answers/index.js';
import type { GuestExtras } from '../normalize/index.js';
import type { AnswerCache, FetchPlan } from './answer-cache.js';
import type { PollContext } from './poll-context.js';

/*
 * The slower PVE requests, each on its own cadence so the monitored nodes barely notice:
 * figures that change by the second come from the one /cluster/resources call per cycle; what
 * changes by the minute or hour (disks, pools, backups, guest insides) is asked for rarely.
 */

const MIN = 60_000;
export const PVE_CADENCE = {
  rrd: MIN, updates: 60 * MIN, disks: 5 * MIN, zfs: MIN, zfsDetail: 5 * MIN, tasks: 5 * MIN,
  ceph: 30_000, cephDf: MIN, guestStatus: 2 * MIN, guestConfig: 30 * MIN, agentInfo: 5 * MIN,
  agentMeminfo: 2 * MIN, lxcInterfaces: 5 * MIN, snapshots: 30 * MIN,
} as const;

const enc = encodeURIComponent;
type Plan = FetchPlan<z.ZodType>;

/*
 * Every request a node may need, built once and reused every cycle. A guest's are built when the
 * cycle asks: held for 2,500 guests, ~15,000 plans and paths cost more memory than building them
 * costs CPU (bench/proxmox).
 */

export interface NodePlans {
  status: Plan;
  updates: Plan;
  disks: Plan;
  zfs: Plan;
  tasks: Plan;
  rrd: Plan;
  /** per pool name, added as pools show up (a node has a handful, and they rarely go) */
  zfsDetail: Map<string, Plan>;
}

export function nodePlans(node: string): NodePlans {
  const n = enc(node);
  return {
    // Node status is what every cycle needs; it goes first through the request slots.
    status: { key: `status/${node}`, everyMs: 0, priority: 'urgent', path: `/nodes/${n}/status`, schema: A.CompiledNodeStatus },
    updates: { key: `updates/${node}`, everyMs: PVE_CADENCE.updates, priority: 'background', path: `/nodes/${n}/apt/update`, schema: A.AptUpdates },
    disks: { key: `disks/${node}`, everyMs: PVE_CADENCE.disks, priority: 'background', path: `/nodes/${n}/disks/list`, schema: A.DiskList },
    zfs: { key: `zfs/${node}`, everyMs: PVE_CADENCE.zfs, priority: 'background', path: `/nodes/${n}/disks/zfs`, schema: A.ZfsPools },
    tasks: {
      key: `tasks/${node}`, everyMs: PVE_CADENCE.tasks, priority: 'background', path: `/nodes/${n}/tasks`,
      query: { typefilter: 'vzdump', limit: 100, source: 'all' }, schema: A.Tasks,
    },
    rrd: {
      key: `rrd/${node}`, everyMs: PVE_CADENCE.rrd, priority: 'background', path: `/nodes/${n}/rrddata`,
      query: { timeframe: 'hour', cf: 'AVERAGE' }, schema: A.NodeRrd,
    },
    zfsDetail: new Map(),
  };
}

/** The cache key of one ZFS pool's detail. */
export const zfsDetailKey = (node: string, pool: string): string => `zfs/${node}/${pool}`;

/** The detail request of one ZFS pool of the node, built at its first sight. */
function zfsDetailPlan(node: string, plans: NodePlans, pool: string): Plan {
  let plan = plans.zfsDetail.get(pool);
  if (!plan) {
    plan = { key: zfsDetailKey(node, pool), everyMs: PVE_CADENCE.zfsDetail, priority: 'background', path: `/nodes/${enc(node)}/disks/zfs/${enc(pool)}`, schema: A.ZfsPoolDetail };
    plans.zfsDetail.set(pool, plan);
  }
  return plan;
}

/** Starts what is due for one online node; never awaited by the cycle. */
export function refreshNode(context: PollContext, cache: AnswerCache, node: string, plans: NodePlans, needsRrd: boolean): void {
  void cache.refresh(context, plans.updates);
  void cache.refresh(context, plans.disks);
  void cache.refresh(context, plans.zfs);
  void cache.refresh(context, plans.tasks);
  // PVE 9 puts memavailable in rrddata; older nodes have `memory.available` in their status or nothing better.
  if (needsRrd) void cache.refresh(context, plans.rrd);
  for (const pool of cache.get<A.ZfsPoolEntry[]>(plans.zfs.key)?.value ?? []) void cache.refresh(context, zfsDetailPlan(node, plans, pool.name));
}

export function refreshCeph(context: PollContext, cache: AnswerCache): Promise<void>[] {
  // Without Ceph PVE answers 500 "binary not installed" / "not initialized": the cadence keeps
  // that to one question every 30 s, and nothing shows until an answer validates.
  return [
    cache.refresh(context, { key: 'ceph', everyMs: PVE_CADENCE.ceph, priority: 'background', path: '/cluster/ceph/status', schema: A.CephStatus }),
    ...(cache.get('ceph') ? [cache.refresh(context, { key: 'ceph-df', everyMs: PVE_CADENCE.cephDf, priority: 'background', path: '/cluster/ceph/df', schema: A.CephDf })] : []),
  ];
}

/** Starts what is due for one running guest. */
export function refreshGuest(context: PollContext, cache: AnswerCache, row: ClusterResource): void {
  const kind = row.type === 'lxc' ? 'lxc' : 'qemu';
  const base = `/nodes/${enc(row.node ?? '')}/${kind}/${row.vmid}`;
  const key = `${kind}/${row.vmid}`;
  void cache.refresh(context, { key: `${key}/status`, everyMs: PVE_CADENCE.guestStatus, priority: 'background', path: `${base}/status/current`, schema: A.GuestStatus });
  void cache.refresh(context, { key: `${key}/snapshots`, everyMs: PVE_CADENCE.snapshots, priority: 'background', path: `${base}/snapshot`, schema: A.Snapshots });
  if (kind === 'lxc') {
    void cache.refresh(context, { key: `${key}/interfaces`, everyMs: PVE_CADENCE.lxcInterfaces, priority: 'background', path: `${base}/interfaces`, schema: A.LxcInterfaces });
    return;
  }
  void cache.refresh(context, { key: `${key}/config`, everyMs: PVE_CADENCE.guestConfig, priority: 'background', path: `${base}/config`, schema: A.QemuConfig });
  const status = cache.get<A.GuestStatus>(`${key}/status`)?.value;
  if (!status?.agent?.enabled || status.agent.available === false) return;
  const agent = (what: string, everyMs: number, schema: z.ZodType) =>
    void cache.refresh(context, { key: `${key}/agent/${what}`, everyMs, priority: 'background', path: `${base}/agent/${what}`, schema });
  agent('get-fsinfo', PVE_CADENCE.agentInfo, A.AgentFsinfo);
  agent('network-get-interfaces', PVE_CADENCE.agentInfo, A.AgentInterfaces);
  agent('get-osinfo', PVE_CADENCE.agentInfo, A.AgentOsinfo);
  agent('get-host-name', PVE_CADENCE.agentInfo, A.AgentHostName);
  // file-read needs VM.GuestAgent.FileRead, which a read-only token usually lacks: after a 403
  // the cadence keeps it to one try per period and memory comes from the balloon driver instead.
  void cache.refresh(context, {
    key: `${key}/agent/meminfo`, everyMs: PVE_CADENCE.agentMeminfo, priority: 'background',
    path: `${base}/agent/file-read`, query: { file: '/proc/meminfo' }, schema: A.AgentFileRead,
  });
}

/**
 * The cached answers about one guest that its resource is built from, in a fixed order: what
 * guestExtras reads, and what decides whether the last extras still hold. The keys are refreshGuest's.
 */
export function guestAnswers(cache: AnswerCache, kind: 'qemu' | 'lxc', vmid: number, running: boolean): unknown[] {
  const key = `${kind}/${vmid}`;
  const value = (what: string): unknown => cache.get(`${key}/${what}`)?.value;
  const snapshots = value('snapshots');
  if (kind === 'lxc') return running ? [snapshots, undefined, true, value('status'), value('interfaces')] : [snapshots, undefined, false];
  const config = value('config');
  if (!running) return [snapshots, config, false];
  return [
    snapshots, config, true, value('status'), undefined, value('agent/get-fsinfo'), value('agent/network-get-interfaces'),
    value('agent/get-osinfo'), value('agent/get-host-name'), value('agent/meminfo'),
  ];
}

/** What was read about one guest, for the normaliser, from guestAnswers(...). */
export function guestExtras(answers: readonly unknown[]): GuestExtras {
  const [snapshots, config, running, status, lxcInterfaces, fs, ifaces, os, host, meminfo] = answers as [
    A.Snapshot[] | undefined, A.QemuConfig | undefined, boolean, A.GuestStatus | undefined, A.LxcInterface[] | undefined,
    A.AgentFilesystem[] | undefined, A.AgentInterface[] | undefined, A.AgentOsinfo | undefined, A.AgentHostName | undefined, A.AgentFileRead | undefined,
  ];
  const extras: GuestExtras = {};
  if (snapshots) extras.snapshots = snapshots;
  if (config) extras.config = config;
  if (!running) return extras;
  if (status) extras.status = status;
  if (lxcInterfaces) extras.lxcInterfaces = lxcInterfaces;
  if (fs) extras.agentFsinfo = fs;
  if (ifaces) extras.agentInterfaces = ifaces;
  if (os) extras.agentOsinfo = os;
  if (host) extras.agentHostName = host['host-name'];
  const parsed = meminfo ? A.parseProcMeminfo(meminfo.content) : undefined;
  if (parsed) extras.agentMeminfo = parsed;
  return extras;
}
