import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as A from '../answers/index.js';
import * as N from './index.js';

const FIXTURES = new URL('../../../../../../tools/proxmox-sim/fixtures/', import.meta.url);
const read = <S extends z.ZodType>(schema: S, path: string): z.output<S> =>
  A.readAnswer(schema, (JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as { data: unknown }).data, path).value;
const byId = <T extends { id: string }>(list: T[]): Map<string, T> => new Map(list.map((r) => [r.id, r]));
/** 2025-08-05T08:00Z, the fixtures' "now" */
const NOW = 1754380800000;

describe('PBS', () => {
  it('reads the server like a node', () => {
    const server = N.normalizePbsServer({ connection: 'backup', version: read(A.Version, 'pbs/version.json'), status: read(A.PbsNodeStatus, 'pbs/node-status.json') });
    expect(server).toMatchObject({ id: 'pbs:backup', type: 'node', status: 'online', details: { product: 'pbs', version: '3.4.2', error: null } });
    expect(server.metrics).toMatchObject({ cpu: 2.31, cpus: 4, load1: 0.08, 'mem.used': 3917234176, 'disk.used': 7325310976 });
  });

  it('reads datastores: usage, dedup, backups, estimated full, GC, jobs, status', () => {
    const out = byId(N.normalizePbsDatastores({
      connection: 'backup',
      now: NOW,
      datastores: read(A.DatastoreList, 'pbs/datastore-list.json'),
      status: { main: read(A.DatastoreStatus, 'pbs/datastore-status.json') },
      usage: read(A.DatastoreUsages, 'pbs/datastore-usage.json'),
      gc: { main: read(A.GcJob, 'pbs/gc.json') },
      jobs: { sync: read(A.JobList, 'pbs/sync-jobs.json'), verify: read(A.JobList, 'pbs/verify-jobs.json'), prune: read(A.JobList, 'pbs/prune-jobs.json') },
      namespaces: { main: [{ ns: '' }, { ns: 'lab' }] },
    }));
    const main = out.get('pbs:backup:datastore/main')!;
    expect(main).toMatchObject({
      parentId: 'pbs:backup',
      // the verify job's last run failed
      status: 'degraded',
      metrics: { 'disk.used': 1899354112000, 'disk.percent': 47.5, dedup: 11.63, backups: 67 },
      details: { estimatedFull: 1772870400000, gc: { lastRun: 1754357473000, status: 'ok', removedBytes: 13843296256 }, namespaces: ['lab'], error: null },
    });
    expect(main.details.jobs).toEqual([
      { kind: 'verify', id: 'v-d8c7d1e2-9b1a', lastRunState: 'verification failed - please check the log for details', lastRunEnd: 1754362800000, nextRun: 1754438400000 },
      { kind: 'prune', id: 'default-main-3c1f', lastRunState: 'OK', lastRunEnd: 1754352012000, nextRun: 1754438400000 },
    ]);
    const offsite = out.get('pbs:backup:datastore/offsite')!;
    expect(offsite).toMatchObject({ status: 'online', metrics: { 'disk.used': 287311470592 } });
    // a shrinking store has no full date
    expect(offsite.details.estimatedFull).toBeUndefined();
    expect(out.get('pbs:backup:datastore/usb')).toMatchObject({ status: 'offline', metrics: {}, details: { mountStatus: 'notmounted', error: { code: 'pbs.datastore_error' } } });
  });

  it('reads backup groups with the newest snapshot verification and size', () => {
    const out = byId(N.normalizePbsBackupGroups({ connection: 'backup', store: 'main', groups: read(A.BackupGroups, 'pbs/groups.json'), snapshots: read(A.BackupSnapshots, 'pbs/snapshots.json') }));
    expect(out.get('pbs:backup:backup/main/vm/100')).toMatchObject({
      type: 'backup', parentId: 'pbs:backup:datastore/main', status: 'online',
      metrics: { backups: 14, 'backup.last': 1754359200000, 'backup.size': 34359739357 },
      details: { backupType: 'vm', backupId: '100', verification: 'ok', protected: false, owner: 'pve-backup@pbs!pve1' },
    });
    expect(out.get('pbs:backup:backup/main/ct/200')).toMatchObject({ status: 'degraded', details: { verification: 'failed' } });
    expect(out.get('pbs:backup:backup/main/vm/101')!.details.verification).toBe('none');
    expect(out.get('pbs:backup:backup/main/host/pbs')!.metrics['backup.size']).toBeUndefined();
  });

  it('prefixes ids of groups in a namespace the way PBS lays them out', () => {
    expect(N.backupGroupId('b', 'main', 'vm', '100', 'lab/k8s')).toBe('pbs:b:backup/main/ns/lab/ns/k8s/vm/100');
    const [g] = N.normalizePbsBackupGroups({ connection: 'b', store: 'main', namespace: 'lab', groups: [{ 'backup-type': 'ct', 'backup-id': '7', 'last-backup': undefined, 'backup-count': 0, owner: undefined, comment: undefined, files: undefined }] });
    expect(g).toMatchObject({ id: 'pbs:b:backup/main/ns/lab/ct/7', details: { namespace: 'lab', verification: 'none' } });
  });
});

describe('PMG', () => {
  const deferred = read(A.PostfixQueueEntries, 'pmg/postfix-queue-deferred.json');

  it('reads a node with per-minute mail rates over the last hour, quarantine, queues and role', () => {
    const node = N.normalizePmgNode({
      connection: 'mail', node: 'pmg1', now: NOW,
      version: read(A.Version, 'pmg/version.json'),
      status: read(A.NodeStatus, 'pmg/node-status.json'),
      mail: read(A.MailStatistics, 'pmg/statistics-mail.json'),
      spam: read(A.QuarantineStatus, 'pmg/quarantine-spamstatus.json'),
      virus: read(A.QuarantineStatus, 'pmg/quarantine-virusstatus.json'),
      queues: { deferred, active: 0, hold: 0, incoming: N.qshapeTotal(read(A.Qshape, 'pmg/postfix-qshape.json')) },
      cluster: read(A.PmgClusterStatus, 'pmg/cluster-status.json'),
    });
    expect(node).toMatchObject({ id: 'pmg:mail:node/pmg1', type: 'node', status: 'online', details: { product: 'pmg', version: '8.2.1', role: 'master', error: null } });
    expect(node.metrics).toMatchObject({
      'mail.in': 68.72, 'mail.out': 9.82, 'mail.spam': 6.5, 'mail.virus': 0.07, 'mail.bounces': 0.07,
      'quarantine.spam': 1873, 'quarantine.virus': 4,
      'queue.deferred': 2, 'queue.active': 0, 'queue.incoming': 2, 'queue.oldest_age': 7200,
      load1: 0.21, 'mem.used': 2718396416,
    });
  });

  it('takes the version from pmgversion without /version, and is offline on a 595', () => {
    const node = N.normalizePmgNode({ connection: 'mail', node: 'pmg2', now: NOW, status: read(A.NodeStatus, 'pmg/node-status.json'), error: { code: 'proxmox.node_offline', message: 'down' } });
    expect(node).toMatchObject({ status: 'offline', metrics: {}, details: { version: '8.2.1', error: { code: 'proxmox.node_offline' } } });
  });
});
