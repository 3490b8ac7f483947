import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProxmoxError } from '../client/errors.js';
import * as A from './index.js';

// Recorded-shape fixtures of the simulator (see tools/proxmox-sim/fixtures/README.md).
const FIXTURES = new URL('../../../../../../tools/proxmox-sim/fixtures/', import.meta.url);
const fixture = (path: string): unknown => (JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as { data: unknown }).data;

const PVE: Array<[string, z.ZodType]> = [
  ['cluster-status.json', A.ClusterStatus],
  ['cluster-status-standalone.json', A.ClusterStatus],
  ['cluster-resources.json', A.ClusterResources],
  ['cluster-resources-vm.json', A.ClusterResources],
  ['nodes.json', A.NodeList],
  ['node-status.json', A.NodeStatus],
  ['qemu-list.json', A.GuestList],
  ['lxc-list.json', A.GuestList],
  ['qemu-status-current.json', A.GuestStatus],
  ['qemu-status-current-stopped.json', A.GuestStatus],
  ['lxc-status-current.json', A.GuestStatus],
  ['qemu-config.json', A.QemuConfig],
  ['agent-fsinfo.json', A.AgentFsinfo],
  ['agent-network-get-interfaces.json', A.AgentInterfaces],
  ['agent-osinfo.json', A.AgentOsinfo],
  ['lxc-interfaces.json', A.LxcInterfaces],
  ['storage.json', A.StorageList],
  ['storage-content-backup.json', A.StorageContent],
  ['disks-list.json', A.DiskList],
  ['disks-zfs.json', A.ZfsPools],
  ['disks-zfs-pool.json', A.ZfsPoolDetail],
  ['ceph-status.json', A.CephStatus],
  ['ceph-df.json', A.CephDf],
  ['tasks-vzdump.json', A.Tasks],
  ['snapshot.json', A.Snapshots],
  ['replication-status.json', A.ReplicationJobs],
  ['apt-update.json', A.AptUpdates],
  ['version.json', A.Version],
];
const PBS: Array<[string, z.ZodType]> = [
  ['version.json', A.Version],
  ['node-status.json', A.PbsNodeStatus],
  ['datastore-list.json', A.DatastoreList],
  ['datastore-status.json', A.DatastoreStatus],
  ['datastore-usage.json', A.DatastoreUsages],
  ['groups.json', A.BackupGroups],
  ['snapshots.json', A.BackupSnapshots],
  ['gc.json', A.GcJob],
  ['sync-jobs.json', A.JobList],
  ['verify-jobs.json', A.JobList],
  ['prune-jobs.json', A.JobList],
  ['config-sync.json', A.JobList],
  ['tasks.json', A.PbsTasks],
];
const PMG: Array<[string, z.ZodType]> = [
  ['version.json', A.Version],
  ['nodes.json', A.PmgNodes],
  ['node-status.json', A.NodeStatus],
  ['statistics-mail.json', A.MailStatistics],
  ['quarantine-spamstatus.json', A.QuarantineStatus],
  ['quarantine-virusstatus.json', A.QuarantineStatus],
  ['postfix-queue.json', A.PostfixQueueIndex],
  ['postfix-queue-deferred.json', A.PostfixQueueEntries],
  ['postfix-qshape.json', A.Qshape],
  ['cluster-status.json', A.PmgClusterStatus],
];

describe('answer schemas read every recorded answer whole', () => {
  const cases = [
    ...PVE.map(([f, s]) => [`pve8/${f}`, s] as const),
    ...PVE.map(([f, s]) => [`pve9/${f}`, s] as const),
    ['pve9/rrddata-node.json', A.NodeRrd] as const,
    ...PBS.map(([f, s]) => [`pbs/${f}`, s] as const),
    ...PMG.map(([f, s]) => [`pmg/${f}`, s] as const),
  ];
  it.each(cases)('%s', (path, schema) => {
    const answer = A.readAnswer(schema, fixture(path), path);
    expect(answer.problems).toEqual([]);
    expect(answer.dropped).toBe(0);
  });
});

