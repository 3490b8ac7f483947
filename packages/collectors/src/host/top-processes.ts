import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelUnits } from './kernel-units.js';
import type { ProcessStat } from './processes.js';
import { parseUptime } from './proc-readers.js';

export interface TopProcess {
  pid: number;
  /** The command name (`comm`), not the command line: arguments can hold secrets. */
  name: string;
  /** Share of ONE CPU, as top and ps show it: a process busy on two cores reports 200. */
  cpuPercent: number;
  rssBytes: number;
}

export interface TopProcesses {
  byCpu: TopProcess[];
  byMemory: TopProcess[];
}

export function emptyTopProcesses(): TopProcesses {
  return { byCpu: [], byMemory: [] };
}

interface Previous {
  cpuTicks: number;
  startTicks: number;
}

/**
 * Picks the busiest and the largest processes of each PID scan. CPU % is the process's utime + stime
 * delta between two scans over the wall time between them, in USER_HZ ticks (see kernel-units.ts).
 * A process with no earlier sample — every process on the first scan, one started since the last
 * scan, or a reused pid (its start time differs) — gets its average since it started, as ps(1)
 * shows; for one started within the period that is exactly its share of the period.
 * Processes using no CPU (or no memory) are left out of that list rather than padding it with zeros.
 */
export function createTopProcessTracker(options: { procRoot: string; count: number }): {
  update(at: number, processes: ProcessStat[], units: KernelUnits): TopProcesses;
} {
  let previous = new Map<number, Previous>();
  let previousAt: number | undefined;

  function readUptimeSec(): number | undefined {
    try {
      return parseUptime(readFileSync(join(options.procRoot, 'uptime'), 'utf8'));
    } catch {
      // Without uptime, new processes get 0 % for one period; the next scan has deltas.
      return undefined;
    }
  }

  return {
    update(at, processes, units) {
      const elapsedSec = previousAt === undefined ? 0 : (at - previousAt) / 1000;
      let uptimeSec: number | undefined | null = null;
      const hz = units.clockTicksPerSec;
      const sampled: TopProcess[] = processes.map((proc) => {
        const before = previous.get(proc.pid);
        let cpuSec: number;
        let overSec: number;
        if (before && before.startTicks === proc.startTicks && elapsedSec > 0) {
          cpuSec = Math.max(0, proc.cpuTicks - before.cpuTicks) / hz;
          overSec = elapsedSec;
        } else {
          if (uptimeSec === null) uptimeSec = readUptimeSec();
          cpuSec = proc.cpuTicks / hz;
          // At least one tick, so a process that started this instant does not divide by ~0.
          overSec = uptimeSec === undefined ? 0 : Math.max(1 / hz, uptimeSec - proc.startTicks / hz);
        }
        return {
          pid: proc.pid,
          name: proc.name,
          cpuPercent: overSec > 0 ? round2((cpuSec / overSec) * 100) : 0,
          rssBytes: proc.rssPages * units.pageSizeBytes,
        };
      });
      previous = new Map(processes.map((proc) => [proc.pid, { cpuTicks: proc.cpuTicks, startTicks: proc.startTicks }]));
      previousAt = at;

      return {
        byCpu: sampled.filter((p) => p.cpuPercent > 0)
          .sort((a, b) => b.cpuPercent - a.cpuPercent || b.rssBytes - a.rssBytes || a.pid - b.pid)
          .slice(0, options.count),
        byMemory: sampled.filter((p) => p.rssBytes > 0)
          .sort((a, b) => b.rssBytes - a.rssBytes || b.cpuPercent - a.cpuPercent || a.pid - b.pid)
          .slice(0, options.count),
      };
    },
  };
}

/** Two decimals are below what a 100 Hz tick over a 10 s scan can resolve, and keep the JSON short. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
