import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resource } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatfsResult } from './filesystems.js';
import { createHostCollector } from './host-collector.js';
import type { HostCollectorOptions } from './host-collector.js';

const fixtureRoot = fileURLToPath(new URL('fixtures/host', import.meta.url));
const statfsByMount: Record<string, StatfsResult> = {
  '/': { bsize: 4096, blocks: 1_000_000, bfree: 400_000, bavail: 350_000 },
  '/home': { bsize: 4096, blocks: 500_000, bfree: 250_000, bavail: 250_000 },
};

let root: string;
let clock: number;
const logger = { warn: vi.fn(), debug: vi.fn() };

beforeEach(() => {
  // Copied so a test can advance counters by rewriting files without touching the recorded fixture.
  root = mkdtempSync(join(tmpdir(), 'pulse-host-'));
  cpSync(fixtureRoot, root, { recursive: true });
  clock = 1000;
  logger.warn.mockReset();
  logger.debug.mockReset();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function collector(overrides: Partial<HostCollectorOptions> = {}) {
  const host = createHostCollector({
    procRoot: join(root, 'proc'),
    sysRoot: join(root, 'sys'),
    machineIdPaths: [join(root, 'etc/machine-id')],
    osReleasePath: join(root, 'etc/os-release'),
    statfs: (path) => {
      const stats = statfsByMount[path];
      if (!stats) throw Object.assign(new Error(`statfs ${path}`), { code: 'EACCES' });
      return stats;
    },
    now: () => clock,
    logger,
    ...overrides,
  });
  return { collect: () => host.collect(clock) };
}

const write = (path: string, text: string): void => writeFileSync(join(root, path), text);
const disk = (major: number, name: string, reads: number, sectorsRead: number, writes: number, sectorsWritten: number, ticks: number): string =>
  `${major} 0 ${name} ${reads} 0 ${sectorsRead} 0 ${writes} 0 ${sectorsWritten} 0 0 ${ticks} 0 0 0 0 0 0\n`;
const nic = (name: string, rx: number, rxPackets: number, tx: number, txPackets: number): string =>
  `${name}: ${rx} ${rxPackets} 0 0 0 0 0 0 ${tx} ${txPackets} 0 0 0 0 0 0\n`;
const netHeader = 'Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes\n';

describe('host collector', () => {
  it('describes the host as one valid resource keyed by machine id', () => {
    const host = collector().collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(host).toMatchObject({
      id: 'host:3d1219c7c4c5404aaa1f6d2a48adfda4', type: 'host', name: 'vm-fixture', source: 'local', status: 'online', tags: [],
      identity: { machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', hostnames: ['vm-fixture'], macs: ['52:54:00:ab:cd:01', '52:54:00:ab:cd:02'] },
    });
    expect(host.details.system).toEqual({
      hostname: 'vm-fixture', kernel: '6.1.0-18-amd64', os: 'Debian GNU/Linux 12 (bookworm)',
      cpuModel: 'AMD EPYC 7B13 64-Core Processor', bootTime: 1_700_000_000_000,
    });
    expect(host.metrics).toMatchObject({
      cores: 2, load1: 0.45, uptime: 403.63, 'procs.running': 3, 'procs.blocked': 1, 'procs.total': 9,
      'mem.used': 6_000_000 * 1024, 'disk.total': 6_144_000_000, 'disk.used': 3_481_600_000,
      // First collection: no earlier counters, so every rate is 0.
      'disk.read': 0, 'disk.write': 0, 'net.rx': 0, 'net.tx': 0, 'cpu.ctxt': 0, 'cpu.intr': 0, 'procs.forks': 0,
    });
    // A VM without sensors, ZFS or PSI files: those parts are empty, not errors.
    expect(host.details.temperatures).toEqual([]);
    expect(Object.keys(host.metrics).filter((key) => /^(temp|psi)\.|zfs/.test(key))).toEqual([]);
    expect(logger.warn).not.toHaveBeenCalled();
    expect((host.details.filesystems as { mount: string }[]).map((fs) => fs.mount)).toEqual(['/', '/home']);
    expect(logger.debug).toHaveBeenCalledWith(expect.objectContaining({ mount: '/mnt/nfs' }), expect.any(String));
  });

  it('falls back to host:<hostname> when there is no machine id, and takes its source name from options', () => {
    const host = collector({ machineIdPaths: [join(root, 'etc/missing')], source: 'agent' }).collect();
    expect(host.id).toBe('host:vm-fixture');
    expect(host.source).toBe('agent');
    expect(host.identity.machineId).toBeUndefined();
  });

  it('turns two collections two seconds apart into exact rates and CPU shares', () => {
    const local = collector();
    local.collect();
    write('proc/stat', [
      'cpu  1300 150 600 8400 250 75 75 150 0 0', 'cpu0 800 50 300 4100 125 25 25 75 0 0',
      'cpu1 500 100 300 4300 125 50 50 75 0 0', 'intr 660542 0', 'ctxt 1656202', 'btime 1700000000',
      'processes 7397', 'procs_running 1', 'procs_blocked 0', '',
    ].join('\n'));
    write('proc/diskstats', disk(8, 'sda', 1200, 204_096, 2100, 402_048, 2000) + disk(8, 'sda1', 9999, 9_999_999, 0, 0, 0)
      + disk(259, 'nvme0n1', 3000, 601_024, 1000, 100_000, 1000) + disk(253, 'dm-0', 2900, 588_192, 990, 99_000, 990));
    write('proc/net/dev', netHeader + nic('lo', 9e9, 1, 9e9, 1) + nic('eth0', 320_232_746, 13_113, 1_415_243, 8646)
      + nic('eth1', 4_294_967_000, 50_000, 1000, 10) + nic('docker0', 9e9, 9e6, 9e9, 9e6) + nic('wg0', 200_000, 200, 50_000, 50));
    clock = 3000;
    const host = local.collect();

    expect(host.metrics).toMatchObject({
      cpu: 55, 'cpu.user': 35, 'cpu.system': 15, 'cpu.iowait': 5, 'cpu.steal': 5, 'cpu.idle': 40,
      // ctxt +10,000, intr +20,000 and processes +10 over 2 s.
      'cpu.ctxt': 5000, 'cpu.intr': 10_000, 'procs.forks': 5,
      // sda 4096 sectors/2 s + nvme0n1 1024 sectors/2 s, × 512 B; dm-0 sits on them and is not added again.
      'disk.read': 1_310_720, 'disk.write': 524_288,
      // eth0 +2,000,000 B and wg0 +100,000 B over 2 s; loopback and docker0 are left out.
      'net.rx': 1_050_000, 'net.tx': 250_000,
      'procs.running': 1, 'procs.blocked': 0,
    });
    expect(host.details.cores).toEqual([75, 35]);
    expect(host.details.cpuModes).toEqual({ user: 30, nice: 5, system: 10, irq: 2.5, softirq: 2.5, iowait: 5, steal: 5, idle: 40 });
    expect((host.details.disks as unknown[])[0]).toEqual({
      name: 'sda', readBps: 1_048_576, writeBps: 524_288, readIops: 100, writeIops: 50, utilPercent: 25,
    });
    expect((host.details.interfaces as unknown[])[0]).toEqual({
      name: 'eth0', rxBps: 1_000_000, txBps: 250_000, rxPackets: 1000, txPackets: 500, rxErrors: 0, txErrors: 0,
      up: true, speedMbps: 1000,
    });
  });

  it('reports 0, never a negative or absurd rate, when counters reset or a 32-bit counter wraps', () => {
    const local = collector();
    local.collect();
    clock = 2000;
    write('proc/net/dev', netHeader + nic('eth0', 400_000_000, 20_000, 1_000_000, 8000) + nic('eth1', 4_294_967_000, 50_000, 1000, 10));
    local.collect();
    // eth0's driver was reset; eth1's 32-bit byte counter wrapped past 2^32; sda was re-added.
    write('proc/net/dev', netHeader + nic('eth0', 1000, 5, 1_100_000, 8100) + nic('eth1', 200, 50_001, 1000, 10));
    write('proc/diskstats', disk(8, 'sda', 5, 40, 2, 16, 10));
    clock = 3000;
    const host = local.collect();

    const nics = host.details.interfaces as { name: string; rxBps: number; txBps: number; rxPackets: number }[];
    expect(nics.find((n) => n.name === 'eth0')).toMatchObject({ rxBps: 0, rxPackets: 0, txBps: 100_000 });
    expect(nics.find((n) => n.name === 'eth1')).toMatchObject({ rxBps: 0, rxPackets: 1 });
    expect(host.metrics['net.rx']).toBe(0);
    expect(host.metrics['disk.read']).toBe(0);
    for (const [key, value] of Object.entries(host.metrics)) {
      expect(value, key).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(value), key).toBe(true);
    }
  });

  it('reports 0 rates when the clock does not move forward', () => {
    const local = collector();
    write('proc/net/dev', netHeader + nic('eth0', 1000, 1, 1000, 1));
    local.collect();
    write('proc/net/dev', netHeader + nic('eth0', 5000, 5, 5000, 5));
    const host = local.collect();
    expect(host.metrics['net.rx']).toBe(0);
  });

  it('reports a host with empty parts when optional files are missing, warning once', () => {
    rmSync(join(root, 'proc/diskstats'));
    const local = collector();
    local.collect();
    const host = local.collect();
    expect(host.details.disks).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatchObject({ section: 'diskstats' });
  });

  it('fails the collection when /proc/stat or meminfo cannot be read, since no host figure is left', () => {
    rmSync(join(root, 'proc/stat'));
    expect(() => collector().collect()).toThrow(/ENOENT/);
  });
});
