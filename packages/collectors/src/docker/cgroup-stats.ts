import { readFileSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { KernelFiles, isKernelFs } from '../host/kernel-files.js';
import { fieldEnd, lineEnd, numberAt, readNumbers, skipBlanks } from '../host/text-scan.js';
import { locateCgroup, parseCgroupMounts, parseProcessCgroups } from './cgroup-paths.js';
import type { CgroupLocation, CgroupMounts } from './cgroup-paths.js';
import type { StatsSample } from './engine-answers.js';

/*
 * Container figures from a local engine's cgroup files instead of one `/containers/{id}/stats` call
 * per container, as cAdvisor and netdata read them. A stats call is a request, a wake-up on both
 * sides and ~3 KB of JSON; the same figures from files already open are seven pread calls (see
 * docs/BENCHMARKS.md, bench/agent). The figures come out as a StatsSample, so stats-math.ts turns
 * them into metrics with the same formulas as the API's.
 */

export interface CgroupStatsOptions {
  /** where /proc is (default /proc): mountinfo, <pid>/cgroup and <pid>/net/dev come from here */
  procRoot?: string;
  /** prefixed to every mount point mountinfo names, so a test can point it at a fixture tree (default '') */
  mountRoot?: string;
  /** the limit reported for a container without one, as the engine reports it: the host's memory */
  hostMemory?: () => number;
  /** descriptors kept open at most (default 1024: seven per container) */
  maxOpen?: number;
}

/** A located container cgroup, with the optional files found missing (not looked for again). */
export type CgroupTarget = CgroupLocation & { absent: Set<string> };

export interface CgroupStatsReader {
  /** The container's cgroup via its init process, or why it cannot be read from here. */
  locate(engineId: string, pid: number): CgroupTarget | { error: string };
  /** One sample; throws (a readFileSync error) when the cgroup or the process is gone. */
  read(target: CgroupTarget, options: { networks: boolean }): StatsSample;
  /** Closes descriptors of containers not read since the last sweep. */
  sweep(): void;
  /** descriptors kept open now */
  readonly openFiles: number;
  close(): void;
}

const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;

function isCgroupFs(path: string): boolean {
  try {
    const { type } = statfsSync(path);
    return type === CGROUP_SUPER_MAGIC || type === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** v1 reports "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages); v2 as "max". */
const UNLIMITED = 2 ** 62;

/** The number after `key ` at the start of a line of a flat-keyed file (memory.stat, cpu.stat). */
export function keyedValue(text: string, key: string): number | undefined {
  let at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `);
  if (at < 0) return undefined;
  if (at > 0) at++;
  const end = lineEnd(text, at);
  const start = skipBlanks(text, at + key.length, end);
  return numberAt(text, start, fieldEnd(text, start, end));
}

/** A single-number file (memory.current, cpuacct.usage); "max" is no limit. */
function singleValue(text: string): number | undefined {
  const start = skipBlanks(text, 0, text.length);
  const end = fieldEnd(text, start, lineEnd(text, start));
  if (text.startsWith('max', start)) return undefined;
  return end > start ? numberAt(text, start, end) : undefined;
}

/** Bytes read and written from v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=…" per device. */
export function ioStatTotals(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    for (let f = skipBlanks(text, i, end); f < end; f = skipBlanks(text, fieldEnd(text, f, end), end)) {
      const fEnd = fieldEnd(text, f, end);
      if (text.startsWith('rbytes=', f)) read += numberAt(text, f + 7, fEnd);
      else if (text.startsWith('wbytes=', f)) write += numberAt(text, f + 7, fEnd);
    }
    i = end + 1;
  }
  return { read, write };
}

/** Bytes read and written from v1 blkio files: "8:0 Read 4096" per device and op, then "Total N". */
export function blkioTotals(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    const op = skipBlanks(text, fieldEnd(text, skipBlanks(text, i, end), end), end);
    const opEnd = fieldEnd(text, op, end);
    const valueAt = skipBlanks(text, opEnd, end);
    const value = numberAt(text, valueAt, fieldEnd(text, valueAt, end));
    if (opEnd - op === 4 && text.startsWith('Read', op)) read += value;
    else if (opEnd - op === 5 && text.startsWith('Write', op)) write += value;
    i = end + 1;
  }
  return { read, write };
}

const devFields = [0, 0, 0, 0, 0, 0, 0, 0, 0];

/** Bytes per interface from /proc/<pid>/net/dev, loopback left out as the engine leaves it out. */
export function netDevTotals(text: string): Record<string, { rx: number; tx: number }> {
  const out: Record<string, { rx: number; tx: number }> = {};
  // Two header lines, then "  eth0: rx_bytes rx_packets … (8 receive fields) tx_bytes …".
  let i = lineEnd(text, lineEnd(text, 0) + 1) + 1;
  while (i < text.length) {
    const end = lineEnd(text, i);
    const colon = text.indexOf(':', i);
    if (colon > 0 && colon < end) {
      const name = text.slice(skipBlanks(text, i, colon), colon);
      if (name !== 'lo') {
        readNumbers(text, colon + 1, end, devFields);
        out[name] = { rx: devFields[0] as number, tx: devFields[8] as number };
      }
    }
    i = end + 1;
  }
  return out;
}

/** Reads container figures from cgroup files; one per collector, its descriptors kept between readings. */
export function createCgroupStatsReader(options: CgroupStatsOptions = {}): CgroupStatsReader {
  const procRoot = options.procRoot ?? '/proc';
  const mountRoot = options.mountRoot ?? '';
  const hostMemory = options.hostMemory ?? totalmem;
  const maxOpen = options.maxOpen ?? 1024;
  const procFiles = new KernelFiles({ keepOpen: isKernelFs(procRoot), maxOpen: Math.floor(maxOpen / 7) });
  let cgroupFiles: KernelFiles | undefined;
  let mounts: CgroupMounts | undefined;
  // os.totalmem() parses /proc/meminfo on every call (~25 µs): once per reading is enough.
  let hostMemoryNow: number | undefined;

  function currentMounts(): CgroupMounts {
    if (mounts) return mounts;
    const parsed = parseCgroupMounts(readFileSync(`${procRoot}/self/mountinfo`, 'utf8'));
    const points = [...Object.values(parsed.v1), parsed.v2].flatMap((m) => (m ? [`${mountRoot}${m.mountPoint}`] : []));
    // Kept descriptors only on the real cgroup filesystems; a fixture tree's files are read afresh.
    cgroupFiles?.close();
    cgroupFiles = new KernelFiles({ keepOpen: points.length > 0 && points.every(isCgroupFs), maxOpen });
    mounts = parsed;
    return parsed;
  }

  const cg = (path: string): string => (cgroupFiles as KernelFiles).text(path);

  /** An optional file: absent once means absent for this container (no throw and catch every reading). */
  function optional(target: CgroupTarget, path: string): string | undefined {
    if (target.absent.has(path)) return undefined;
    try {
      return cg(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') target.absent.add(path);
      return undefined;
    }
  }

  function readV1(target: Extract<CgroupTarget, { version: 1 }>, sample: StatsSample): void {
    const { dirs } = target;
    sample.cpuTotal = singleValue(cg(`${dirs.cpuacct}/cpuacct.usage`));
    sample.memoryUsage = singleValue(cg(`${dirs.memory}/memory.usage_in_bytes`));
    const inactive = keyedValue(cg(`${dirs.memory}/memory.stat`), 'total_inactive_file');
    if (inactive !== undefined) sample.memoryStats.total_inactive_file = inactive;
    sample.memoryLimit = singleValue(cg(`${dirs.memory}/memory.limit_in_bytes`));
    if (dirs.blkio) {
      // The throttle files count every device's I/O whatever the scheduler; the CFQ-era
      // recursive file is the fallback for kernels without them.
      const text = optional(target, `${dirs.blkio}/blkio.throttle.io_service_bytes`) ?? optional(target, `${dirs.blkio}/blkio.io_service_bytes_recursive`);
      if (text !== undefined) {
        const { read, write } = blkioTotals(text);
        sample.blkio = [{ op: 'read', value: read }, { op: 'write', value: write }];
      }
    }
    const pids = dirs.pids && optional(target, `${dirs.pids}/pids.current`);
    if (pids) sample.pids = singleValue(pids);
  }

  function readV2(target: Extract<CgroupTarget, { version: 2 }>, sample: StatsSample): void {
    const { dir } = target;
    const usec = keyedValue(cg(`${dir}/cpu.stat`), 'usage_usec');
    sample.cpuTotal = usec === undefined ? undefined : usec * 1000;
    sample.memoryUsage = singleValue(cg(`${dir}/memory.current`));
    const inactive = keyedValue(cg(`${dir}/memory.stat`), 'inactive_file');
    if (inactive !== undefined) sample.memoryStats.inactive_file = inactive;
    const max = optional(target, `${dir}/memory.max`);
    sample.memoryLimit = max === undefined ? undefined : singleValue(max);
    const io = optional(target, `${dir}/io.stat`);
    if (io !== undefined) {
      const { read, write } = ioStatTotals(io);
      sample.blkio = [{ op: 'read', value: read }, { op: 'write', value: write }];
    }
    const pids = optional(target, `${dir}/pids.current`);
    if (pids) sample.pids = singleValue(pids);
  }

  return {
    locate(engineId, pid) {
      if (!(pid > 0)) return { error: 'the engine reports no process for it (PID 0)' };
      let cgroupText: string;
      try {
        cgroupText = readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8');
      } catch (err) {
        return { error: `cannot read ${procRoot}/${pid}/cgroup (${(err as NodeJS.ErrnoException).code ?? err}): the engine's processes are not visible here` };
      }
      let located: ReturnType<typeof locateCgroup>;
      try {
        located = locateCgroup(currentMounts(), parseProcessCgroups(cgroupText), engineId, pid, mountRoot);
      } catch (err) {
        return { error: `cannot read ${procRoot}/self/mountinfo (${(err as NodeJS.ErrnoException).code ?? err})` };
      }
      // Mounts can change (a hierarchy mounted later): look again next time.
      if ('error' in located) mounts = undefined;
      return 'error' in located ? located : { ...located, absent: new Set() };
    },
    read(target, { networks }) {
      currentMounts();
      const sample: StatsSample = {
        read: undefined, pids: undefined, cpuTotal: undefined, systemCpu: undefined, onlineCpus: undefined, percpuCount: undefined,
        memoryUsage: undefined, memoryLimit: undefined, memoryStats: {}, networks: undefined, blkio: null,
      };
      if (target.version === 1) readV1(target, sample);
      else readV2(target, sample);
      if (sample.memoryLimit === undefined || sample.memoryLimit >= UNLIMITED) sample.memoryLimit = hostMemoryNow ??= hostMemory();
      if (networks) sample.networks = netDevTotals(procFiles.text(`${procRoot}/${target.pid}/net/dev`));
      return sample;
    },
    get openFiles() {
      return (cgroupFiles?.openCount ?? 0) + procFiles.openCount;
    },
    sweep() {
      hostMemoryNow = undefined;
      cgroupFiles?.sweep();
      procFiles.sweep();
    },
    close() {
      cgroupFiles?.close();
      procFiles.close();
    },
  };
}