describe('quirks', () => {
  it('reads PVE 8 node status strings as numbers and has no MemAvailable', () => {
    const { value } = A.readAnswer(A.NodeStatus, fixture('pve8/node-status.json'), '/nodes/pve1/status');
    expect(value.loadavg).toEqual([0.52, 0.61, 0.58]);
    expect(value.cpuinfo?.mhz).toBe(3399.998);
    expect(value.memory?.available).toBeUndefined();
  });

  it('reads PVE 9 MemAvailable and the rrd memavailable column', () => {
    const { value } = A.readAnswer(A.NodeStatus, fixture('pve9/node-status.json'), '/nodes/pve1/status');
    expect(value.memory?.available).toBe(45865938944);
    const rrd = A.readAnswer(A.NodeRrd, fixture('pve9/rrddata-node.json'), 'rrd').value;
    expect(rrd.some((p) => p.memavailable !== undefined)).toBe(true);
  });

  it('reads agent as 1 on PVE 8 and {enabled, available} on PVE 9, and the config property string', () => {
    expect(A.readAnswer(A.GuestStatus, fixture('pve8/qemu-status-current.json'), 's').value.agent).toEqual({ enabled: true });
    expect(A.readAnswer(A.GuestStatus, fixture('pve9/qemu-status-current.json'), 's').value.agent).toEqual({ enabled: true, available: true });
    expect(A.readAnswer(A.QemuConfig, fixture('pve8/qemu-config.json'), 'c').value.agent).toEqual({ enabled: true });
    expect(A.readAgentSetting('enabled=0,fstrim_cloned_disks=1')).toEqual({ enabled: false });
    expect(A.readAgentSetting(0)).toEqual({ enabled: false });
  });

  it('reads wearout "N/A" as absent and keeps numbers', () => {
    const disks = A.readAnswer(A.DiskList, fixture('pve8/disks-list.json'), 'disks').value;
    expect(disks.find((d) => d.devpath === '/dev/nvme0n1')?.wearout).toBe(97);
    expect(disks.find((d) => d.devpath === '/dev/sdb')?.wearout).toBeUndefined();
  });

  it('reads an LXC vmid sent as a string and turns list entries into resource rows', () => {
    const list = A.readAnswer(A.GuestList, fixture('pve8/lxc-list.json'), 'lxc').value;
    const rows = A.guestListRows('lxc', 'pve1', list);
    expect(rows[0]).toMatchObject({ id: 'lxc/200', type: 'lxc', vmid: 200, node: 'pve1', maxcpu: 1 });
  });

  it('unwraps the agent {result} envelope and accepts a bare reply', () => {
    const wrapped = A.readAnswer(A.AgentOsinfo, fixture('pve8/agent-osinfo.json'), 'os').value;
    expect(wrapped['pretty-name']).toBeTruthy();
    expect(A.readAnswer(A.AgentOsinfo, { id: 'debian' }, 'os').value.id).toBe('debian');
  });

  it('lowercases the smbios1 uuid and parses /proc/meminfo', () => {
    expect(A.smbiosUuid('manufacturer=QEMU,uuid=5F0B2D3A-8C41-4B7E-9F12-3D6A1E8C4B20')).toBe('5f0b2d3a-8c41-4b7e-9f12-3d6a1e8c4b20');
    expect(A.smbiosUuid(undefined)).toBeUndefined();
    expect(A.parseProcMeminfo('MemTotal:        4032930 kB\nMemFree:  100 kB\nMemAvailable:    3000000 kB\n')).toEqual({
      total: 4032930 * 1024,
      available: 3000000 * 1024,
    });
    expect(A.parseProcMeminfo('MemTotal: 10 kB\n')).toBeUndefined();
  });

  it('reads PBS task worker_type in snake case and verification as a bare string', () => {
    const tasks = A.readAnswer(A.PbsTasks, fixture('pbs/tasks.json'), 'tasks').value;
    expect(tasks[0]?.workerType).toBe('backup');
    const snap = A.readAnswer(A.BackupSnapshot, { 'backup-type': 'vm', 'backup-id': 100, 'backup-time': '1754359200', verification: 'failed' }, 's').value;
    expect(snap).toMatchObject({ 'backup-id': '100', 'backup-time': 1754359200, verification: { state: 'failed' } });
  });

  it('reads PMG nulls as absent and a null list as empty', () => {
    expect(A.readAnswer(A.MailStatistics, { count_in: null, count_out: '12' }, 'mail').value).toMatchObject({ count_in: undefined, count_out: 12 });
    expect(A.readAnswer(A.PmgClusterStatus, null, 'cluster').value).toEqual([]);
  });
});

