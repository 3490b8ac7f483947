import * as A from '../answers/index.js';
import type { ClusterResource, ClusterStatusEntry, NodeStatus } from '../answers/index.js';
import { readAnswer } from '../answers/index.js';
import {
  createRateTracker, lastBackupsFromTasks, normalizeCeph, normalizeDisks, normalizePveGuests, normalizePveNodes,
  normalizePveStorage, normalizeZfsPools,
} from '../normalize/index.js';
import type { ObservedResource } from '../../../resources/observation.js';
import { createAnswerCache } from './answer-cache.js';
import type { PollContext, PollResult, ProductPoller } from './poll-context.js';
import { settleWithin } from './poll-context.js';
import { guestExtras, refreshCeph, refreshGuest, refreshNode } from './pve-background.js';

/*
 * One PVE cluster (or single node) per connection. Every cycle: /cluster/status and one
 * /cluster/resources call for every guest and storage, then each online node's status, waited
 * for only until `waitMs` (a hung or dead node shows its last figures and its error, and holds up
 * nobody). Everything slower refreshes in the background on its own cadence (pve-background.ts).
 */

export interface PvePollerOptions {
  /** adds cluster members' addresses to the client's endpoints so the poll fails over to them */
  onMembers?: (members: ClusterStatusEntry[]) => void;
}

export function createPvePoller(options: PvePollerOptions = {}): ProductPoller {
  const cache = createAnswerCache();
  const rates = createRateTracker();
  let members: ClusterStatusEntry[] = [];
  let retainedAt = Number.NEGATIVE_INFINITY;

  async function critical(context: PollContext): Promise<{ resources: ClusterResource[]; problems: string[] }> {
    const [status, resources] = await Promise.allSettled([
      context.get('urgent', '/cluster/status'),
      context.get('urgent', '/cluster/resources'),
    ]);
    if (resources.status === 'rejected') throw resources.reason;
    const rows = readAnswer(A.CompiledClusterResources, resources.value, '/cluster/resources');
    const problems = [...rows.problems];
    if (status.status === 'fulfilled') {
      try {
        const read = readAnswer(A.ClusterStatus, status.value, '/cluster/status');
        members = read.value;
        problems.push(...read.problems);
        options.onMembers?.(members);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    return { resources: rows.value, problems };
  }

  return {
    async poll(context): Promise<PollResult> {
      const { resources, problems } = await critical(context);
      const nodeRows = resources.filter((r) => r.type === 'node' && r.node);
      const offline = new Set(members.filter((m) => m.type === 'node' && m.online === false).map((m) => m.name));
      for (const r of nodeRows) if (r.status === 'offline') offline.add(r.node as string);
      const names = [...new Set([...nodeRows.map((r) => r.node as string), ...members.filter((m) => m.type === 'node').map((m) => m.name)])].sort();
      const online = names.filter((n) => !offline.has(n));

      // Node status is what every cycle needs; it goes first through the request slots.
      const statusJobs = online.map((node) => cache.refresh(context, {
        key: `status/${node}`, everyMs: 0, priority: 'urgent', path: `/nodes/${encodeURIComponent(node)}/status`, schema: A.CompiledNodeStatus,
      }));
      for (const node of online) {
        const status = cache.get<NodeStatus>(`status/${node}`)?.value;
        void refreshNode(context, cache, node, status !== undefined && status.memory?.available === undefined);
      }
      void refreshCeph(context, cache);
      for (const row of resources) {
        if ((row.type === 'qemu' || row.type === 'lxc') && row.status === 'running' && !row.template && !offline.has(row.node ?? '')) {
          void refreshGuest(context, cache, row);
        }
      }
      await settleWithin(statusJobs, context.waitMs);

      const out = assemble(context, resources, names, online);
      // Forgetting what gone nodes and guests left behind walks all ~12,000 keys of a 500-node
      // cluster, splitting each: once a minute is soon enough for answers nothing reads any more.
      if (context.at - retainedAt >= 60_000) {
        retainedAt = context.at;
        const known = new Set(resources.map((r) => r.id));
        const nodeSet = new Set(names);
        cache.retain((key) => keepKey(key, nodeSet, known), context.cadence);
      }
      return { resources: out, nodes: names, problems };
    },
  };

  function assemble(context: PollContext, resources: ClusterResource[], names: string[], online: string[]): ObservedResource[] {
    const c = context.connection;
    const status: Record<string, NodeStatus> = {};
    const rrd: Record<string, A.NodeRrdPoint[]> = {};
    const updates: Record<string, A.AptUpdate[]> = {};
    const errors: Record<string, { code: string; message: string }> = {};
    const isOnline = new Set(online);
    const tasks: A.Task[] = [];
    const out: ObservedResource[] = [];
    for (const node of names) {
      const s = cache.get<NodeStatus>(`status/${node}`);
      // A status older than a few cycles is not a claim about now: the node shows its error instead.
      if (s && context.at - s.at < 6 * 60_000) status[node] = s.value;
      const err = cache.error(`status/${node}`);
      if (err && isOnline.has(node)) errors[node] = { code: err.code, message: err.message };
      const r = cache.get<A.NodeRrdPoint[]>(`rrd/${node}`);
      if (r) rrd[node] = r.value;
      const u = cache.get<A.AptUpdate[]>(`updates/${node}`);
      if (u) updates[node] = u.value;
      tasks.push(...(cache.get<A.Task[]>(`tasks/${node}`)?.value ?? []));
      const disks = cache.get<A.DiskEntry[]>(`disks/${node}`)?.value;
      if (disks) out.push(...normalizeDisks(c, node, disks));
      const pools = cache.get<A.ZfsPoolEntry[]>(`zfs/${node}`)?.value;
      if (pools) {
        const detail: Record<string, A.ZfsPoolDetail> = {};
        for (const p of pools) {
          const d = cache.get<A.ZfsPoolDetail>(`zfs/${node}/${p.name}`)?.value;
          if (d) detail[p.name] = d;
        }
        out.push(...normalizeZfsPools(c, node, pools, detail));
      }
    }
    const nodes = normalizePveNodes({ connection: c, clusterStatus: members, resources, status, rrd, updates, errors });
    const extras: Record<number, ReturnType<typeof guestExtras>> = {};
    for (const row of resources) {
      if ((row.type === 'qemu' || row.type === 'lxc') && row.vmid !== undefined) extras[row.vmid] = guestExtras(cache, row);
    }
    const guests = normalizePveGuests({ connection: c, resources, at: context.at, rates, extras, backups: lastBackupsFromTasks(tasks) });
    const storage = normalizePveStorage({ connection: c, resources });
    const ceph = cache.get<A.CephStatus>('ceph');
    if (ceph && context.at - ceph.at < 10 * 60_000) out.push(normalizeCeph(c, ceph.value, cache.get<A.CephDf>('ceph-df')?.value));
    return [...nodes, ...guests, ...storage, ...out];
  }
}

/** Cache keys of nodes and guests that still exist; everything else is forgotten. */
function keepKey(key: string, nodes: ReadonlySet<string>, resourceIds: ReadonlySet<string>): boolean {
  const [kind, second] = key.split('/', 2);
  if (kind === 'qemu' || kind === 'lxc') return resourceIds.has(`${kind}/${second}`);
  if (kind === 'ceph' || kind === 'ceph-df') return true;
  return second !== undefined && nodes.has(second);
}
