import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as A from '../answers/index.js';
import * as N from './index.js';

const FIXTURES = new URL('../../../../../../tools/proxmox-sim/fixtures/', import.meta.url);
const read = <S extends z.ZodType>(schema: S, path: string): z.output<S> =>
  A.readAnswer(schema, (JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as { data: unknown }).data, path).value;
const byId = <T extends { id: string }>(list: T[]): Map<string, T> => new Map(list.map((r) => [r.id, r]));
const C = 'home';
/** 2025-08-05T08:00Z, the fixtures' "now" */
const NOW = 1754380800000;

describe('PVE storage', () => {
  const list = read(A.StorageList, 'pve8/storage.json');

  it('counts a shared storage once with its nodes, keeps local ones per node', () => {
    const out = byId(N.normalizePveStorage({ connection: C, perNode: { pve1: list, pve2: list } }));
    expect(out.size).toBe(8);
    expect(out.get('pve:home:storage/pbs-main')).toMatchObject({
      status: 'online',
      metrics: { 'disk.used': 1899354112000, 'disk.percent': 47.5 },
      details: { plugin: 'pbs', shared: true, nodes: ['pve1', 'pve2'], content: ['backup'] },
    });
    expect(out.get('pve:home:storage/pbs-main')!.parentId).toBeUndefined();
    expect(out.get('pve:home:storage/pve2/local')).toMatchObject({ parentId: 'pve:home:node/pve2', status: 'online' });
    expect(out.get('pve:home:storage/nas-iso')).toMatchObject({ status: 'offline', metrics: {} });
    expect(out.get('pve:home:storage/pve1/old-lvm')).toMatchObject({ status: 'offline', details: { enabled: false } });
  });

  it('fills a node whose storage call failed from /cluster/resources; partly mounted shared storage is degraded', () => {
    const out = byId(N.normalizePveStorage({ connection: C, perNode: { pve1: list }, resources: read(A.ClusterResources, 'pve9/cluster-resources.json') }));
    expect(out.get('pve:home:storage/pve2/local-lvm')).toMatchObject({ details: { plugin: 'lvmthin' }, metrics: { 'disk.used': 92823142400 } });
    expect(out.get('pve:home:storage/nas-iso')).toMatchObject({ status: 'degraded', details: { nodes: ['pve1', 'pve2'] }, metrics: { 'disk.used': 1201827840000 } });
  });
});

describe('disks, ZFS, Ceph', () => {
  it('turns remaining life into life used and leaves N/A out', () => {
    const disks = byId(N.normalizeDisks(C, 'pve1', read(A.DiskList, 'pve8/disks-list.json')));
    expect(disks.get('pve:home:disk/pve1/nvme0n1')).toMatchObject({ status: 'online', metrics: { 'disk.wearout': 3 }, details: { kind: 'nvme', health: 'PASSED' } });
    expect(disks.get('pve:home:disk/pve1/sda')!.metrics['disk.wearout']).toBe(12);
    const sdb = disks.get('pve:home:disk/pve1/sdb')!;
    expect(sdb).toMatchObject({ status: 'degraded', details: { health: 'FAILED', kind: 'hdd' } });
    expect(sdb.metrics['disk.wearout']).toBeUndefined();
    expect(disks.get('pve:home:disk/pve1/sdc')!.details.health).toBe('OK');
  });

  it('reads ZFS pools with their vdev tree', () => {
    const pools = byId(N.normalizeZfsPools(C, 'pve1', read(A.ZfsPools, 'pve8/disks-zfs.json'), { tank: read(A.ZfsPoolDetail, 'pve8/disks-zfs-pool.json') }));
    expect(pools.get('pve:home:zfs/pve1/rpool')!.status).toBe('online');
    const tank = pools.get('pve:home:zfs/pve1/tank')!;
    expect(tank).toMatchObject({ type: 'storage', status: 'degraded', metrics: { 'disk.percent': 54.04, 'zfs.frag': 31 }, details: { plugin: 'zfs-pool', health: 'DEGRADED' } });
    expect((tank.details.devices as Array<{ name: string; state: string }>).map((d) => d.state)).toEqual(['DEGRADED', 'FAULTED', 'ONLINE']);
  });

  it('reads Ceph health, checks, raw usage and OSD counts', () => {
    const ceph = N.normalizeCeph(C, read(A.CephStatus, 'pve8/ceph-status.json'), read(A.CephDf, 'pve8/ceph-df.json'));
    expect(ceph).toMatchObject({ id: 'pve:home:ceph', status: 'degraded', metrics: { 'disk.percent': 28.52, 'osd.total': 6, 'osd.up': 5, 'osd.in': 6 } });
    expect(ceph.details.checks).toEqual([
      { code: 'OSD_DOWN', severity: 'HEALTH_WARN', summary: '1 osds down' },
      expect.objectContaining({ code: 'PG_DEGRADED' }),
    ]);
    const old = N.normalizeCeph(C, { health: { status: 'HEALTH_OK' }, osdmap: { osdmap: { num_osds: 3, num_up_osds: 3, num_in_osds: 3 } }, pgmap: { bytes_total: 100, bytes_used: 25 } });
    expect(old).toMatchObject({ status: 'online', metrics: { 'osd.up': 3, 'disk.percent': 25 } });
  });
});

