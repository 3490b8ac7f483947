import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resource } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostCollector } from './host-collector.js';
import type { HostCollectorOptions } from './host-collector.js';
import type { StatfsResult } from './filesystems.js';

/*
 * Each fixture tree (see fixtures/README.md) collected end to end, with figures worked out by hand
 * from the files. A tree is copied to a temp dir so a test can advance its counters.
 */

const KiB = 1024;
const roots: string[] = [];
afterEach(() => { for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true }); });

function tree(name: string, overrides: Partial<HostCollectorOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), `pulse-${name}-`));
  roots.push(root);
  cpSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), root, { recursive: true });
  const statfsTable = JSON.parse(readFileSync(join(root, 'statfs.json'), 'utf8')) as Record<string, StatfsResult>;
  const clock = { now: 1_000_000 };
  const logger = { warn: vi.fn(), debug: vi.fn() };
  const collector = createHostCollector({
    procRoot: join(root, 'proc'),
    sysRoot: join(root, 'sys'),
    machineIdPaths: [join(root, 'etc/machine-id'), join(root, 'var/lib/dbus/machine-id')],
    osReleasePath: join(root, 'etc/os-release'),
    statfs: (path) => {
      const stats = statfsTable[path];
      if (!stats) throw Object.assign(new Error(`statfs ${path}`), { code: 'ENOENT' });
      return stats;
    },
    now: () => clock.now,
    logger,
    ...overrides,
  });
  return {
    clock, logger,
    collect: () => collector.collect(clock.now),
    write: (path: string, text: string) => writeFileSync(join(root, path), text),
    edit: (path: string, edit: (text: string) => string) => writeFileSync(join(root, path), edit(readFileSync(join(root, path), 'utf8'))),
  };
}

