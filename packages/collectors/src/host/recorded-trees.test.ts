import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resource } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostCollector } from './host-collector.js';
import type { StatfsResult } from './filesystems.js';

/*
 * The recorded fixture trees (fixtures/recorded-*, made by tools/record-proc; see each RECORDED.md)
 * collected end to end: once on the first snapshot, once more with snapshot-2 laid over it and the
 * clock moved to when it was taken, so rates come from real counters. Expected figures are worked
 * out by hand from the recorded files, quoted in the comments.
 */

const KiB = 1024;
const roots: string[] = [];
afterEach(() => { for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true }); });

interface Manifest {
  snapshots: { atMs: number; dir: string; removed?: string[] }[];
  processes: { total: number; recorded: number[] };
}

function recorded(name: string) {
  const root = mkdtempSync(join(tmpdir(), `pulse-${name}-`));
  roots.push(root);
  cpSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), root, { recursive: true });
  const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
  const manifest = readJson<Manifest>('recording.json');
  let statfsTable = readJson<Record<string, StatfsResult>>('statfs.json');
  // Small, so start + atMs keeps the recorded interval to a nanosecond in a double.
  const start = 1_000_000;
  const clock = { now: start };
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
    // Every collection scans the recorded PIDs, so the second one has CPU deltas to rank.
    processScanMs: 0,
  });
  return {
    logger,
    manifest,
    collect: () => collector.collect(clock.now),
    /** Lays snapshot `n` over the tree and sets the clock to when it was recorded. */
    advanceTo(n: number) {
      const snapshot = manifest.snapshots[n - 1]!;
      cpSync(join(root, snapshot.dir), root, { recursive: true });
      for (const path of snapshot.removed ?? []) rmSync(join(root, path), { force: true });
      statfsTable = readJson('statfs.json');
      clock.now = start + snapshot.atMs;
    },
  };
}

type Named = { name: string };
type Mounted = { mount: string };

