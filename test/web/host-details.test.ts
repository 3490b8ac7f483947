import type { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import {
  coresOf, cpuModesOf, filesystemsOf, interfacesOf, memoryOf, processesOf, systemOf,
} from '../../packages/web/src/features/hosts/details.ts';

// Shape recorded from `GET /api/resources/:id` of a local `pulse serve` (values trimmed).
const host: Resource = {
  id: 'host:3d12', type: 'host', name: 'vm', source: 'local', status: 'online', identity: {}, tags: [], lastSeen: 1795455475805,
  metrics: {
    cpu: 5.3, 'cpu.user': 2.5, 'mem.total': 25_276_502_016, 'mem.available': 24_412_897_280, 'mem.used': 863_604_736,
    'mem.free': 23_221_219_328, 'mem.buffers': 20_566_016, 'mem.cached': 1_475_149_824, 'procs.total': 87, 'procs.running': 1,
  },
  details: {
    cores: [4.5, 6.1],
    cpuModes: { user: 2.5, nice: 0, system: 2.5, idle: 94.7, iowait: 0, irq: 0, softirq: 0, steal: 0.25 },
    filesystems: [
      { mount: '/', device: '/dev/vda', fstype: 'ext4', total: 270_553_174_016, used: 24_988_368_896, available: 83_955_924_992, percent: 22.9, readonly: false },
      { device: 'no mount, dropped' },
    ],
    interfaces: [{ name: 'eth0', rxBps: 0, txBps: 0, up: true, speedMbps: null }],
    processes: { running: 1, sleeping: 44, blocked: 0, zombie: 3, stopped: 0, idle: 39, total: 87 },
    system: { hostname: 'vm', kernel: '6.18.44', os: 'Debian GNU/Linux 12 (bookworm)', cpuModel: 'AMD EPYC', bootTime: 1795454505000 },
  },
};

describe('host details', () => {
  it('reads what the local source reports', () => {
    expect(coresOf(host)).toEqual([4.5, 6.1]);
    expect(cpuModesOf(host)).toMatchObject({ user: 2.5, system: 2.5, iowait: 0, steal: 0.25 });
    expect(filesystemsOf(host)).toEqual([expect.objectContaining({ mount: '/', fstype: 'ext4', percent: 22.9, readonly: false })]);
    expect(interfacesOf(host)).toEqual([expect.objectContaining({ name: 'eth0', up: true, speedMbps: undefined })]);
    expect(processesOf(host)).toMatchObject({ running: 1, sleeping: 44, zombie: 3, total: 87 });
    expect(systemOf(host)).toMatchObject({ kernel: '6.18.44', cpuModel: 'AMD EPYC' });
  });

  it('splits memory into used, buffers + cache and free, cache not counted as used', () => {
    expect(memoryOf(host)).toEqual({
      total: 25_276_502_016, available: 24_412_897_280, used: 863_604_736, cache: 20_566_016 + 1_475_149_824, free: 23_221_219_328,
    });
  });

  it('survives a host that reported no details at all', () => {
    const bare: Resource = { ...host, details: {}, metrics: { 'procs.running': 2, 'cpu.iowait': 1 } };
    expect(coresOf(bare)).toEqual([]);
    expect(filesystemsOf(bare)).toEqual([]);
    expect(interfacesOf(bare)).toEqual([]);
    expect(processesOf(bare)).toEqual({ running: 2 });
    expect(cpuModesOf(bare)).toEqual({ iowait: 1 });
    expect(systemOf(bare)).toEqual({ hostname: undefined, kernel: undefined, os: undefined, cpuModel: undefined, bootTime: undefined });
    expect(memoryOf(bare).used).toBeUndefined();
  });
});
