import { toNumber } from './proc-readers.js';
import type { Rates } from './rates.js';

/** The `/proc/diskstats` counters the source turns into rates. */
export interface DiskCounters {
  readsCompleted: number;
  sectorsRead: number;
  writesCompleted: number;
  sectorsWritten: number;
  /** Milliseconds the device had I/O in flight (field 10); its rate gives utilisation. */
  ioTicksMs: number;
}

export interface DiskUsage {
  name: string;
  readBps: number;
  writeBps: number;
  readIops: number;
  writeIops: number;
  utilPercent: number;
}

/** diskstats counts in 512-byte sectors whatever the device's real sector size. */
const sectorBytes = 512;

// node_exporter's default device exclude: partitions, RAM/zram, loop and floppy devices.
const ignoredDevice = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;
// Device-mapper and software RAID sit on top of physical disks: shown per device, left out of sums.
const stackedDevice = /^(dm-|md)\d+/;

export function isReportedDisk(name: string): boolean {
  return !ignoredDevice.test(name);
}

/** Whether a disk's traffic also shows on the disks beneath it (LVM, dm-crypt, md RAID). */
export function isStackedDisk(name: string): boolean {
  return stackedDevice.test(name);
}

/** Counters for every device of interest in `/proc/diskstats`, by device name. */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const disks = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (!name || f.length < 14 || !isReportedDisk(name)) continue;
    disks.set(name, {
      readsCompleted: toNumber(f[3]),
      sectorsRead: toNumber(f[5]),
      writesCompleted: toNumber(f[7]),
      sectorsWritten: toNumber(f[9]),
      ioTicksMs: toNumber(f[12]),
    });
  }
  return disks;
}

export function diskUsage(name: string, rate: Rates<DiskCounters>): DiskUsage {
  return {
    name,
    readBps: rate.sectorsRead * sectorBytes,
    writeBps: rate.sectorsWritten * sectorBytes,
    readIops: rate.readsCompleted,
    writeIops: rate.writesCompleted,
    // ms busy per second / 10 = percent; clamp because tick accounting can overshoot slightly.
    utilPercent: Math.min(100, rate.ioTicksMs / 10),
  };
}
