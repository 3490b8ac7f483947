import { networkInterfaces } from 'node:os';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@pulse/protocol';
import { createCachedRead } from './cached-read.js';
import { CpuMeter } from './cpu.js';
import { diskUsage, isStackedDisk, parseDiskstats } from './disks.js';
import type { DiskCounters } from './disks.js';
import { filesystemTotals, measureFilesystems, parseMountinfo, selectRealMounts } from './filesystems.js';
import type { MountEntry, Statfs } from './filesystems.js';
import { hostMetrics } from './host-metrics.js';
import { readDmiUuid, readHostname, readMachineId, readMacs, readOptionalText } from './host-identity.js';
import { createLinkStateReader, interfaceUsage, parseNetDev } from './interfaces.js';
import type { NetCounters } from './interfaces.js';
import { KernelFiles, isKernelFs } from './kernel-files.js';
import { readKernelUnits } from './kernel-units.js';
import type { KernelUnits } from './kernel-units.js';
import { memoryMetrics } from './memory.js';
import { PressureMeter, readPressure } from './pressure.js';
import { createProcessScanner, emptyProcessScan } from './processes.js';
import { parseCpuModel, parseLoadavg, parseMeminfo, parseOsRelease, parseProcStat, parseUptime } from './proc-readers.js';
import { CounterRates } from './rates.js';
import { createTemperatureReader } from './temperatures.js';
import { hasVirtualisedMeminfo, readZfsArc } from './zfs-arc.js';

/** What one collection describes: a `host` resource, less the `lastSeen` its receiver stamps. */
export type ObservedHost = Omit<Resource, 'lastSeen'>;

export interface HostCollectorLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface HostCollectorOptions {
  /** Where procfs is mounted (`/host/proc` for an agent in a container); tests use fixture trees. */
  procRoot?: string;
  sysRoot?: string;
  statfs?: Statfs;
  now?: () => number;
  logger?: HostCollectorLogger;
  /** Tried in order; the first valid id names the host. */
  machineIdPaths?: string[];
  osReleasePath?: string;
  /** Minimum time between full PID scans (default 10 s); 0 scans on every collection. */
  processScanMs?: number;
  /** Length of each top-processes list (default 10). */
  topProcessCount?: number;
  /**
   * How often to look again for what rarely changes (default 60 s): temperature sensors, MAC
   * addresses, the hostname, link speeds (also on every link state change), and ZFS or PSI while
   * they are absent.
   */
  rescanMs?: number;
  /** The resource's `source` (default `local`). */
  source?: string;
  /**
   * This machine's unicast addresses, for identity (a Proxmox node is known by name and cluster
   * IP). Default: the live interfaces when reading the live /proc, none for a fixture tree.
   */
  addresses?: () => string[];
}

/** Facts that cannot change while the machine is up, read on the first collection only. */
interface StaticFacts {
  machineId: string | undefined;
  dmiUuid: string | undefined;
  kernel: string | undefined;
  os: string | undefined;
  cpuModel: string | undefined;
  minFreeBytes: number | undefined;
  units: KernelUnits;
}

const consoleLogger: HostCollectorLogger = {
  warn: (obj, msg) => console.warn(msg ?? 'host collector warning', obj),
};

/**
 * Reads this machine into one `host` resource, synchronously and without child processes. Holds the
 * previous counters so each collection can report rates; build one per consumer. Rates are 0 on the
 * first collection (no earlier counters), while CPU shares on the first collection are since-boot
 * averages (see CpuMeter).
 */
export interface HostCollector {
  collect(at: number): ObservedHost;
  /** Closes the /proc and /sys files kept open between collections. */
  close(): void;
}

/** The parsed mount table, kept while /proc/self/mountinfo reads the same (mounts rarely change). */
interface MountTable {
  text: string;
  mounts: MountEntry[];
  real: MountEntry[];
  virtualisedMeminfo: boolean;
}

