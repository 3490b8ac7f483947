import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObservedResource } from '../../resources/observation.js';
import { CpuMeter, busyPercent } from './cpu.js';
import { diskUsage, isStackedDisk, parseDiskstats } from './disks.js';
import type { DiskCounters } from './disks.js';
import { measureFilesystems, parseMountinfo, selectRealMounts } from './filesystems.js';
import type { Statfs } from './filesystems.js';
import { readHostname, readMachineId, readMacs, readOptionalText } from './host-identity.js';
import { interfaceUsage, parseNetDev, readLinkState } from './interfaces.js';
import type { NetCounters } from './interfaces.js';
import { memoryMetrics, percentOf } from './memory.js';
import { createProcessScanner, emptyProcessCounts } from './processes.js';
import { parseCpuModel, parseLoadavg, parseMeminfo, parseOsRelease, parseProcStat, parseUptime } from './proc-readers.js';
import { CounterRates } from './rates.js';

export interface LocalSourceLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface HostCollectorOptions {
  procRoot: string;
  sysRoot: string;
  statfs: Statfs;
  now: () => number;
  logger: LocalSourceLogger;
  machineIdPaths: string[];
  osReleasePath: string;
  processScanMs: number;
}

/** Facts that cannot change while the machine is up, read on the first collection only. */
interface StaticFacts {
  machineId: string | undefined;
  kernel: string | undefined;
  os: string | undefined;
  cpuModel: string | undefined;
}

/**
 * Reads this machine into one `host` resource. Holds the previous counters so each collection can
 * report rates; build one per source. Rates are 0 on the first collection (no earlier counters),
 * while CPU shares on the first collection are since-boot averages (see CpuMeter).
 */
export function createHostCollector(options: HostCollectorOptions): { collect(at: number): ObservedResource } {
  const { procRoot, sysRoot, logger } = options;
  const cpuMeter = new CpuMeter();
  const diskRates = new CounterRates<DiskCounters>();
  const netRates = new CounterRates<NetCounters>();
  const processes = createProcessScanner({
    procRoot, scanMs: options.processScanMs, now: options.now,
    onUnreadable: (count) => logger.debug?.({ procRoot, count }, 'local source: some process stat files were unreadable'),
  });
  const failing = new Set<string>();
  let facts: StaticFacts | undefined;

  const readProc = (path: string): string => readFileSync(join(procRoot, path), 'utf8');

  /**
   * Optional parts of the host (disks, network, filesystems...) are missing in some containers and
   * sandboxes. They report empty instead of failing the whole host, and warn once per outage so a
   * 1 s interval does not flood the log.
   */
  function optional<T>(section: string, read: () => T, fallback: T): T {
    try {
      const value = read();
      failing.delete(section);
      return value;
    } catch (err) {
      if (!failing.has(section)) {
        failing.add(section);
        logger.warn({ err, section, procRoot }, `local source: cannot read ${section}; reporting it empty until it can`);
      }
      return fallback;
    }
  }

  function readFacts(): StaticFacts {
    const cpuinfo = readOptionalText(join(procRoot, 'cpuinfo'));
    const osRelease = readOptionalText(options.osReleasePath);
    return {
      machineId: readMachineId(options.machineIdPaths),
      kernel: readOptionalText(join(procRoot, 'sys/kernel/osrelease')),
      os: osRelease === undefined ? undefined : parseOsRelease(osRelease),
      cpuModel: cpuinfo === undefined ? undefined : parseCpuModel(cpuinfo),
    };
  }

  function collect(at: number): ObservedResource {
    facts ??= readFacts();
    const stat = parseProcStat(readProc('stat'));
    const cpu = cpuMeter.update(stat);
    const memory = memoryMetrics(parseMeminfo(readProc('meminfo')));
    const load = optional('loadavg', () => parseLoadavg(readProc('loadavg')), { load1: 0, load5: 0, load15: 0 });
    const uptime = optional('uptime', () => parseUptime(readProc('uptime')), 0);

    const diskCounters = optional('diskstats', () => parseDiskstats(readProc('diskstats')), new Map<string, DiskCounters>());
    const disks = [...diskRates.sample(at, diskCounters)].map(([name, rate]) => diskUsage(name, rate));
    const physicalDisks = disks.filter((disk) => !isStackedDisk(disk.name));

    const netCounters = optional('net/dev', () => parseNetDev(readProc('net/dev')), new Map<string, NetCounters>());
    const interfaces = [...netRates.sample(at, netCounters)]
      .map(([name, rate]) => interfaceUsage(name, rate, readLinkState(sysRoot, name)));

    const filesystems = optional('mountinfo', () => measureFilesystems(
      selectRealMounts(parseMountinfo(readProc('self/mountinfo'))),
      options.statfs,
      (mount, err) => logger.debug?.({ err, mount: mount.mountPoint }, 'local source: skipped a filesystem statfs could not read'),
    ), []);
    const fsUsed = sum(filesystems.map((fs) => fs.used));
    const fsAvailable = sum(filesystems.map((fs) => fs.available));

    const processCounts = optional('processes', () => processes.read(), emptyProcessCounts());
    const hostname = readHostname(procRoot);
    const macs = readMacs(sysRoot);

    const metrics: Record<string, number> = {
      cpu: busyPercent(cpu.modes),
      'cpu.user': cpu.modes.user + cpu.modes.nice,
      'cpu.system': cpu.modes.system + cpu.modes.irq + cpu.modes.softirq,
      'cpu.iowait': cpu.modes.iowait,
      'cpu.steal': cpu.modes.steal,
      'cpu.idle': cpu.modes.idle,
      ...load,
      cores: stat.cores.size,
      ...memory,
      'disk.total': sum(filesystems.map((fs) => fs.total)),
      'disk.used': fsUsed,
      'disk.percent': percentOf(fsUsed, fsUsed + fsAvailable),
      'disk.read': sum(physicalDisks.map((disk) => disk.readBps)),
      'disk.write': sum(physicalDisks.map((disk) => disk.writeBps)),
      'net.rx': sum(interfaces.map((nic) => nic.rxBps)),
      'net.tx': sum(interfaces.map((nic) => nic.txBps)),
      uptime,
      'procs.running': stat.procsRunning,
      'procs.blocked': stat.procsBlocked,
      // From the (cadenced) PID scan: /proc/stat has no process total, and loadavg's counts threads.
      'procs.total': processCounts.total,
    };

    return {
      id: `host:${facts.machineId ?? hostname}`,
      type: 'host',
      name: hostname,
      source: 'local',
      status: 'online',
      metrics,
      details: {
        cores: cpu.cores,
        cpuModes: cpu.modes,
        filesystems,
        disks,
        interfaces,
        processes: processCounts,
        system: {
          hostname,
          kernel: facts.kernel ?? null,
          os: facts.os ?? null,
          cpuModel: facts.cpuModel ?? null,
          bootTime: stat.bootTimeSec * 1000,
        },
      },
      identity: {
        ...(facts.machineId ? { machineId: facts.machineId } : {}),
        hostnames: [hostname],
        macs,
      },
      tags: [],
    };
  }

  return { collect };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
