import { busyPercent } from './cpu.js';
import type { CpuUsage } from './cpu.js';
import type { DiskUsage } from './disks.js';
import type { FilesystemTotals } from './filesystems.js';
import type { InterfaceUsage } from './interfaces.js';
import { percentOf } from './memory.js';
import type { LoadAverage, ProcStat } from './proc-readers.js';
import type { ProcessCounts } from './processes.js';
import type { Rates } from './rates.js';
import { temperatureMetrics } from './temperatures.js';
import type { TemperatureReading } from './temperatures.js';

/** Everything one collection measured, ready to flatten. */
export interface HostMeasurements {
  stat: ProcStat;
  cpu: CpuUsage;
  kernel: Rates<{ contextSwitches: number; interrupts: number; forks: number }>;
  load: LoadAverage;
  /** Already flat: `mem.*`, `swap.*` (see memory.ts). */
  memory: Record<string, number>;
  uptime: number;
  /** Already flat: `psi.*` (see pressure.ts); empty without PSI. */
  pressure: Record<string, number>;
  sensors: TemperatureReading[];
  processCounts: ProcessCounts;
  filesystems: FilesystemTotals;
  /** Disks whose I/O is not also counted on a disk beneath them. */
  physicalDisks: DiskUsage[];
  interfaces: InterfaceUsage[];
}

/**
 * The host's flat metrics. Keys and units are part of Pulse's surface (the web, alerts and history
 * use them; README.md lists them): add keys freely, rename none.
 */
export function hostMetrics(m: HostMeasurements): Record<string, number> {
  const { modes } = m.cpu;
  return {
    cpu: busyPercent(modes),
    'cpu.user': modes.user + modes.nice,
    'cpu.system': modes.system + modes.irq + modes.softirq,
    'cpu.iowait': modes.iowait,
    'cpu.steal': modes.steal,
    'cpu.idle': modes.idle,
    'cpu.ctxt': m.kernel.contextSwitches,
    'cpu.intr': m.kernel.interrupts,
    ...m.load,
    cores: m.stat.cores.size,
    ...m.memory,
    'disk.total': m.filesystems.total,
    'disk.used': m.filesystems.used,
    'disk.percent': percentOf(m.filesystems.used, m.filesystems.used + m.filesystems.available),
    'disk.read': sum(m.physicalDisks.map((disk) => disk.readBps)),
    'disk.write': sum(m.physicalDisks.map((disk) => disk.writeBps)),
    'net.rx': sum(m.interfaces.map((nic) => nic.rxBps)),
    'net.tx': sum(m.interfaces.map((nic) => nic.txBps)),
    ...temperatureMetrics(m.sensors),
    ...m.pressure,
    uptime: m.uptime,
    'procs.running': m.stat.procsRunning,
    'procs.blocked': m.stat.procsBlocked,
    // From the (cadenced) PID scan: /proc/stat has no process total, and loadavg's counts threads.
    'procs.total': m.processCounts.total,
    'procs.forks': m.kernel.forks,
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
