import { countFields, fieldEnd, lineEnd, readNumbers, skipBlanks } from './text-scan.js';
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
  // Fields 4-14 of a line (reads completed … weighted ms); the first three are major, minor, name.
  const f = new Array<number>(11).fill(0);
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    const majorEnd = fieldEnd(text, skipBlanks(text, start, end), end);
    const nameStart = skipBlanks(text, fieldEnd(text, skipBlanks(text, majorEnd, end), end), end);
    const nameEnd = fieldEnd(text, nameStart, end);
    start = end + 1;
    if (nameEnd === nameStart) continue;
    const name = text.slice(nameStart, nameEnd);
    if (!isReportedDisk(name) || countFields(text, nameEnd, end) < 11) continue;
    readNumbers(text, nameEnd, end, f);
    disks.set(name, {
      readsCompleted: f[0]!,
      sectorsRead: f[2]!,
      writesCompleted: f[4]!,
      sectorsWritten: f[6]!,
      ioTicksMs: f[9]!,
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
