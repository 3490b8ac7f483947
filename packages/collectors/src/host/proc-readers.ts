/**
 * Pure parsers for the small /proc text files the host collector reads every collection. They take
 * the file's text and return numbers, so tests feed them recorded text and no file system is needed.
 */

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

const cpuModeOrder = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** Parses a decimal field, treating anything unparsable as 0 so one odd field cannot poison a sample. */
export function toNumber(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

function parseCpuTimes(fields: string[]): CpuTimes {
  // Fields a kernel does not report (steal before 2.6.11) are simply 0.
  const times = {} as CpuTimes;
  cpuModeOrder.forEach((mode, i) => { times[mode] = toNumber(fields[i]); });
  return times;
}

export function parseProcStat(text: string): ProcStat {
  const stat: ProcStat = {
    total: parseCpuTimes([]), cores: new Map(), procsRunning: 0, procsBlocked: 0, bootTimeSec: 0,
    contextSwitches: 0, interrupts: 0, forks: 0,
  };
  for (const line of text.split('\n')) {
    const [key, ...fields] = line.trim().split(/\s+/);
    if (!key) continue;
    if (key === 'cpu') stat.total = parseCpuTimes(fields);
    else if (/^cpu\d+$/.test(key)) stat.cores.set(Number(key.slice(3)), parseCpuTimes(fields));
    else if (key === 'procs_running') stat.procsRunning = toNumber(fields[0]);
    else if (key === 'procs_blocked') stat.procsBlocked = toNumber(fields[0]);
    else if (key === 'btime') stat.bootTimeSec = toNumber(fields[0]);
    else if (key === 'ctxt') stat.contextSwitches = toNumber(fields[0]);
    else if (key === 'intr') stat.interrupts = toNumber(fields[0]);
    else if (key === 'processes') stat.forks = toNumber(fields[0]);
  }
  return stat;
}

/** `/proc/meminfo` as bytes by key; the kernel writes sizes in KiB (`kB`), counts without a unit. */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]) * (match[3] ? 1024 : 1));
  }
  return values;
}

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15] = text.trim().split(/\s+/);
  return { load1: toNumber(load1), load5: toNumber(load5), load15: toNumber(load15) };
}

/** Seconds since boot: the first field of `/proc/uptime`. */
export function parseUptime(text: string): number {
  return toNumber(text.trim().split(/\s+/)[0]);
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
