import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as A from '../answers/index.js';
import * as N from './index.js';

const FIXTURES = new URL('../../../../../../tools/proxmox-sim/fixtures/', import.meta.url);
const read = <S extends z.ZodType>(schema: S, path: string): z.output<S> =>
  A.readAnswer(schema, (JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as { data: unknown }).data, path).value;

const C = 'home';
const byId = <T extends { id: string }>(list: T[]): Map<string, T> => new Map(list.map((r) => [r.id, r]));

function nodesOf(v: 'pve8' | 'pve9', extra: Partial<N.PveNodesInput> = {}) {
  return byId(
    N.normalizePveNodes({
      connection: C,
      clusterStatus: read(A.ClusterStatus, `${v}/cluster-status.json`),
      nodes: read(A.NodeList, `${v}/nodes.json`),
      resources: read(A.ClusterResources, `${v}/cluster-resources.json`),
      status: { pve1: read(A.NodeStatus, `${v}/node-status.json`) },
      updates: { pve1: read(A.AptUpdates, `${v}/apt-update.json`) },
      ...extra,
    }),
  );
}

describe('PVE nodes', () => {
  it('reads a PVE 8 node: plain used memory, loadavg strings, versions, identity', () => {
    const pve1 = nodesOf('pve8').get('pve:home:node/pve1')!;
    expect(pve1).toMatchObject({ type: 'node', status: 'online', source: 'pve:home', identity: { hostnames: ['pve1'], ips: ['192.168.10.11'] } });
    expect(pve1.metrics).toMatchObject({
      cpu: 6.42, 'cpu.iowait': 0.11, cpus: 8, load1: 0.52, load5: 0.61, load15: 0.58,
      'mem.used': 21484929024, 'mem.total': 67350867968, 'mem.percent': 31.9,
      'swap.used': 520192, 'disk.percent': 9.78, uptime: 864321, 'updates.pending': 3,
    });
    expect(pve1.details).toMatchObject({ product: 'pve', node: 'pve1', cluster: 'homelab', pveVersion: '8.4.1', kernel: '6.8.12-11-pve', memSource: 'used', error: null });
    expect(pve1.metrics['mem.available']).toBeUndefined();
  });

  it('prefers MemAvailable on PVE 9', () => {
    const pve1 = nodesOf('pve9').get('pve:home:node/pve1')!;
    expect(pve1.details).toMatchObject({ memSource: 'available', pveVersion: '9.0.3' });
    expect(pve1.metrics).toMatchObject({ 'mem.used': 67350867968 - 45865938944, 'mem.available': 45865938944, 'mem.cached': 0 });
  });

  it('falls back to the newest rrd memavailable, then used minus buffers and cache', () => {
    const status = { memory: { total: 1000, used: 900 } };
    const rrd = [{ time: 2, memavailable: 600 }, { time: 3 }, { time: 1, memavailable: 100 }];
    expect(N.nodeMemory(status, rrd)).toEqual({ used: 400, total: 1000, source: 'rrd-memavailable', available: 600, cached: 500 });
    expect(N.nodeMemory({ memory: { total: 1000, used: 900, buffers: 100, cached: 300 } }, undefined)).toEqual({ used: 500, total: 1000, source: 'used-minus-cache', cached: 400 });
    expect(N.nodeMemory({ memory: { total: 1000, used: 900 } }, [])).toEqual({ used: 900, total: 1000, source: 'used' });
    expect(N.nodeMemory({ memory: { total: 0, used: 0 } }, [])).toBeUndefined();
  });

  it('uses the real PVE 9 rrddata when the status lacks MemAvailable', () => {
    const rrd = read(A.NodeRrd, 'pve9/rrddata-node.json');
    const newest = [...rrd].filter((p) => p.memavailable !== undefined).sort((a, b) => b.time - a.time)[0]!;
    const pve1 = nodesOf('pve8', { rrd: { pve1: rrd } }).get('pve:home:node/pve1')!;
    expect(pve1.details.memSource).toBe('rrd-memavailable');
    expect(pve1.metrics['mem.used']).toBeCloseTo(67350867968 - newest.memavailable!, 3);
  });

  it('marks a node offline from cluster status and from a 595, with the error', () => {
    const nodes = nodesOf('pve8', { errors: { pve2: { code: 'proxmox.node_offline', message: 'pve2 is offline' } } });
    expect(nodes.get('pve:home:node/pve3')).toMatchObject({ status: 'offline', metrics: {} });
    expect(nodes.get('pve:home:node/pve2')).toMatchObject({ status: 'offline', details: { error: { code: 'proxmox.node_offline', message: 'pve2 is offline' } } });
  });

  it('takes figures from /cluster/resources when a node status was not read', () => {
    const pve2 = nodesOf('pve8').get('pve:home:node/pve2')!;
    expect(pve2.metrics).toMatchObject({ cpu: 2.88, cpus: 8, 'mem.used': 11982438400, uptime: 259410 });
    expect(pve2.details.memSource).toBe('used');
  });

  it('names no cluster for a standalone node', () => {
    const nodes = N.normalizePveNodes({ connection: C, clusterStatus: read(A.ClusterStatus, 'pve8/cluster-status-standalone.json') });
    expect(nodes.every((n) => n.details.cluster === undefined)).toBe(true);
  });
});

