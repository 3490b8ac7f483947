import * as A from '../answers/index.js';
import { readAnswer } from '../answers/index.js';
import { normalizePbsBackupGroups, normalizePbsDatastores, normalizePbsServer } from '../normalize/index.js';
import type { JobKind } from '../normalize/index.js';
import { createAnswerCache } from './answer-cache.js';
import type { PollResult, ProductPoller } from './poll-context.js';
import { settleWithin } from './poll-context.js';

/*
 * One Proxmox Backup Server. Every cycle (60 s by default): the server's status, the datastore
 * list and their usage in one call; each datastore's status. Backup groups, snapshots, GC and the
 * jobs' last runs change by the hour and are read every few minutes; snapshots (the biggest
 * answer PBS gives) every ten.
 */

const MIN = 60_000;
const enc = encodeURIComponent;

export function createPbsPoller(): ProductPoller {
  const cache = createAnswerCache();
  return {
    async poll(context): Promise<PollResult> {
      const [status, list] = await Promise.all([
        context.get('urgent', '/nodes/localhost/status'),
        context.get('urgent', '/admin/datastore'),
      ]);
      const server = readAnswer(A.PbsNodeStatus, status, '/nodes/localhost/status');
      const stores = readAnswer(A.DatastoreList, list, '/admin/datastore');
      const problems = [...server.problems, ...stores.problems];
      const names = stores.value.map((d) => d.store);
      const refresh = (key: string, everyMs: number, path: string, schema: Parameters<typeof cache.refresh>[1]['schema'], query?: Record<string, string | number>) =>
        cache.refresh(context, { key, everyMs, priority: 'background', path, schema, ...(query ? { query } : {}) });

      void refresh('version', 10 * MIN, '/version', A.Version);
      for (const kind of ['sync', 'verify', 'prune'] as const) void refresh(`jobs/${kind}`, 5 * MIN, `/admin/${kind}`, A.JobList);
      const urgent = [
        cache.refresh(context, { key: 'usage', everyMs: 0, priority: 'urgent', path: '/status/datastore-usage', schema: A.DatastoreUsages }),
        ...names.map((s) => cache.refresh(context, { key: `status/${s}`, everyMs: 0, priority: 'urgent', path: `/admin/datastore/${enc(s)}/status`, query: { verbose: 1 }, schema: A.DatastoreStatus })),
      ];
      for (const s of names) {
        void refresh(`gc/${s}`, 5 * MIN, `/admin/datastore/${enc(s)}/gc`, A.GcJob);
        void refresh(`groups/${s}`, 5 * MIN, `/admin/datastore/${enc(s)}/groups`, A.BackupGroups);
        void refresh(`snapshots/${s}`, 10 * MIN, `/admin/datastore/${enc(s)}/snapshots`, A.BackupSnapshots);
      }
      await settleWithin(urgent, context.waitMs);

      const value = <T>(key: string): T | undefined => cache.get<T>(key)?.value;
      const statusByStore: Record<string, A.DatastoreStatus> = {};
      const gc: Record<string, A.GcJob> = {};
      const groups: Record<string, A.BackupGroup[]> = {};
      const errors: Record<string, { code: string; message: string }> = {};
      for (const s of names) {
        const st = value<A.DatastoreStatus>(`status/${s}`);
        if (st) statusByStore[s] = st;
        const g = value<A.GcJob>(`gc/${s}`);
        if (g) gc[s] = g;
        const gr = value<A.BackupGroup[]>(`groups/${s}`);
        if (gr) groups[s] = gr;
        const err = cache.error(`status/${s}`);
        if (err) errors[s] = { code: err.code, message: err.message };
      }
      const jobs: Partial<Record<JobKind, A.JobStatus[]>> = {};
      for (const kind of ['sync', 'verify', 'prune'] as const) {
        const j = value<A.JobStatus[]>(`jobs/${kind}`);
        if (j) jobs[kind] = j;
      }
      const c = context.connection;
      const usage = value<A.DatastoreUsage[]>('usage');
      const version = value<A.Version>('version');
      const resources = [
        normalizePbsServer({ connection: c, status: server.value, ...(version ? { version } : {}) }),
        ...normalizePbsDatastores({ connection: c, now: context.at, datastores: stores.value, status: statusByStore, gc, jobs, groups, errors, ...(usage ? { usage } : {}) }),
        ...names.flatMap((store) => {
          const g = groups[store];
          if (!g) return [];
          const snapshots = value<A.BackupSnapshot[]>(`snapshots/${store}`);
          return normalizePbsBackupGroups({ connection: c, store, groups: g, ...(snapshots ? { snapshots } : {}) });
        }),
      ];
      cache.retain((key) => !key.includes('/') || key.startsWith('jobs/') || names.includes(key.slice(key.indexOf('/') + 1)), context.cadence);
      return { resources, nodes: ['localhost'], problems };
    },
  };
}
