import type { ObservedResource } from '../../../resources/observation.js';
import type { MailStatistics, NodeStatus, PmgClusterMember, PostfixQueueEntry, QshapeRow, QuarantineStatus, Version } from '../answers/index.js';
import { errorDetail, fractionToPercent, put, putLoad, putUsage, round2 } from './figures.js';
import { pmgNodeId, sourceId } from './ids.js';
import { nodeMemory } from './pve-nodes.js';

/* Proxmox Mail Gateway nodes with their mail flow, quarantine and postfix queues. */

export type QueueName = 'active' | 'deferred' | 'hold' | 'incoming';

export interface PmgNodeInput {
  connection: string;
  node: string;
  /** ms, for the age of the oldest queued mail */
  now: number;
  version?: Version;
  status?: NodeStatus;
  /** /statistics/mail over the last `mailSpanSeconds` */
  mail?: MailStatistics;
  /** the span `mail` covers, s (default 3600) */
  mailSpanSeconds?: number;
  spam?: QuarantineStatus;
  virus?: QuarantineStatus;
  /** per queue: its mails (`postfix/queue/{queue}`), or only the count (qshapeTotal, the answer's `total`) */
  queues?: Partial<Record<QueueName, PostfixQueueEntry[] | number>>;
  cluster?: PmgClusterMember[];
  error?: { code: string; message: string };
}

/** The TOTAL row of a qshape answer: how many mails the queue holds. */
export function qshapeTotal(rows: readonly QshapeRow[]): number | undefined {
  return rows.find((r) => r.domain === 'TOTAL')?.total;
}

/** "pmg-api/8.2.1/7e4b9f1c" -> "8.2.1" */
const pmgVersion = (text: string | undefined): string | undefined => (text ? (/^pmg-api\/([^/]+)/.exec(text)?.[1] ?? text) : undefined);

export function normalizePmgNode(input: PmgNodeInput): ObservedResource {
  const st = input.status;
  const offline = input.error?.code === 'proxmox.node_offline';
  const metrics: Record<string, number> = {};
  if (!offline) {
    put(metrics, 'cpu', fractionToPercent(st?.cpu));
    put(metrics, 'cpu.iowait', fractionToPercent(st?.wait));
    put(metrics, 'cpus', st?.cpuinfo?.cpus);
    putLoad(metrics, st?.loadavg);
    const mem = nodeMemory(st, undefined);
    if (mem) putUsage(metrics, 'mem', mem.used, mem.total);
    putUsage(metrics, 'swap', st?.swap?.used, st?.swap?.total);
    putUsage(metrics, 'disk', st?.rootfs?.used, st?.rootfs?.total);
    put(metrics, 'uptime', st?.uptime);
  }

  const m = input.mail;
  const minutes = (input.mailSpanSeconds ?? 3600) / 60;
  const perMinute = (...counts: Array<number | undefined>): number | undefined =>
    counts.every((n) => n === undefined) ? undefined : round2(counts.reduce<number>((s, n) => s + (n ?? 0), 0) / minutes);
  if (m && minutes > 0) {
    put(metrics, 'mail.in', perMinute(m.count_in));
    put(metrics, 'mail.out', perMinute(m.count_out));
    put(metrics, 'mail.spam', perMinute(m.spamcount_in, m.spamcount_out));
    put(metrics, 'mail.virus', perMinute(m.viruscount_in, m.viruscount_out));
    put(metrics, 'mail.bounces', perMinute(m.bounces_in, m.bounces_out));
  }
  put(metrics, 'quarantine.spam', input.spam?.count);
  put(metrics, 'quarantine.virus', input.virus?.count);

  let oldestArrival: number | undefined;
  for (const [name, queue] of Object.entries(input.queues ?? {}) as Array<[QueueName, PostfixQueueEntry[] | number | undefined]>) {
    if (queue === undefined) continue;
    put(metrics, `queue.${name}`, typeof queue === 'number' ? queue : queue.length);
    if (typeof queue === 'number') continue;
    for (const mail of queue) if (mail.arrival_time !== undefined) oldestArrival = Math.min(oldestArrival ?? Infinity, mail.arrival_time);
  }
  if (input.queues) put(metrics, 'queue.oldest_age', oldestArrival === undefined ? 0 : Math.max(0, Math.round(input.now / 1000 - oldestArrival)));

  const details: Record<string, unknown> = { product: 'pmg', node: input.node, error: input.error ? errorDetail(input.error) : null };
  const version = input.version?.version ?? pmgVersion(st?.pmgversion);
  if (version) details.version = version;
  const role = input.cluster?.find((member) => member.name === input.node)?.type;
  if (role) details.role = role;

  return {
    id: pmgNodeId(input.connection, input.node),
    type: 'node',
    name: input.node,
    source: sourceId('pmg', input.connection),
    status: offline ? 'offline' : 'online',
    metrics,
    details,
    identity: { hostnames: [input.node] },
    tags: [],
  };
}
