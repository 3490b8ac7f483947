import * as A from '../answers/index.js';
import type { ClusterResource } from '../answers/index.js';
import type { GuestExtras } from '../normalize/index.js';
import type { AnswerCache } from './answer-cache.js';
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

/** Starts what is due for one online node; never awaited by the cycle. */
export function refreshNode(context: PollContext, cache: AnswerCache, node: string, needsRrd: boolean): Promise<void>[] {
  const n = enc(node);
  const jobs = [
    cache.refresh(context, { key: `updates/${node}`, everyMs: PVE_CADENCE.updates, priority: 'background', path: `/nodes/${n}/apt/update`, schema: A.AptUpdates }),
    cache.refresh(context, { key: `disks/${node}`, everyMs: PVE_CADENCE.disks, priority: 'background', path: `/nodes/${n}/disks/list`, schema: A.DiskList }),
    cache.refresh(context, { key: `zfs/${node}`, everyMs: PVE_CADENCE.zfs, priority: 'background', path: `/nodes/${n}/disks/zfs`, schema: A.ZfsPools }),
    cache.refresh(context, {
      key: `tasks/${node}`, everyMs: PVE_CADENCE.tasks, priority: 'background', path: `/nodes/${n}/tasks`,
      query: { typefilter: 'vzdump', limit: 100, source: 'all' }, schema: A.Tasks,
    }),
  ];
  // PVE 9 puts memavailable in rrddata; older nodes have `memory.available` in their status or nothing better.
  if (needsRrd) {
    jobs.push(cache.refresh(context, {
      key: `rrd/${node}`, everyMs: PVE_CADENCE.rrd, priority: 'background', path: `/nodes/${n}/rrddata`,
      query: { timeframe: 'hour', cf: 'AVERAGE' }, schema: A.NodeRrd,
    }));
  }
  for (const pool of cache.get<A.ZfsPoolEntry[]>(`zfs/${node}`)?.value ?? []) {
    jobs.push(cache.refresh(context, {
      key: `zfs/${node}/${pool.name}`, everyMs: PVE_CADENCE.zfsDetail, priority: 'background',
      path: `/nodes/${n}/disks/zfs/${enc(pool.name)}`, schema: A.ZfsPoolDetail,
    }));
  }
  return jobs;
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
export function refreshGuest(context: PollContext, cache: AnswerCache, row: ClusterResource): Promise<void>[] {
  const kind = row.type === 'lxc' ? 'lxc' : 'qemu';
  const base = `/nodes/${enc(row.node ?? '')}/${kind}/${row.vmid}`;
  const key = `${kind}/${row.vmid}`;
  const jobs = [
    cache.refresh(context, { key: `${key}/status`, everyMs: PVE_CADENCE.guestStatus, priority: 'background', path: `${base}/status/current`, schema: A.GuestStatus }),
    cache.refresh(context, { key: `${key}/snapshots`, everyMs: PVE_CADENCE.snapshots, priority: 'background', path: `${base}/snapshot`, schema: A.Snapshots }),
  ];
  if (kind === 'lxc') {
    jobs.push(cache.refresh(context, { key: `${key}/interfaces`, everyMs: PVE_CADENCE.lxcInterfaces, priority: 'background', path: `${base}/interfaces`, schema: A.LxcInterfaces }));
    return jobs;
  }
  jobs.push(cache.refresh(context, { key: `${key}/config`, everyMs: PVE_CADENCE.guestConfig, priority: 'background', path: `${base}/config`, schema: A.QemuConfig }));
  const status = cache.get<A.GuestStatus>(`${key}/status`)?.value;
  if (!status?.agent?.enabled || status.agent.available === false) return jobs;
  const agent = (what: string, everyMs: number, schema: Parameters<AnswerCache['refresh']>[1]['schema']) =>
    cache.refresh(context, { key: `${key}/agent/${what}`, everyMs, priority: 'background', path: `${base}/agent/${what}`, schema });
  jobs.push(
    agent('get-fsinfo', PVE_CADENCE.agentInfo, A.AgentFsinfo),
    agent('network-get-interfaces', PVE_CADENCE.agentInfo, A.AgentInterfaces),
    agent('get-osinfo', PVE_CADENCE.agentInfo, A.AgentOsinfo),
    agent('get-host-name', PVE_CADENCE.agentInfo, A.AgentHostName),
  );
  // file-read needs VM.GuestAgent.FileRead, which a read-only token usually lacks: after a 403
  // the cadence keeps it to one try per period and memory comes from the balloon driver instead.
  jobs.push(cache.refresh(context, {
    key: `${key}/agent/meminfo`, everyMs: PVE_CADENCE.agentMeminfo, priority: 'background',
    path: `${base}/agent/file-read`, query: { file: '/proc/meminfo' }, schema: A.AgentFileRead,
  }));
  return jobs;
}

/** What was read about one guest, for the normaliser. */
export function guestExtras(cache: AnswerCache, row: ClusterResource): GuestExtras {
  const kind = row.type === 'lxc' ? 'lxc' : 'qemu';
  const key = `${kind}/${row.vmid}`;
  const value = <T>(k: string): T | undefined => cache.get<T>(`${key}/${k}`)?.value;
  const running = row.status === 'running';
  const extras: GuestExtras = {};
  const snapshots = value<A.Snapshot[]>('snapshots');
  if (snapshots) extras.snapshots = snapshots;
  if (kind === 'qemu') {
    const config = value<A.QemuConfig>('config');
    if (config) extras.config = config;
  }
  if (!running) return extras;
  const status = value<A.GuestStatus>('status');
  if (status) extras.status = status;
  if (kind === 'lxc') {
    const interfaces = value<A.LxcInterface[]>('interfaces');
    if (interfaces) extras.lxcInterfaces = interfaces;
    return extras;
  }
  const fs = value<A.AgentFilesystem[]>('agent/get-fsinfo');
  if (fs) extras.agentFsinfo = fs;
  const ifaces = value<A.AgentInterface[]>('agent/network-get-interfaces');
  if (ifaces) extras.agentInterfaces = ifaces;
  const os = value<A.AgentOsinfo>('agent/get-osinfo');
  if (os) extras.agentOsinfo = os;
  const host = value<A.AgentHostName>('agent/get-host-name');
  if (host) extras.agentHostName = host['host-name'];
  const meminfo = value<A.AgentFileRead>('agent/meminfo');
  const parsed = meminfo ? A.parseProcMeminfo(meminfo.content) : undefined;
  if (parsed) extras.agentMeminfo = parsed;
  return extras;
}