function guestsOf(v: 'pve8' | 'pve9', rates = N.createRateTracker(), extras: Record<number, N.GuestExtras> = {}, at = 1_000_000) {
  const backups = N.mergeLastBackups(N.lastBackupsFromTasks(read(A.Tasks, `${v}/tasks-vzdump.json`)), N.lastBackupsFromContent(read(A.StorageContent, `${v}/storage-content-backup.json`)));
  return byId(N.normalizePveGuests({ connection: C, resources: read(A.ClusterResources, `${v}/cluster-resources.json`), at, rates, extras, backups }));
}

const fullExtras = (v: 'pve8' | 'pve9'): N.GuestExtras => ({
  status: read(A.GuestStatus, `${v}/qemu-status-current.json`),
  config: read(A.QemuConfig, `${v}/qemu-config.json`),
  agentFsinfo: read(A.AgentFsinfo, `${v}/agent-fsinfo.json`),
  agentInterfaces: read(A.AgentInterfaces, `${v}/agent-network-get-interfaces.json`),
  agentOsinfo: read(A.AgentOsinfo, `${v}/agent-osinfo.json`),
  snapshots: read(A.Snapshots, `${v}/snapshot.json`),
});

describe('PVE guests', () => {
  it('reads a running VM with the agent: balloon memory, IPs, OS, filesystems, identity, backup, snapshots', () => {
    const vm = guestsOf('pve8', undefined, { 100: fullExtras('pve8') }).get('pve:home:qemu/100')!;
    expect(vm).toMatchObject({ type: 'vm', name: 'web01', parentId: 'pve:home:node/pve1', status: 'online', tags: ['prod', 'web'] });
    expect(vm.metrics).toMatchObject({ cpu: 3.13, cpus: 2, 'mem.used': 1784520704, 'mem.total': 4294967296, 'mem.percent': 41.55, 'mem.balloon': 4294967296 });
    expect(vm.metrics['disk.used']).toBe(9178136576 + 12301312);
    expect(vm.details).toMatchObject({
      vmid: 100, memSource: 'balloon', agent: 'running', agentHint: null, os: 'Debian GNU/Linux 12 (bookworm)',
      ips: ['192.168.10.100'], snapshots: 2, pool: 'production', hastate: 'started', template: false, lock: null,
      lastBackup: { time: 1754359200000, status: 'ok', storage: 'pbs-main', size: 34359738368 },
    });
    expect(vm.identity).toEqual({ dmiUuid: '5f0b2d3a-8c41-4b7e-9f12-3d6a1e8c4b20', macs: ['bc:24:11:3a:5f:01'], ips: ['192.168.10.100'] });
  });

  it('prefers the agent meminfo over the balloon figures', () => {
    const vm = guestsOf('pve9', undefined, { 100: { ...fullExtras('pve9'), agentMeminfo: { total: 4_000_000_000, available: 3_000_000_000 } } }).get('pve:home:qemu/100')!;
    expect(vm.details.memSource).toBe('guest-agent');
    expect(vm.metrics['mem.used']).toBe(1_000_000_000);
  });

  it('uses cluster-resources memory without status/current and says when the agent is missing', () => {
    const guests = guestsOf('pve9', undefined, { 101: { status: { agent: { enabled: false } } }, 100: { status: { agent: { enabled: true, available: false } } } });
    expect(guests.get('pve:home:qemu/101')!.details).toMatchObject({ memSource: 'cluster-resources', agent: 'disabled' });
    expect(String(guests.get('pve:home:qemu/101')!.details.agentHint)).toMatch(/enable it/);
    expect(guests.get('pve:home:qemu/100')!.details.agent).toBe('enabled-not-running');
    expect(guests.get('pve:home:qemu/101')!.metrics['mem.used']).toBe(7301234688);
  });

  it('maps states: stopped offline, template, unknown on an offline node, LXC as system-container', () => {
    const g = guestsOf('pve8');
    expect(g.get('pve:home:qemu/102')!.status).toBe('offline');
    expect(g.get('pve:home:qemu/9000')!.details.template).toBe(true);
    expect(g.get('pve:home:qemu/103')).toMatchObject({ status: 'unknown', metrics: { 'disk.total': 53687091200 } });
    expect(g.get('pve:home:lxc/200')).toMatchObject({ type: 'system-container', status: 'online', metrics: { 'disk.used': 1893728256, cpu: 0.42 } });
    expect(g.get('pve:home:lxc/200')!.details.agent).toBeUndefined();
  });

  it('is degraded when paused, in HA error, or locked by a failed backup', () => {
    const rows = [
      { id: 'qemu/1', type: 'qemu', vmid: 1, status: 'running', node: 'n', lock: 'backup' },
      { id: 'qemu/2', type: 'qemu', vmid: 2, status: 'running', node: 'n', hastate: 'error' },
      { id: 'qemu/3', type: 'qemu', vmid: 3, status: 'running', node: 'n' },
    ] as A.ClusterResource[];
    const out = byId(N.normalizePveGuests({
      connection: C, resources: rows, at: 0, rates: N.createRateTracker(),
      extras: { 3: { status: { qmpstatus: 'paused' } } },
      backups: new Map([[1, { time: 1, status: 'error' as const }]]),
    }));
    expect([...out.values()].map((r) => r.status)).toEqual(['degraded', 'degraded', 'degraded']);
    expect(out.get('pve:home:qemu/3')!.details.status).toBe('paused');
  });

  it('computes LXC addresses from PVE 8 inet strings, skipping loopback and link-local', () => {
    expect(N.lxcNetwork(read(A.LxcInterfaces, 'pve8/lxc-interfaces.json'))).toEqual({ ips: ['192.168.10.53'], macs: ['bc:24:11:7c:2e:90'] });
  });
});