describe('recorded: a Firecracker microVM, kernel 6.18 (recorded-firecracker-6.18)', () => {
  it('reports its figures from the first snapshot, with no sensors, DMI, ZFS or swap to report', () => {
    const vm = recorded('recorded-firecracker-6.18');
    const host = vm.collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(vm.logger.warn).not.toHaveBeenCalled();
    const m = host.metrics;

    // Absent parts give absent keys, not zeros: no temp.*, no mem.zfs_arc, no psi.cpu.full.
    expect(Object.keys(m).filter((key) => /^(temp\.|mem\.zfs_arc|psi\.cpu\.full)/.test(key))).toEqual([]);
    expect(host.details.temperatures).toEqual([]);
    expect(host.identity.dmiUuid).toBeUndefined();

    // cpu  12189 0 4300 76520 406 0 88 16: since boot, idle + iowait 76,926 of 93,519 jiffies.
    expect(m.cpu).toBeCloseTo((1 - (76_520 + 406) / 93_519) * 100, 10);
    expect(m['cpu.steal']).toBeCloseTo((16 / 93_519) * 100, 10);
    // meminfo: MemTotal 24,683,652 kB, MemAvailable 24,043,320 kB; SwapTotal 0.
    expect(m).toMatchObject({
      cores: 2, load1: 0.27, load5: 0.42, load15: 0.21, uptime: 471.43,
      'mem.total': 24_683_652 * KiB, 'mem.available': 24_043_320 * KiB, 'mem.used': (24_683_652 - 24_043_320) * KiB,
      'swap.total': 0, 'swap.used': 0, 'swap.percent': 0,
      'procs.running': 1, 'procs.blocked': 0,
      'psi.cpu.some.avg10': 0.41, 'psi.io.full.avg60': 0.16, 'psi.memory.some.avg10': 0,
      // Rates need two snapshots.
      'cpu.ctxt': 0, 'net.rx': 0, 'disk.write': 0,
    });
    expect(m['mem.percent']).toBeCloseTo(((24_683_652 - 24_043_320) / 24_683_652) * 100, 10);

    // Only the ext4 root on vda is a real filesystem (the rest are proc, sysfs, tmpfs, cgroup...).
    // statfs.json "/": 66,053,021 blocks, 60,036,287 free, only 20,580,994 available (reserved).
    const used = (66_053_021 - 60_036_287) * 4096;
    expect(host.details.filesystems).toEqual([{
      mount: '/', device: '/dev/vda', fstype: 'ext4', readonly: false,
      total: 66_053_021 * 4096, used, available: 20_580_994 * 4096, percent: (used / (used + 20_580_994 * 4096)) * 100,
    }]);
    expect(m['disk.total']).toBe(66_053_021 * 4096);

    // vda only: zram0 and loop0-7 are excluded like partitions. eth0 only: lo, and ifb0/ifb1
    // (random MACs at every boot), are not physical. virtio-net reports speed -1: none.
    expect((host.details.disks as Named[]).map((disk) => disk.name)).toEqual(['vda']);
    expect(host.details.interfaces).toEqual([expect.objectContaining({ name: 'eth0', up: true, speedMbps: null })]);
    expect(host.identity).toEqual({
      machineId: 'ea979423bb87512e1dc85efa3d3776e7', hostnames: ['rec-077662'], macs: ['02:4f:52:f4:b9:26'],
    });
    expect(host.details.system).toEqual({
      hostname: 'rec-077662', kernel: '6.18.44-fc-v857', os: 'Debian GNU/Linux 12 (bookworm)', cpuModel: 'AMD EPYC',
      bootTime: expect.any(Number),
    });

    // The 20 recorded of the VM's 98 processes: 8 sleeping, 11 idle kernel threads, 1 running.
    expect(vm.manifest.processes).toMatchObject({ total: 98 });
    expect(host.details.processes).toEqual({ running: 1, sleeping: 8, blocked: 0, zombie: 0, stopped: 0, idle: 11, total: 20 });
    // First scan: averages since each started (uptime 471.43 s, 100 Hz). The recorder itself (node,
    // started 0.07 s before) 6 ticks: 85.71 %; beam.smp 487 ticks over 428.06 s; pid 1 328 over 471.18 s.
    const top = host.details.topProcesses as { byCpu: { pid: number; cpuPercent: number }[] };
    expect(top.byCpu.slice(0, 3)).toEqual([
      expect.objectContaining({ pid: 12094, name: 'node', cpuPercent: 85.71, rssBytes: 12_630 * 4096 }),
      expect.objectContaining({ pid: 2951, name: 'beam.smp', cpuPercent: 1.14 }),
      expect.objectContaining({ pid: 1, cpuPercent: 0.7 }),
    ]);
    expect(top.byCpu.map((p) => p.pid)).toEqual([12094, 2951, 1, 77, 2222, 32, 24, 2203, 3789, 11]);
  });

  it('turns the second snapshot, 1.002 s later, into CPU, disk, PSI and fork rates', () => {
    const vm = recorded('recorded-firecracker-6.18');
    vm.collect();
    vm.advanceTo(2);
    const seconds = 1.002137;
    expect(vm.manifest.snapshots[1]!.atMs / 1000).toBeCloseTo(seconds, 9);
    const host = vm.collect();
    expect(vm.logger.warn).not.toHaveBeenCalled();
    const m = host.metrics;

    // cpu 12191 0 4308 76709 409 0 89 16: +2 user, +8 system, +189 idle, +3 iowait, +1 softirq of 203.
    expect(m.cpu).toBeCloseTo((11 / 203) * 100, 10);
    expect(m['cpu.user']).toBeCloseTo((2 / 203) * 100, 10);
    expect(m['cpu.system']).toBeCloseTo((9 / 203) * 100, 10);
    expect(m['cpu.iowait']).toBeCloseTo((3 / 203) * 100, 10);
    // ctxt +3,012, intr +1,346, processes +36.
    expect(m['cpu.ctxt']).toBeCloseTo(3012 / seconds, 6);
    expect(m['cpu.intr']).toBeCloseTo(1346 / seconds, 6);
    expect(m['procs.forks']).toBeCloseTo(36 / seconds, 6);
    // vda: sectors written 4,225,792 -> 4,264,960 (the dd), writes 41,202 -> 42,066, nothing read.
    expect(m['disk.write']).toBeCloseTo((39_168 * 512) / seconds, 4);
    expect(m['disk.read']).toBe(0);
    expect(host.details.disks).toEqual([expect.objectContaining({ name: 'vda', writeIops: expect.closeTo(864 / seconds, 6) })]);
    // net/dev did not change: eth0 idle.
    expect(m).toMatchObject({ 'net.rx': 0, 'net.tx': 0, uptime: 472.43, 'mem.available': 24_043_408 * KiB });
    // PSI totals (µs): cpu some +5,148, io some +30,746 and full +25,190 (the dd), memory +0.
    expect(m['psi.cpu.some']).toBeCloseTo(5148 / seconds / 10_000, 6);
    expect(m['psi.io.some']).toBeCloseTo(30_746 / seconds / 10_000, 6);
    expect(m['psi.io.full']).toBeCloseTo(25_190 / seconds / 10_000, 6);
    expect(m['psi.memory.some']).toBe(0);
    // One tick each for beam.smp, pid 1 and a kworker in 1.002 s: 1 % each, larger RSS first.
    expect((host.details.topProcesses as { byCpu: unknown[] }).byCpu).toEqual([
      expect.objectContaining({ pid: 2951, cpuPercent: 1 }),
      expect.objectContaining({ pid: 1, cpuPercent: 1 }),
      expect.objectContaining({ pid: 24, cpuPercent: 1, rssBytes: 0 }),
    ]);
  });
});