export function createHostCollector(options: HostCollectorOptions = {}): HostCollector {
  const procRoot = options.procRoot ?? '/proc';
  const sysRoot = options.sysRoot ?? '/sys';
  const statfs = options.statfs ?? ((path: string) => statfsSync(path));
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger;
  const machineIdPaths = options.machineIdPaths ?? ['/etc/machine-id', '/var/lib/dbus/machine-id'];
  const osReleasePath = options.osReleasePath ?? '/etc/os-release';

  const rescanMs = options.rescanMs ?? 60_000;
  // Kept-open descriptors for what is read every collection, and for the PID scan's stat files.
  const procFiles = new KernelFiles({ keepOpen: isKernelFs(procRoot) });
  const sysFiles = new KernelFiles({ keepOpen: isKernelFs(sysRoot) });
  const pidFiles = new KernelFiles({ keepOpen: isKernelFs(procRoot) });
  const procText = (path: string): string => procFiles.text(path);
  const sysText = (path: string): string => sysFiles.text(path);
  const cpuMeter = new CpuMeter();
  const diskRates = new CounterRates<DiskCounters>();
  const netRates = new CounterRates<NetCounters>();
  const kernelRates = new CounterRates<{ contextSwitches: number; interrupts: number; forks: number }>();
  const pressureMeter = new PressureMeter();
  const temperatures = createTemperatureReader({ sysRoot, now, rescanMs, read: sysText });
  const readArc = createCachedRead({ read: () => readZfsArc(procRoot, procText), keep: (arc) => arc === undefined, everyMs: rescanMs, now });
  const readPsi = createCachedRead({ read: () => readPressure(procRoot, procText), keep: (psi) => Object.keys(psi).length === 0, everyMs: rescanMs, now });
  const readMacAddresses = createCachedRead({ read: () => readMacs(sysRoot), keep: () => true, everyMs: rescanMs, now });
  const addresses = options.addresses ?? (procRoot === '/proc' ? liveAddresses : () => []);
  const readIps = createCachedRead({ read: addresses, keep: () => true, everyMs: rescanMs, now });
  const readName = createCachedRead({ read: () => readHostname(procRoot, procText), keep: () => true, everyMs: rescanMs, now });
  const readLinkState = createLinkStateReader({ sysRoot, read: sysText, now, rescanMs });
  const processes = createProcessScanner({
    procRoot, scanMs: options.processScanMs ?? 10_000, now, topCount: options.topProcessCount ?? 10,
    units: () => facts!.units,
    files: pidFiles,
    onUnreadable: (count) => logger.debug?.({ procRoot, count }, 'host collector: some process stat files were unreadable'),
  });
  const failing = new Set<string>();
  let facts: StaticFacts | undefined;
  let mountTable: MountTable | undefined;

  const readProc = (path: string): string => procFiles.text(`${procRoot}/${path}`);

  function readMounts(): MountTable {
    const text = readProc('self/mountinfo');
    if (mountTable?.text !== text) {
      const mounts = parseMountinfo(text);
      mountTable = { text, mounts, real: selectRealMounts(mounts), virtualisedMeminfo: hasVirtualisedMeminfo(mounts) };
    }
    return mountTable;
  }

  /**
   * Optional parts of the host (disks, network, filesystems...) are missing in some containers and
   * sandboxes. They report empty instead of failing the whole host, and warn once per outage so a
   * 1 s interval does not flood the log. Parts that are normally absent on some machines (PSI, ZFS,
   * sensors) return empty for that case themselves and only get here on unexpected errors.
   */
  function optional<T>(section: string, read: () => T, fallback: T): T {
    try {
      const value = read();
      failing.delete(section);
      return value;
    } catch (err) {
      if (!failing.has(section)) {
        failing.add(section);
        logger.warn({ err, section, procRoot }, `host collector: cannot read ${section}; reporting it empty until it can`);
      }
      return fallback;
    }
  }

  function readFacts(): StaticFacts {
    const cpuinfo = readOptionalText(join(procRoot, 'cpuinfo'));
    const osRelease = readOptionalText(osReleasePath);
    const minFreeKb = Number(readOptionalText(join(procRoot, 'sys/vm/min_free_kbytes')) ?? NaN);
    return {
      machineId: readMachineId(machineIdPaths),
      dmiUuid: readDmiUuid(sysRoot),
      kernel: readOptionalText(join(procRoot, 'sys/kernel/osrelease')),
      os: osRelease === undefined ? undefined : parseOsRelease(osRelease),
      cpuModel: cpuinfo === undefined ? undefined : parseCpuModel(cpuinfo),
      minFreeBytes: Number.isFinite(minFreeKb) ? minFreeKb * 1024 : undefined,
      units: readKernelUnits(procRoot),
    };
  }

  function collect(at: number): ObservedHost {
    try {
      return read(at);
    } finally {
      // Descriptors of interfaces or sensors that are gone, read no more.
      procFiles.sweep();
      sysFiles.sweep();
    }
  }

  function read(at: number): ObservedHost {
    facts ??= readFacts();
    const stat = parseProcStat(readProc('stat'));
    const cpu = cpuMeter.update(stat);
    const kernel = kernelRates.sample(at, new Map([['stat', {
      contextSwitches: stat.contextSwitches, interrupts: stat.interrupts, forks: stat.forks,
    }]])).get('stat')!;

    const mounts = optional('mountinfo', readMounts, undefined);
    const arc = mounts?.virtualisedMeminfo ? undefined : optional('zfs arc', readArc, undefined);
    const memory = memoryMetrics(parseMeminfo(readProc('meminfo')), { minFreeBytes: facts.minFreeBytes, arc });
    const load = optional('loadavg', () => parseLoadavg(readProc('loadavg')), { load1: 0, load5: 0, load15: 0 });
    const uptime = optional('uptime', () => parseUptime(readProc('uptime')), 0);
    const pressure = pressureMeter.update(at, optional('pressure', readPsi, {}));
    const sensors = temperatures.read();

    const diskCounters = optional('diskstats', () => parseDiskstats(readProc('diskstats')), new Map<string, DiskCounters>());
    const disks = [...diskRates.sample(at, diskCounters)].map(([name, rate]) => diskUsage(name, rate));

    const netCounters = optional('net/dev', () => parseNetDev(readProc('net/dev')), new Map<string, NetCounters>());
    const interfaces = [...netRates.sample(at, netCounters)]
      .map(([name, rate]) => interfaceUsage(name, rate, readLinkState(name)));

    const filesystems = measureFilesystems(
      mounts?.real ?? [], statfs,
      (mount, err) => logger.debug?.({ err, mount: mount.mountPoint }, 'host collector: skipped a filesystem statfs could not read'),
    );

    const scan = optional('processes', () => processes.read(), emptyProcessScan());
    const hostname = readName();

    return {
      id: `host:${facts.machineId ?? hostname}`,
      type: 'host',
      name: hostname,
      source: options.source ?? 'local',
      status: 'online',
      metrics: hostMetrics({
        stat, cpu, load, memory, uptime, pressure, sensors, kernel, processCounts: scan.counts,
        filesystems: filesystemTotals(filesystems),
        physicalDisks: disks.filter((disk) => !isStackedDisk(disk.name)),
        interfaces,
      }),
      details: {
        cores: cpu.cores,
        cpuModes: cpu.modes,
        filesystems,
        disks,
        interfaces,
        temperatures: sensors,
        processes: scan.counts,
        topProcesses: scan.top,
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
        ...(facts.dmiUuid ? { dmiUuid: facts.dmiUuid } : {}),
        hostnames: [hostname],
        macs: readMacAddresses(),
        ...ipsOf(readIps()),
      },
      tags: [],
    };
  }

  return {
    collect,
    close() {
      procFiles.close();
      sysFiles.close();
      pidFiles.close();
    },
  };
}

const ipsOf = (ips: string[]): { ips?: string[] } => (ips.length > 0 ? { ips } : {});

/** Global and private unicast addresses of the live interfaces; loopback and link-local say nothing about which machine this is. */
function liveAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || a.address.startsWith('fe80:') || a.address.startsWith('169.254.')) continue;
      out.add(a.address);
    }
  }
  return [...out].sort();
}
