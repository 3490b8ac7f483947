import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diskUsage, isStackedDisk, parseDiskstats } from './disks.js';

const diskstats = readFileSync(new URL('fixtures/host/proc/diskstats', import.meta.url), 'utf8');

describe('disks', () => {
  it('keeps whole disks and stacked devices, dropping partitions, loop, zram and ram devices', () => {
    expect([...parseDiskstats(diskstats).keys()]).toEqual(['sda', 'sdb', 'nvme0n1', 'dm-0', 'md0', 'sr0']);
  });

  it('reads the counters from their diskstats columns', () => {
    expect(parseDiskstats(diskstats).get('sda')).toEqual({
      readsCompleted: 1000, sectorsRead: 200_000, writesCompleted: 2000, sectorsWritten: 400_000, ioTicksMs: 1500,
    });
  });

  it('turns sector and tick rates into bytes and percent, capping utilisation at 100', () => {
    const usage = diskUsage('sda', { readsCompleted: 10, sectorsRead: 8, writesCompleted: 2, sectorsWritten: 16, ioTicksMs: 1200 });
    expect(usage).toEqual({ name: 'sda', readBps: 4096, writeBps: 8192, readIops: 10, writeIops: 2, utilPercent: 100 });
  });

  it('knows which devices double-count traffic of the disks beneath them', () => {
    expect(['dm-0', 'md127', 'sda', 'nvme0n1'].map(isStackedDisk)).toEqual([true, true, false, false]);
  });
});
