import { z } from 'zod';
import { listOf, num, optFlag, optNum, optText, text } from './coerce.js';
import { compiled, compiledListOf } from './fast-reader.js';

/*
 * PVE cluster-wide and per-node answers (PVE/API2/Cluster.pm, PVE/API2/Nodes.pm). Only `id`/`type`
 * of a /cluster/resources row are required by PVE itself; everything else may be omitted, e.g. a
 * node row has no netin/netout and an offline node has no cpu or mem.
 */

/** `GET /cluster/status`: one `cluster` entry (only when clustered) and one `node` entry per member. */
export const ClusterStatusEntry = z.object({
  type: text,
  name: text,
  id: optText,
  // cluster entry
  nodes: optNum,
  quorate: optFlag,
  version: optNum,
  // node entry
  nodeid: optNum,
  ip: optText,
  online: optFlag,
  local: optFlag,
  level: optText,
});
export type ClusterStatusEntry = z.output<typeof ClusterStatusEntry>;
export const ClusterStatus = listOf(ClusterStatusEntry);

/** One row of `GET /cluster/resources`. */
export const ClusterResource = z.object({
  id: text,
  type: text,
  node: optText,
  status: optText,
  name: optText,
  vmid: optNum,
  pool: optText,
  cpu: optNum,
  maxcpu: optNum,
  mem: optNum,
  maxmem: optNum,
  /** PVE 9 (qemu): host-side memory (PSS), while `mem` became the guest's own view */
  memhost: optNum,
  disk: optNum,
  maxdisk: optNum,
  // counters since the guest started, not rates
  netin: optNum,
  netout: optNum,
  diskread: optNum,
  diskwrite: optNum,
  uptime: optNum,
  template: optFlag,
  tags: optText,
  lock: optText,
  hastate: optText,
  // storage rows
  storage: optText,
  plugintype: optText,
  content: optText,
  shared: optFlag,
  level: optText,
});
export type ClusterResource = z.output<typeof ClusterResource>;
export const ClusterResources = listOf(ClusterResource);
/** ClusterResources with a compiled reader in front (fast-reader.ts): read every cycle, thousands of rows. */
export const CompiledClusterResources = compiledListOf(ClusterResource);

/** `GET /nodes` */
export const NodeListEntry = z.object({
  node: text,
  status: optText,
  cpu: optNum,
  maxcpu: optNum,
  mem: optNum,
  maxmem: optNum,
  disk: optNum,
  maxdisk: optNum,
  uptime: optNum,
  level: optText,
  ssl_fingerprint: optText,
});
export type NodeListEntry = z.output<typeof NodeListEntry>;
export const NodeList = listOf(NodeListEntry);

const MemoryFigures = z.object({
  total: optNum,
  used: optNum,
  free: optNum,
  /** MemAvailable, on releases that report it (named `avail` by some) */
  available: optNum,
  avail: optNum,
  buffers: optNum,
  cached: optNum,
});

/** `GET /nodes/{node}/status` (PVE); PMG's node status has the same core. */
export const NodeStatus = z.object({
  cpu: optNum,
  /** iowait, 0-1 */
  wait: optNum,
  /** three numbers, sent as strings ("0.52") */
  loadavg: z.array(num).optional(),
  memory: MemoryFigures.optional(),
  swap: MemoryFigures.optional(),
  rootfs: z.object({ total: optNum, used: optNum, free: optNum, avail: optNum }).optional(),
  uptime: optNum,
  idle: optNum,
  kversion: optText,
  pveversion: optText,
  /** PMG's node status: "pmg-api/8.2.1/7e4b9f1c" */
  pmgversion: optText,
  'current-kernel': z.object({ release: optText, version: optText, machine: optText, sysname: optText }).optional(),
  cpuinfo: z
    .object({ model: optText, cpus: optNum, cores: optNum, sockets: optNum, mhz: optNum })
    .optional(),
  ksm: z.object({ shared: optNum }).optional(),
});
export type NodeStatus = z.output<typeof NodeStatus>;
/** NodeStatus with a compiled reader in front (fast-reader.ts): read for every node every cycle. */
export const CompiledNodeStatus = compiled(NodeStatus);

/**
 * One point of `GET /nodes/{node}/rrddata?timeframe=hour&cf=AVERAGE`. PVE 9 adds memavailable and
 * the pressure columns; a sample that was not taken omits its key rather than sending null.
 */
export const NodeRrdPoint = z.object({
  time: num,
  cpu: optNum,
  iowait: optNum,
  loadavg: optNum,
  maxcpu: optNum,
  memtotal: optNum,
  memused: optNum,
  memavailable: optNum,
  swaptotal: optNum,
  swapused: optNum,
  roottotal: optNum,
  rootused: optNum,
  netin: optNum,
  netout: optNum,
  arcsize: optNum,
});
export type NodeRrdPoint = z.output<typeof NodeRrdPoint>;
export const NodeRrd = listOf(NodeRrdPoint);

/** `GET /nodes/{node}/apt/update`: pending package updates (capitalised keys are PVE's own). */
export const AptUpdate = z.object({ Package: text, Version: optText, OldVersion: optText, Priority: optText, Origin: optText });
export type AptUpdate = z.output<typeof AptUpdate>;
export const AptUpdates = listOf(AptUpdate);

/**
 * `GET /nodes/{node}/tasks?typefilter=vzdump&source=all`. `id` is the vmid for a single-guest
 * job and empty for a job over many guests; running tasks have no endtime/status. `status` is
 * "OK", "WARNINGS: n" or the error text.
 */
export const Task = z.object({
  upid: text,
  type: text,
  id: optText,
  node: optText,
  user: optText,
  starttime: num,
  endtime: optNum,
  status: optText,
});
export type Task = z.output<typeof Task>;
export const Tasks = listOf(Task);

/** `GET /nodes/{node}/replication`: storage replication jobs and their last run. */
export const ReplicationJob = z.object({
  id: text,
  guest: optNum,
  target: optText,
  type: optText,
  last_sync: optNum,
  next_sync: optNum,
  duration: optNum,
  fail_count: optNum,
  error: optText,
  disable: optFlag,
});
export type ReplicationJob = z.output<typeof ReplicationJob>;
export const ReplicationJobs = listOf(ReplicationJob);