describe('guest rates', () => {
  const row = (uptime: number, netin: number, diskwrite = 0) => [{ id: 'qemu/1', type: 'qemu', vmid: 1, status: 'running', node: 'n', uptime, netin, netout: 0, diskread: 0, diskwrite }] as A.ClusterResource[];
  const poll = (rates: N.RateTracker, at: number, r: A.ClusterResource[]) => N.normalizePveGuests({ connection: C, resources: r, at, rates })[0]!.metrics;

  it('gives no rate on the first poll, then bytes/s over the uptime between samples', () => {
    const rates = N.createRateTracker();
    expect(poll(rates, 0, row(100, 1_000))['net.rx']).toBeUndefined();
    expect(poll(rates, 10_000, row(110, 10_001_000))).toMatchObject({ 'net.rx': 1_000_000, 'net.tx': 0 });
  });

  it('repeats the last rate when PVE has not refreshed the sample', () => {
    const rates = N.createRateTracker();
    poll(rates, 0, row(100, 0));
    poll(rates, 10_000, row(110, 5_000));
    expect(poll(rates, 12_000, row(110, 5_000))['net.rx']).toBe(500);
  });

  it('gives no rate after a restart and never a negative one', () => {
    const rates = N.createRateTracker();
    poll(rates, 0, row(100, 9_000, 500));
    expect(poll(rates, 10_000, row(5, 100, 600))['net.rx']).toBeUndefined();
    const m = poll(rates, 20_000, row(15, 50, 700));
    expect(m['net.rx']).toBeUndefined();
    expect(m['disk.write']).toBe(10);
  });

  it('forgets guests that are gone', () => {
    const rates = N.createRateTracker();
    poll(rates, 0, row(100, 0));
    N.normalizePveGuests({ connection: C, resources: [], at: 1, rates });
    expect(rates.size).toBe(0);
  });
});
