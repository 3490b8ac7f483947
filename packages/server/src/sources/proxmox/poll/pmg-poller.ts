import * as A from '../answers/index.js';
import { readAnswer } from '../answers/index.js';
import { normalizePmgNode } from '../normalize/index.js';
import type { QueueName } from '../normalize/index.js';
import { createAnswerCache } from './answer-cache.js';
import type { PollResult, ProductPoller } from './poll-context.js';
import { settleWithin } from './poll-context.js';

/*
 * One Proxmox Mail Gateway (or cluster). Every cycle: the node list, each node's status and its
 * postfix queues; the mail statistics of the last hour and the quarantine counts less often.
 */

const MIN = 60_000;
const QUEUES: QueueName[] = ['active', 'deferred', 'hold', 'incoming'];
const MAIL_SPAN_S = 3600;
const enc = encodeURIComponent;

export function createPmgPoller(): ProductPoller {
  const cache = createAnswerCache();
  return {
    async poll(context): Promise<PollResult> {
      const nodes = readAnswer(A.PmgNodes, await context.get('urgent', '/nodes'), '/nodes');
      const names = nodes.value.map((n) => n.node);
      const nowS = Math.floor(context.at / 1000);
      const bg = (key: string, everyMs: number, path: string, schema: Parameters<typeof cache.refresh>[1]['schema'], query?: Record<string, string | number>) =>
        cache.refresh(context, { key, everyMs, priority: 'background', path, schema, ...(query ? { query } : {}) });
      void bg('version', 10 * MIN, '/version', A.Version);
      void bg('cluster', 5 * MIN, '/config/cluster/status', A.PmgClusterStatus);
      void bg('spam', 5 * MIN, '/quarantine/spamstatus', A.QuarantineStatus);
      void bg('virus', 5 * MIN, '/quarantine/virusstatus', A.QuarantineStatus);
      // The statistics are cluster-wide; a one-hour window read every cycle gives per-minute rates.
      const urgent = [cache.refresh(context, { key: 'mail', everyMs: 0, priority: 'urgent', path: '/statistics/mail', query: { starttime: nowS - MAIL_SPAN_S, endtime: nowS }, schema: A.MailStatistics })];
      for (const node of names) {
        urgent.push(cache.refresh(context, { key: `status/${node}`, everyMs: 0, priority: 'urgent', path: `/nodes/${enc(node)}/status`, schema: A.NodeStatus }));
        for (const q of QUEUES) urgent.push(cache.refresh(context, { key: `queue/${node}/${q}`, everyMs: 0, priority: 'urgent', path: `/nodes/${enc(node)}/postfix/queue/${q}`, schema: A.PostfixQueueEntries }));
      }
      await settleWithin(urgent, context.waitMs);

      const value = <T>(key: string): T | undefined => cache.get<T>(key)?.value;
      const version = value<A.Version>('version');
      const cluster = value<A.PmgClusterMember[]>('cluster');
      const mail = value<A.MailStatistics>('mail');
      const spam = value<A.QuarantineStatus>('spam');
      const virus = value<A.QuarantineStatus>('virus');
      const resources = names.map((node) => {
        const queues: Partial<Record<QueueName, A.PostfixQueueEntry[]>> = {};
        for (const q of QUEUES) {
          const entries = value<A.PostfixQueueEntry[]>(`queue/${node}/${q}`);
          if (entries) queues[q] = entries;
        }
        const status = value<A.NodeStatus>(`status/${node}`);
        const err = cache.error(`status/${node}`);
        return normalizePmgNode({
          connection: context.connection, node, now: context.at, mailSpanSeconds: MAIL_SPAN_S, queues,
          ...(status ? { status } : {}), ...(version ? { version } : {}), ...(cluster ? { cluster } : {}),
          ...(mail ? { mail } : {}), ...(spam ? { spam } : {}), ...(virus ? { virus } : {}),
          ...(err ? { error: { code: err.code, message: err.message } } : {}),
        });
      });
      cache.retain((key) => !key.includes('/') || names.includes(key.split('/')[1] ?? ''), context.cadence);
      return { resources, nodes: names, problems: nodes.problems };
    },
  };
}
