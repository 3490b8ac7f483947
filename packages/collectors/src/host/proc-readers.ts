/**
 * Pure parsers for the small /proc text files the host collector reads every collection. They take
 * the file's text and return numbers, so tests feed them recorded text and no file system is needed.
 */
import { fieldEnd, isDigits, lineEnd, numberAt, readNumbers, skipBlanks } from './text-scan.js';

/**
 * Jiffies spent in each CPU mode as `/proc/stat` counts them. Guest time is left out on purpose:
 * the kernel already includes it in `user` / `nice`, so adding it would count it twice.
 */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTimes;
  /** Online cores by index; an offline (hot-unplugged) core has no line and so no entry. */
  cores: Map<number, CpuTimes>;
  procsRunning: number;
  procsBlocked: number;
  /** Boot time, seconds since the epoch (`btime`). */
  bootTimeSec: number;
  /** Context switches since boot (`ctxt`), a counter. */
  contextSwitches: number;
  /** Interrupts since boot: the first number of the `intr` line (its total), a counter. */
  interrupts: number;
  /** Processes and threads created since boot (`processes`), a counter. */
  forks: number;
}

/** Parses a decimal field, treating anything unparsable as 0 so one odd field cannot poison a sample. */
export function toNumber(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

/** The jiffies of one `cpu` line from just after its name; fields a kernel does not report (steal before 2.6.11) are 0. */
function cpuTimesAt(text: string, i: number, end: number, scratch: number[]): CpuTimes {
  readNumbers(text, i, end, scratch);
  return {
    user: scratch[0]!, nice: scratch[1]!, system: scratch[2]!, idle: scratch[3]!,
    iowait: scratch[4]!, irq: scratch[5]!, softirq: scratch[6]!, steal: scratch[7]!,
  };
}

/** The first number after a line's name (`ctxt 123`; `intr 640542 0 12 …` is its total). */
function firstNumber(text: string, i: number, end: number): number {
  const start = skipBlanks(text, i, end);
  return numberAt(text, start, fieldEnd(text, start, end));
}

const zeroTimes = (): CpuTimes => ({ user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 });

export function parseProcStat(text: string): ProcStat {
  const stat: ProcStat = {
    total: zeroTimes(), cores: new Map(), procsRunning: 0, procsBlocked: 0, bootTimeSec: 0,
    contextSwitches: 0, interrupts: 0, forks: 0,
  };
  const scratch = new Array<number>(8).fill(0);
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    const keyStart = skipBlanks(text, start, end);
    const keyEnd = fieldEnd(text, keyStart, end);
    if (text.startsWith('cpu', keyStart)) {
      if (keyEnd === keyStart + 3) stat.total = cpuTimesAt(text, keyEnd, end, scratch);
      else if (isDigits(text, keyStart + 3, keyEnd)) stat.cores.set(numberAt(text, keyStart + 3, keyEnd), cpuTimesAt(text, keyEnd, end, scratch));
    } else if (keyEnd > keyStart) {
      // The long per-IRQ and softirq lines are never split: only their first number is read.
      switch (text.slice(keyStart, keyEnd)) {
        case 'procs_running': stat.procsRunning = firstNumber(text, keyEnd, end); break;
        case 'procs_blocked': stat.procsBlocked = firstNumber(text, keyEnd, end); break;
        case 'btime': stat.bootTimeSec = firstNumber(text, keyEnd, end); break;
        case 'ctxt': stat.contextSwitches = firstNumber(text, keyEnd, end); break;
        case 'intr': stat.interrupts = firstNumber(text, keyEnd, end); break;
        case 'processes': stat.forks = firstNumber(text, keyEnd, end); break;
      }
    }
    start = end + 1;
  }
  return stat;
}

/** `/proc/meminfo` as bytes by key; the kernel writes sizes in KiB (`kB`), counts without a unit. */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (let start = 0; start < text.length;) {
    const end = lineEnd(text, start);
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const valueStart = skipBlanks(text, colon + 1, end);
      const valueEnd = fieldEnd(text, valueStart, end);
      if (valueEnd > valueStart && isDigits(text, valueStart, valueEnd)) {
        const unit = skipBlanks(text, valueEnd, end);
        const kib = text.startsWith('kB', unit);
        values.set(text.slice(start, colon), numberAt(text, valueStart, valueEnd) * (kib ? 1024 : 1));
      }
    }
    start = end + 1;
  }
  return values;
}

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15] = readNumbers(text, 0, lineEnd(text, 0), [0, 0, 0]);
  return { load1: load1!, load5: load5!, load15: load15! };
}

/** Seconds since boot: the first field of `/proc/uptime`. */
export function parseUptime(text: string): number {
  return readNumbers(text, 0, lineEnd(text, 0), [0])[0]!;
}

/**
 * The CPU model from `/proc/cpuinfo`. x86 writes `model name`; many ARM kernels write only
 * `Hardware` or `Processor`, so those are the fall-backs.
 */
export function parseCpuModel(text: string): string | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  for (const key of ['model name', 'Hardware', 'Processor', 'cpu model']) {
    const value = fields.get(key);
    if (value) return value;
  }
  return undefined;
}

/** `PRETTY_NAME` from an os-release file (shell-style `KEY="value"` lines). */
export function parseOsRelease(text: string): string | undefined {
  const match = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!match) return undefined;
  const raw = match[1]!.trim();
  const unquoted = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  return unquoted.replace(/\\(["'\\$`])/g, '$1') || undefined;
}
