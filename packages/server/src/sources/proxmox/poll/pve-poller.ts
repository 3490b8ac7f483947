import * as A from '../answers/index.js';
import type { ClusterResource, ClusterStatusEntry, NodeStatus } from '../answers/index.js';
import { readAnswer } from '../answers/index.js';
import {
  createRateTracker, type GuestExtras, type GuestInside, lastBackupsFromTasks, normalizeCeph, normalizeDisks, normalizePveGuests, normalizePveNodes,
  normalizePveStorage, normalizeZfsPools,
} from '../normalize/index.js';
import type { ObservedResource } from '../../../resources/observation.js';
import { createAnswerCache } from './answer-cache.js';
import type { PollContext, PollResult, ProductPoller } from './poll-context.js';
import { settleWithin } from './poll-context.js';
import { createLastBuilt } from './last-built.js';
import {
  guestAnswers, guestExtras, nodePlans, refreshCeph, refreshGuest, refreshNode, zfsDetailKey, type NodePlans,
} from './pve-background.js';

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
  // A node's plans are built once; the parts below again only when what they are built from changed (last-built.ts).
  const plansOfNode = new Map<string, NodePlans>();
  const extrasOfGuest = createLastBuilt<GuestExtras>();
  const nodeParts = createLastBuilt<ObservedResource[]>();
  const insides = new WeakMap<GuestExtras, GuestInside>();
  const lastBackups = createLastBuilt<ReturnType<typeof lastBackupsFromTasks>>();
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

      const statusJobs = online.map((node) => cache.refresh(context, plansFor(node).status));
      for (const node of online) {
        const plans = plansFor(node);
        const status = cache.get<NodeStatus>(plans.status.key)?.value;
        refreshNode(context, cache, node, plans, status !== undefined && status.memory?.available === undefined);
      }
      void refreshCeph(context, cache);
      for (const row of resources) {
        if ((row.type === 'qemu' || row.type === 'lxc') && row.status === 'running' && !row.template && !offline.has(row.node ?? '')) {
          refreshGuest(context, cache, row);
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
        for (const node of plansOfNode.keys()) if (!nodeSet.has(node)) plansOfNode.delete(node);
        const vmids = new Set(resources.map((r) => (r.vmid === undefined ? '' : String(r.vmid))));
        extrasOfGuest.retain((vmid) => vmids.has(vmid));
        nodeParts.retain((key) => nodeSet.has(key.slice(key.indexOf('/') + 1)));
      }
      return { resources: out, nodes: names, problems };
    },
  };

  function plansFor(node: string): NodePlans {
    let plans = plansOfNode.get(node);
    if (!plans) plansOfNode.set(node, (plans = nodePlans(node)));
    return plans;
  }

  function assemble(context: PollContext, resources: ClusterResource[], names: string[], online: string[]): ObservedResource[] {
    const c = context.connection;
    const status: Record<string, NodeStatus> = {};
    const rrd: Record<string, A.NodeRrdPoint[]> = {};
    const updates: Record<string, A.AptUpdate[]> = {};
    const errors: Record<string, { code: string; message: string }> = {};
    const isOnline = new Set(online);
    const taskLists: A.Task[][] = [];
    const out: ObservedResource[] = [];
    for (const node of names) {
      const plans = plansFor(node);
      const s = cache.get<NodeStatus>(plans.status.key);
      // A status older than a few cycles is not a claim about now: the node shows its error instead.
      if (s && context.at - s.at < 6 * 60_000) status[node] = s.value;
      const err = cache.error(plans.status.key);
      if (err && isOnline.has(node)) errors[node] = { code: err.code, message: err.message };
      const r = cache.get<A.NodeRrdPoint[]>(plans.rrd.key);
      if (r) rrd[node] = r.value;
      const u = cache.get<A.AptUpdate[]>(plans.updates.key);
      if (u) updates[node] = u.value;
      const t = cache.get<A.Task[]>(plans.tasks.key)?.value;
      if (t) taskLists.push(t);
      const disks = cache.get<A.DiskEntry[]>(plans.disks.key)?.value;
      if (disks) for (const disk of nodeParts.get(`disks/${node}`, [disks], () => normalizeDisks(c, node, disks))) out.push(disk);
      const pools = cache.get<A.ZfsPoolEntry[]>(plans.zfs.key)?.value;
      if (pools) {
        const details = pools.map((p) => cache.get<A.ZfsPoolDetail>(zfsDetailKey(node, p.name))?.value);
        const built = nodeParts.get(`zfs/${node}`, [pools, ...details], () => normalizeZfsPools(c, node, pools, zfsDetails(pools, details)));
        for (const pool of built) out.push(pool);
      }
    }
    const nodes = normalizePveNodes({ connection: c, clusterStatus: members, resources, status, rrd, updates, errors });
    const extras: Record<number, ReturnType<typeof guestExtras>> = {};
    for (const row of resources) {
      if ((row.type !== 'qemu' && row.type !== 'lxc') || row.vmid === undefined) continue;
      const answers = guestAnswers(cache, row.type, row.vmid, row.status === 'running');
      extras[row.vmid] = extrasOfGuest.get(String(row.vmid), answers, () => guestExtras(answers));
    }
    const guests = normalizePveGuests({ connection: c, resources, at: context.at, rates, extras, insides, backups: lastBackups.get('cluster', taskLists, () => lastBackupsFromTasks(taskLists.flat())) });
    const storage = normalizePveStorage({ connection: c, resources });
    const ceph = cache.get<A.CephStatus>('ceph');
    if (ceph && context.at - ceph.at < 10 * 60_000) out.push(normalizeCeph(c, ceph.value, cache.get<A.CephDf>('ceph-df')?.value));
    return [...nodes, ...guests, ...storage, ...out];
  }
}

function zfsDetails(pools: readonly A.ZfsPoolEntry[], details: ReadonlyArray<A.ZfsPoolDetail | undefined>): Record<string, A.ZfsPoolDetail> {
  const byName: Record<string, A.ZfsPoolDetail> = {};
  pools.forEach((p, i) => {
    const d = details[i];
    if (d) byName[p.name] = d;
  });
  return byName;
}

/** Cache keys of nodes and guests that still exist; everything else is forgotten. */
function keepKey(key: string, nodes: ReadonlySet<string>, resourceIds: ReadonlySet<string>): boolean {
  const [kind, second] = key.split('/', 2);
  if (kind === 'qemu' || kind === 'lxc') return resourceIds.has(`${kind}/${second}`);
  if (kind === 'ceph' || kind === 'ceph-df') return true;
  return second !== undefined && nodes.has(second);
}