describe('recorded: a pid + network namespace "container" on that VM (recorded-pidns-container)', () => {
  it('sees only its own processes and network, but the whole VM\'s CPU, memory and disks', () => {
    const ct = recorded('recorded-pidns-container');
    const host = ct.collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(ct.logger.warn).not.toHaveBeenCalled();
    const m = host.metrics;

    // meminfo is the VM's, not the 512 MiB memory cgroup limit: MemTotal 24,683,652 kB.
    expect(m).toMatchObject({
      cores: 2, 'mem.total': 24_683_652 * KiB, 'mem.used': (24_683_652 - 24_000_796) * KiB,
      load1: 0.26, uptime: 517.69, 'procs.running': 2, 'psi.cpu.some.avg10': 4.05,
    });
    expect(Object.keys(m).filter((key) => key.startsWith('temp.'))).toEqual([]);
    // cpu  12839 0 4514 84832 419 0 93 17: since boot, idle + iowait 85,251 of 102,714.
    expect(m.cpu).toBeCloseTo((1 - 85_251 / 102_714) * 100, 10);

    // Every process of the namespace: sh as pid 1, sleep, two node processes and the recorder.
    expect(ct.manifest.processes).toMatchObject({ total: 5, recorded: [1, 3, 4, 5, 19] });
    expect(host.details.processes).toEqual({ running: 2, sleeping: 3, blocked: 0, zombie: 0, stopped: 0, idle: 0, total: 5 });
    // The namespace's /proc/net/dev and sysfs: lo and the veth eth0 (10 Gb/s, as veth reports).
    expect(host.details.interfaces).toEqual([expect.objectContaining({ name: 'eth0', up: true, speedMbps: 10_000 })]);
    expect(host.identity).toMatchObject({ hostnames: ['rec-bbbdbf'], macs: ['aa:26:d0:f6:6d:88'] });
    // The mount table is the VM's copy: /run/netns is a bind mount of the root (same 254:0) and so
    // not a second filesystem; the new /proc and the netns sysfs are pseudo filesystems.
    expect((host.details.filesystems as Mounted[]).map((fs) => fs.mount)).toEqual(['/']);
    expect(m['disk.used']).toBe((66_053_021 - 60_035_859) * 4096);
  });

  it('rates one CPU of two busy, the veth\'s traffic and the spinning process at ~100 %', () => {
    const ct = recorded('recorded-pidns-container');
    ct.collect();
    ct.advanceTo(2);
    const seconds = 1.00259;
    expect(ct.manifest.snapshots[1]!.atMs / 1000).toBeCloseTo(seconds, 9);
    const host = ct.collect();
    const m = host.metrics;

    // cpu 12941 0 4515 84929: +102 user, +1 system, +97 idle of 200 jiffies.
    expect(m.cpu).toBeCloseTo(51.5, 10);
    expect(m['cpu.user']).toBeCloseTo(51, 10);
    // eth0: rx 3,464 -> 10,150, tx 1,511,010 -> 4,794,570 (64 KiB every 20 ms to the host).
    expect(m['net.rx']).toBeCloseTo(6686 / seconds, 6);
    expect(m['net.tx']).toBeCloseTo(3_283_560 / seconds, 6);
    // diskstats unchanged: no disk traffic. ctxt +471, processes +1.
    expect(m).toMatchObject({ 'disk.read': 0, 'disk.write': 0 });
    expect(m['cpu.ctxt']).toBeCloseTo(471 / seconds, 6);
    expect(m['psi.cpu.some']).toBeCloseTo(3765 / seconds / 10_000, 6);
    // pid 4 (the spinning node) +100 ticks in 1.00259 s; pid 5 (the sender) +1 tick.
    expect((host.details.topProcesses as { byCpu: unknown[] }).byCpu).toEqual([
      { pid: 4, name: 'node', cpuPercent: 99.74, rssBytes: 11_542 * 4096 },
      { pid: 5, name: 'node', cpuPercent: 1, rssBytes: 10_614 * 4096 },
    ]);
  });
});
