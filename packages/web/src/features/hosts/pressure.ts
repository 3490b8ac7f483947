import type { Resource } from '@pulse/protocol';
import { metric } from '../infrastructure/model';

/*
 * Pressure stall information (PSI): the share of time tasks waited for a resource. "some" is the
 * time at least one task waited, "full" the time every non-idle task did at once (no work got
 * done); the kernel leaves CPU "full" undefined system-wide, so it is not reported.
 */

export interface PressureRow {
  key: 'cpu' | 'memory' | 'io';
  label: string;
  /** % of the last interval, then the kernel's own 10 s and 60 s averages. */
  some?: number;
  someAvg60?: number;
  full?: number;
  fullAvg60?: number;
}

const labels = { cpu: 'CPU', memory: 'Memory', io: 'I/O' } as const;

/** One row per resource the host reports pressure for; empty on kernels without PSI. */
export function pressureOf(r: Resource): PressureRow[] {
  return (['cpu', 'memory', 'io'] as const)
    .map((key) => ({
      key,
      label: labels[key],
      some: metric(r, `psi.${key}.some`),
      someAvg60: metric(r, `psi.${key}.some.avg60`),
      full: key === 'cpu' ? undefined : metric(r, `psi.${key}.full`),
      fullAvg60: key === 'cpu' ? undefined : metric(r, `psi.${key}.full.avg60`),
    }))
    .filter((row) => row.some !== undefined || row.full !== undefined);
}