describe('a Proxmox VE node with ZFS and sensors', () => {
  it('reports every figure, with the ARC taken off used memory and each pool\'s free space counted once', () => {
    const pve = tree('proxmox');
    const host = pve.collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(pve.logger.warn).not.toHaveBeenCalled();

    // statfs.json: ZFS in 128 KiB blocks, pool free 6,000,000 blocks; /boot/efi and /etc/pve in 4 KiB.
    const zfsUsed = (40_000 + 1 + 1 + 1 + 10_000) * 131_072;
    const poolFree = 6_000_000 * 131_072;
    const used = zfsUsed + (262_144 - 260_000) * 4096 + (32_768 - 32_512) * 4096;
    const available = poolFree + 260_000 * 4096 + 32_512 * 4096;
    const m = host.metrics;
    expect(Object.keys(m).sort()).toEqual([
      'cores', 'cpu', 'cpu.ctxt', 'cpu.idle', 'cpu.intr', 'cpu.iowait', 'cpu.steal', 'cpu.system', 'cpu.user',
      'disk.percent', 'disk.read', 'disk.total', 'disk.used', 'disk.write', 'load1', 'load15', 'load5',
      'mem.available', 'mem.buffers', 'mem.cached', 'mem.free', 'mem.percent', 'mem.total', 'mem.used', 'mem.zfs_arc',
      'net.rx', 'net.tx', 'procs.blocked', 'procs.forks', 'procs.running', 'procs.total',
      'psi.cpu.some', 'psi.cpu.some.avg10', 'psi.cpu.some.avg60',
      'psi.io.full', 'psi.io.full.avg10', 'psi.io.full.avg60', 'psi.io.some', 'psi.io.some.avg10', 'psi.io.some.avg60',
      'psi.memory.full', 'psi.memory.full.avg10', 'psi.memory.full.avg60', 'psi.memory.some', 'psi.memory.some.avg10', 'psi.memory.some.avg60',
      'swap.percent', 'swap.total', 'swap.used', 'temp.cpu', 'temp.max', 'uptime',
    ]);
    expect(m).toMatchObject({
      cores: 6, load1: 1.85, load5: 1.6, load15: 1.42, uptime: 864_000,
      'cpu.ctxt': 0, 'cpu.intr': 0, 'procs.forks': 0, 'procs.running': 3, 'procs.blocked': 1, 'procs.total': 8,
      'mem.total': 32_000_000 * KiB, 'mem.zfs_arc': 16_000_000 * KiB,
      'mem.available': 21_000_000 * KiB, 'mem.used': 11_000_000 * KiB, 'mem.percent': 34.375,
      'swap.used': 0, 'swap.percent': 0,
      'disk.used': used, 'disk.total': zfsUsed + poolFree + 262_144 * 4096 + 32_768 * 4096,
      'temp.max': 52.85, 'temp.cpu': 48,
      'psi.cpu.some': 0, 'psi.cpu.some.avg10': 2.5, 'psi.io.full.avg60': 2.2,
    });
    // Since boot: idle 85 %, iowait 0.5 %; user + nice 10.1 %, system + irq + softirq 4.4 %.
    expect(m.cpu).toBeCloseTo(14.5, 10);
    expect(m['cpu.user']).toBeCloseTo(10.1, 10);
    expect(m['cpu.system']).toBeCloseTo(4.4, 10);
    expect(m['disk.percent']).toBeCloseTo((used / (used + available)) * 100, 10);

    expect(host.identity).toEqual({
      machineId: '8d2b7c0e6f9a4b1c9e3d5f7a2b4c6d8e', dmiUuid: '4c4c4544-0032-3510-8052-b4c04f4d3332',
      hostnames: ['pve1'], macs: ['a8:a1:59:12:34:56'],
    });
    expect((host.details.interfaces as { name: string }[]).map((nic) => nic.name)).toEqual(['eno1']);
    expect((host.details.filesystems as { mount: string }[]).map((fs) => fs.mount)).toEqual([
      '/', '/boot/efi', '/etc/pve', '/rpool', '/rpool/data', '/rpool/data/subvol-101-disk-0', '/rpool/ROOT',
    ]);
    expect((host.details.temperatures as unknown[]).length).toBe(13);
    expect(host.details.topProcesses).toEqual({
      // Averages since each started (uptime 864,000 s): kvm 215,750 s of CPU over 863,000 s, and so on.
      byCpu: [
        { pid: 2231, name: 'kvm', cpuPercent: 25, rssBytes: 2_097_152 * 4096 },
        { pid: 2601, name: 'postgres', cpuPercent: 10, rssBytes: 150_000 * 4096 },
        { pid: 1588, name: 'pvestatd', cpuPercent: 2, rssBytes: 30_000 * 4096 },
        { pid: 812, name: 'z_wr_iss', cpuPercent: 1, rssBytes: 0 },
        { pid: 1502, name: 'pmxcfs', cpuPercent: 0.5, rssBytes: 15_000 * 4096 },
        { pid: 1, name: 'systemd', cpuPercent: 0.1, rssBytes: 3500 * 4096 },
      ],
      byMemory: [2231, 2601, 1588, 1502, 1, 2544].map((pid) => expect.objectContaining({ pid })),
    });
  });

  it('turns counters 10 s apart into rates: context switches, interrupts, forks, PSI, NIC, top CPU', () => {
    const pve = tree('proxmox');
    pve.collect();
    pve.edit('proc/stat', (text) => text.replace('ctxt 8765432109', 'ctxt 8765482109')
      .replace('intr 4567890123', 'intr 4567910123').replace('processes 9876543', 'processes 9876573'));
    pve.edit('proc/net/dev', (text) => text.replace('80000000000', '80010000000').replace('15000000000', '99000000000'));
    pve.write('proc/pressure/io', 'some avg10=5.00 avg60=3.20 avg300=2.50 total=20000500000\nfull avg10=3.00 avg60=2.20 avg300=1.80 total=15000000000\n');
    pve.edit('proc/2231/stat', (text) => text.replace(' 20000000 1575000 ', ' 20001500 1575500 '));
    pve.write('proc/uptime', '864010.00 4800050.00\n');
    pve.clock.now += 10_000;
    const host = pve.collect();
    const m = host.metrics;

    // ctxt +50,000, intr +20,000, processes +30 over 10 s; eno1 +10 MB (tap100i0's jump is not counted).
    expect(m).toMatchObject({ 'cpu.ctxt': 5000, 'cpu.intr': 2000, 'procs.forks': 3, 'net.rx': 1_000_000, 'net.tx': 0 });
    // io some +500,000 µs stalled in 10 s = 5 % of the interval.
    expect(m['psi.io.some']).toBeCloseTo(5, 10);
    expect(m['psi.io.some.avg10']).toBe(5);
    // The PID scan is due again: kvm's utime + stime grew 2,000 ticks in 10 s, two CPUs' worth.
    expect((host.details.topProcesses as { byCpu: unknown[] }).byCpu[0]).toEqual({
      pid: 2231, name: 'kvm', cpuPercent: 200, rssBytes: 2_097_152 * 4096,
    });
  });

  it('never reports a negative rate when /proc/stat counters go backwards', () => {
    const pve = tree('proxmox');
    pve.collect();
    pve.edit('proc/stat', (text) => text.replace('ctxt 8765432109', 'ctxt 12').replace('intr 4567890123', 'intr 3'));
    pve.clock.now += 1000;
    expect(pve.collect().metrics).toMatchObject({ 'cpu.ctxt': 0, 'cpu.intr': 0 });
  });
});

