import { createHostCollector, readHostname, readMachineId } from '@pulse/collectors';
import type { AgentLogger } from './logger.js';
import type { HostReading } from './report-builder.js';

export interface HostSourceOptions {
  procRoot: string;
  sysRoot: string;
  logger: AgentLogger;
}

const MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/**
 * The Foundation's /proc and /sys collector, shared with the server's local source: synchronous
 * reads, no child processes. Its PID scan (process counts, top processes) runs at most every 10 s
 * whatever the interval, since it opens one file per process.
 */
export function createHostSource(options: HostSourceOptions): { collect(at: number): HostReading } {
  return createHostCollector({
    procRoot: options.procRoot,
    sysRoot: options.sysRoot,
    logger: options.logger,
    machineIdPaths: MACHINE_ID_PATHS,
    processScanMs: 10_000,
    source: 'agent',
  });
}

/** Name and machine id as the host collector reads them, so the server can match this machine to other sources. */
export function readHostIdentity(procRoot: string): { hostname: string; machineId?: string } {
  const machineId = readMachineId(MACHINE_ID_PATHS);
  return { hostname: readHostname(procRoot).slice(0, 253), ...(machineId ? { machineId } : {}) };
}
