import { readUtf8 } from './kernel-files.js';
import type { ReadText } from './kernel-files.js';
import { counterRate } from './rates.js';
import { fieldEnd, isBlank, lineEnd, skipBlanks } from './text-scan.js';

/** One line of a `/proc/pressure/<resource>` file: shares of wall time in %, total in µs. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalUs: number;
}

/** `some`: at least one task stalled on the resource; `full`: every non-idle task did. */
export interface ResourcePressure {
  some?: PressureLine;
  full?: PressureLine;
}

export const pressureResources = ['cpu', 'memory', 'io'] as const;
export type PressureResource = (typeof pressureResources)[number];
export type Pressure = Partial<Record<PressureResource, ResourcePressure>>;

/** `some avg10=0.12 avg60=0.05 avg300=0.01 total=123456` lines; unknown lines are skipped. */
export function parsePressure(text: string): ResourcePressure {
  const pressure: ResourcePressure = {};
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    const kindStart = skipBlanks(text, start, end);
    const kindEnd = fieldEnd(text, kindStart, end);
    const kind = kindEnd - kindStart === 4 ? text.slice(kindStart, kindEnd) : '';
    if (kind === 'some' || kind === 'full') {
      const number = (key: string): number | undefined => {
        // `key=` at the start of a field of this line
        for (let at = text.indexOf(key, kindEnd); at >= 0 && at < end; at = text.indexOf(key, at + 1)) {
          if (!isBlank(text.charCodeAt(at - 1)) || text.charCodeAt(at + key.length) !== 61 /* = */) continue;
          const valueStart = at + key.length + 1;
          const valueEnd = fieldEnd(text, valueStart, end);
          const value = Number(text.slice(valueStart, valueEnd));
          return Number.isFinite(value) ? value : undefined;
        }
        return undefined;
      };
      const avg10 = number('avg10');
      const totalUs = number('total');
      if (avg10 !== undefined && totalUs !== undefined) {
        pressure[kind] = { avg10, avg60: number('avg60') ?? 0, avg300: number('avg300') ?? 0, totalUs };
      }
    }
    start = end + 1;
  }
  return pressure;
}

/**
 * Errors that mean "this kernel has no PSI": no /proc/pressure before 4.20 or without CONFIG_PSI
 * (ENOENT), and EOPNOTSUPP when it is built in but off (`psi=0`, the default on some RHEL kernels).
 */
function isPressureAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EOPNOTSUPP';
}

/** Pressure of every resource the kernel reports; empty when PSI is absent or off. */
export function readPressure(procRoot: string, read: ReadText = readUtf8): Pressure {
  const pressure: Pressure = {};
  for (const resource of pressureResources) {
    let text: string;
    try {
      text = read(`${procRoot}/pressure/${resource}`);
    } catch (err) {
      if (isPressureAbsent(err)) continue;
      throw err;
    }
    pressure[resource] = parsePressure(text);
  }
  return pressure;
}

/**
 * Turns successive pressure readings into metrics: the kernel's own `avg10` and `avg60`, and the
 * share of the last interval spent stalled, from the µs `total` counter (`psi.<resource>.<kind>`,
 * 0 on the first reading or after a reset). CPU `full` is left out: the kernel documents it as
 * undefined system-wide and has printed zeros for it since 5.13 only for format compatibility.
 */
export class PressureMeter {
  #prevTotals = new Map<string, number>();
  #prevAt: number | undefined;

  /** `at` is milliseconds from the injected clock. */
  update(at: number, pressure: Pressure): Record<string, number> {
    const elapsedSec = this.#prevAt === undefined ? 0 : (at - this.#prevAt) / 1000;
    const metrics: Record<string, number> = {};
    const totals = new Map<string, number>();
    for (const resource of pressureResources) {
      for (const kind of ['some', 'full'] as const) {
        const line = pressure[resource]?.[kind];
        if (!line || (resource === 'cpu' && kind === 'full')) continue;
        const key = `psi.${resource}.${kind}`;
        totals.set(key, line.totalUs);
        // µs stalled per second of wall time / 10,000 = percent of the interval.
        const stalledPercent = counterRate(this.#prevTotals.get(key), line.totalUs, elapsedSec) / 10_000;
        metrics[key] = Math.min(100, stalledPercent);
        metrics[`${key}.avg10`] = line.avg10;
        metrics[`${key}.avg60`] = line.avg60;
      }
    }
    this.#prevTotals = totals;
    this.#prevAt = at;
    return metrics;
  }
}