describe('backups', () => {
  const tasks = N.lastBackupsFromTasks(read(A.Tasks, 'pve8/tasks-vzdump.json'));
  const content = N.lastBackupsFromContent(read(A.StorageContent, 'pve8/storage-content-backup.json'));

  it('reads single-guest vzdump tasks, skipping running ones and multi-guest jobs', () => {
    expect([...tasks.keys()]).toEqual([101]);
    expect(tasks.get(101)).toEqual({ time: 1754100000000, status: 'ok' });
    expect(N.taskOutcome('WARNINGS: 1')).toBe('warning');
    expect(N.taskOutcome('job errors')).toBe('error');
  });

  it('merges a task and a volume of the same run, newest wins otherwise', () => {
    const merged = N.mergeLastBackups(new Map([[100, { time: 1754359200000 + 60_000, status: 'warning' as const }]]), content);
    expect(merged.get(100)).toEqual({ time: 1754359260000, status: 'warning', storage: 'pbs-main', size: 34359738368 });
    expect(N.mergeLastBackups(tasks, content).get(101)).toMatchObject({ time: 1754186400000, storage: 'local' });
    const failedLater = N.mergeLastBackups(new Map([[200, { time: 1754359410000 + 3_600_000, status: 'error' as const }]]), content);
    expect(failedLater.get(200)!.status).toBe('error');
  });

  it('lists guests without a recent backup', () => {
    const guest = (id: string, vmid: number, extra: Record<string, unknown> = {}) => ({ id, type: 'vm' as const, name: `g${vmid}`, metrics: {}, details: { vmid, ...extra } });
    const groups = N.normalizePbsBackupGroups({ connection: 'pbs', store: 'main', groups: read(A.BackupGroups, 'pbs/groups.json') });
    const gaps = N.guestsWithoutBackup(
      [guest('a', 100), guest('b', 101), guest('c', 102), guest('d', 9000, { template: true }), guest('e', 104, { lastBackup: { time: NOW - 1000, status: 'error' } }), guest('f', 106)],
      groups,
      new Map([[106, NOW - 3_600_000]]),
      NOW,
      86_400_000,
    );
    expect(gaps).toEqual([
      { id: 'b', vmid: 101, name: 'g101', lastBackup: 1754186400000, reason: 'too-old' },
      { id: 'c', vmid: 102, name: 'g102', reason: 'never' },
      { id: 'e', vmid: 104, name: 'g104', reason: 'never' },
    ]);
  });
});

describe('markUnknown', () => {
  it('keeps the last figures, sets unknown, and puts the error on nodes only', () => {
    const nodes = N.normalizePveNodes({ connection: C, clusterStatus: read(A.ClusterStatus, 'pve8/cluster-status.json'), status: { pve1: read(A.NodeStatus, 'pve8/node-status.json') } });
    const disk = N.normalizeDisks(C, 'pve1', read(A.DiskList, 'pve8/disks-list.json'))[0]!;
    const out = N.markUnknown([...nodes, disk], { code: 'proxmox.unreachable', message: 'Cannot reach https://pve1:8006' });
    expect(out.every((r) => r.status === 'unknown')).toBe(true);
    expect(out[0]!.metrics).toEqual(nodes[0]!.metrics);
    expect(out[0]!.details.error).toEqual({ code: 'proxmox.unreachable', message: 'Cannot reach https://pve1:8006' });
    expect(out.at(-1)!.details.error).toBeUndefined();
    expect(nodes[0]!.status).toBe('online');
  });
});