describe('garbage', () => {
  it('drops list items that are not what the API describes, counts and names them', () => {
    const data = [
      { id: 'qemu/100', type: 'qemu', vmid: 100, cpu: '0.5' },
      { id: 'qemu/101', type: 'qemu', cpu: 'lots' },
      { type: 'qemu' },
      'not an object',
      null,
    ];
    const answer = A.readAnswer(A.ClusterResources, data, '/cluster/resources');
    expect(answer.value.map((r) => r.id)).toEqual(['qemu/100']);
    expect(answer.value[0]?.cpu).toBe(0.5);
    expect(answer.dropped).toBe(4);
    expect(answer.problems[0]).toMatch(/^\/cluster\/resources \[1\] cpu: /);
  });

  it('counts items dropped in nested lists with their path', () => {
    const data = { name: 'tank', children: [{ name: 'mirror-0', children: [{ name: 'sda', read: 'x' }, { name: 'sdb' }] }] };
    const answer = A.readAnswer(A.ZfsPoolDetail, data, '/nodes/pve1/disks/zfs/tank');
    expect(answer.dropped).toBe(1);
    expect(answer.problems[0]).toContain('children[0].children[0] read');
    expect(answer.value.children?.[0]?.children?.map((c) => c.name)).toEqual(['sdb']);
  });

  it('counts the items of a list reached twice once, and stops at a cycle', () => {
    const list = A.listOf(z.object({ id: A.text })).parse([{ id: 'a' }, { id: {} }]);
    const output: Record<string, unknown> = { rows: list, again: { rows: list }, leaf: { n: 1 } };
    output.self = output;
    const answer = A.readAnswer(z.any(), output, 'x');
    expect(answer.dropped).toBe(1);
    expect(answer.problems[0]).toMatch(/^x rows\[1\] id: /);
  });

  it('throws proxmox.bad_response naming the path and the field for a wrong answer', () => {
    const bad = () => A.readAnswer(A.NodeStatus, { memory: { total: 'a lot' } }, '/nodes/pve1/status');
    expect(bad).toThrow(ProxmoxError);
    try {
      bad();
    } catch (err) {
      expect((err as ProxmoxError).code).toBe('proxmox.bad_response');
      expect((err as ProxmoxError).message).toContain('/nodes/pve1/status');
      expect((err as ProxmoxError).message).toContain('memory.total');
    }
  });

  it('throws for a list answer that is not a list, and for no answer at all', () => {
    expect(() => A.readAnswer(A.ClusterResources, { data: [] }, '/cluster/resources')).toThrow(/\/cluster\/resources/);
    expect(() => A.readAnswer(A.NodeStatus, undefined, '/nodes/pve1/status')).toThrow(ProxmoxError);
    expect(() => A.readAnswer(A.CephStatus, { health: {} }, '/cluster/ceph/status')).toThrow(/health\.status/);
  });

  it('reads an empty list and a partial object without crashing', () => {
    expect(A.readAnswer(A.Tasks, [], 'tasks')).toEqual({ value: [], dropped: 0, problems: [] });
    const partial = A.readAnswer(A.NodeStatus, { cpu: 0.1, memory: { total: 100 } }, 's').value;
    expect(partial).toMatchObject({ cpu: 0.1, memory: { total: 100 } });
  });
});