describe('a Docker container on a cloud VM', () => {
  it('reports the host\'s CPU and memory, the container\'s network and volume, PSI, and no sensors', () => {
    const ct = tree('docker-container');
    const host = ct.collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(ct.logger.warn).not.toHaveBeenCalled();

    // No machine id in the image: the id falls back to the container's hostname.
    expect(host).toMatchObject({
      id: 'host:4f7c1e2a9b3d', name: '4f7c1e2a9b3d',
      identity: { hostnames: ['4f7c1e2a9b3d'], macs: ['02:42:ac:11:00:02'] },
    });
    expect(host.identity.dmiUuid).toBeUndefined();
    expect(host.details.system).toEqual({
      hostname: '4f7c1e2a9b3d', kernel: '6.8.0-1015-aws', os: 'Debian GNU/Linux 12 (bookworm)',
      cpuModel: 'Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz', bootTime: 1_717_000_000_000,
    });
    // The overlay root and /proc, /sys masks are not filesystems; the bind mounts of the host's disk
    // (/etc/hosts, /etc/hostname, /etc/resolv.conf, the /data volume) are one, at its shortest path.
    expect(host.details.filesystems).toEqual([{
      mount: '/data', device: '/dev/root', fstype: 'ext4', readonly: false,
      total: 8_000_000 * 4096, used: 3_000_000 * 4096, available: 4_600_000 * 4096, percent: (3 / 7.6) * 100,
    }]);
    expect(host.details.temperatures).toEqual([]);
    const m = host.metrics;
    expect(m).not.toHaveProperty('temp.max');
    expect(m).not.toHaveProperty('mem.zfs_arc');
    expect(m).toMatchObject({
      cores: 4, 'mem.used': 2_600_000 * KiB, 'swap.total': 0, 'swap.percent': 0,
      'psi.cpu.some.avg10': 1.5, 'psi.memory.full.avg60': 0.05, 'psi.io.some.avg60': 0.3, 'procs.total': 3,
    });
    // Since boot: idle 85 %, iowait 0.5 %, steal 1 %.
    expect(m.cpu).toBeCloseTo(14.5, 10);
    expect(m['cpu.steal']).toBeCloseTo(1, 10);
    // The container's pid 1 (node) started an hour ago and used 360 s of CPU: 10 %.
    expect(host.details.topProcesses).toEqual({
      byCpu: [{ pid: 1, name: 'node', cpuPercent: 10, rssBytes: 30_000 * 4096 }],
      byMemory: [
        { pid: 1, name: 'node', cpuPercent: 10, rssBytes: 30_000 * 4096 },
        { pid: 25, name: 'sh', cpuPercent: 0, rssBytes: 200 * 4096 },
        { pid: 187, name: 'cat', cpuPercent: 0, rssBytes: 150 * 4096 },
      ],
    });
  });
});

describe('an old kernel (2.6.32, CentOS 6 era)', () => {
  it('reads 9-column /proc/stat, 11-counter diskstats and 44-field pid stats, and estimates MemAvailable', () => {
    const old = tree('old-kernel');
    const host = old.collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(old.logger.warn).not.toHaveBeenCalled();

    // The D-Bus machine id: no systemd, so no /etc/machine-id; no os-release before CentOS 7 either.
    expect(host.id).toBe('host:0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(host.details.system).toMatchObject({ kernel: '2.6.32-71.el6.x86_64', os: null, cpuModel: 'Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz' });
    const m = host.metrics;
    expect(Object.keys(m).filter((key) => key.startsWith('psi.'))).toEqual([]);
    // Since boot: busy (user + nice + system + irq + softirq) 84,000 of 1,000,000 jiffies.
    expect(m.cpu).toBeCloseTo(8.4, 10);
    // MemAvailable estimated from free, file cache and reclaimable slab (see memory.test.ts).
    expect(m['mem.used']).toBe((8_000_000 - 4_146_560) * KiB);
    expect(m).toMatchObject({ cores: 2, 'temp.max': 45, 'temp.cpu': 45, 'procs.total': 4 });
    expect((host.details.disks as { name: string }[]).map((disk) => disk.name)).toEqual(['sda', 'dm-0', 'dm-1']);
    expect(m['disk.total']).toBe(12_000_000 * 4096 + 495_844 * 1024);
    expect(m['disk.used']).toBe(5_000_000 * 4096 + 95_844 * 1024);
    // mysqld: 90,000 s of CPU over its 1,000,000 s; httpd 1,000 s over 100,000 s; init rounds to 0.
    expect((host.details.topProcesses as { byCpu: unknown[] }).byCpu).toEqual([
      { pid: 1234, name: 'mysqld', cpuPercent: 9, rssBytes: 500_000 * 4096 },
      { pid: 2345, name: 'httpd', cpuPercent: 1, rssBytes: 20_000 * 4096 },
    ]);
  });

  it('turns 14-field diskstats into rates like the 20-field form', () => {
    const old = tree('old-kernel');
    old.collect();
    old.write('proc/diskstats', '   8       0 sda 120100 3000 9602048 50000 80050 40000 3201024 90000 0 60500 140000\n');
    old.clock.now += 1000;
    expect(old.collect().metrics).toMatchObject({ 'disk.read': 2048 * 512, 'disk.write': 1024 * 512 });
  });
});

