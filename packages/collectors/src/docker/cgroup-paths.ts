/*
 * Where a container's cgroup lives on this machine, found the way cAdvisor and netdata find it: the
 * cgroup mounts from /proc/self/mountinfo, the process's place in each hierarchy from
 * /proc/<pid>/cgroup. This covers dockerd's cgroupfs driver (`/docker/<id>`), the systemd driver
 * (`/system.slice/docker-<id>.scope`), Podman (`libpod-<id>.scope`), custom --cgroup-parent paths,
 * cgroup v1 (controllers mounted apart or combined as `cpu,cpuacct`), v2, and hybrid machines.
 */

/** The v1 controllers Pulse reads; `cpu,cpuacct` mounts serve both names. */
export const V1_CONTROLLERS = ['cpuacct', 'memory', 'blkio', 'pids'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

interface CgroupMount {
  /** where the hierarchy is mounted, as mountinfo spells it */
  mountPoint: string;
  /** which cgroup the mount shows at its top ("/" unless bind-mounted or in a cgroup namespace) */
  root: string;
}

export interface CgroupMounts {
  v1: Partial<Record<V1Controller, CgroupMount>>;
  v2: CgroupMount | undefined;
}

/** mountinfo escapes blanks and backslashes in paths as octal (`\040`). */
const unescapeMountPath = (path: string): string => path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/**
 * The cgroup hierarchies in a mountinfo text. The first mount of each hierarchy wins: later ones
 * are bind mounts of the same thing (e.g. into a container we run in).
 */
export function parseCgroupMounts(mountinfo: string): CgroupMounts {
  const mounts: CgroupMounts = { v1: {}, v2: undefined };
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const [fsType, , superOptions = ''] = line.slice(dash + 3).split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const fields = line.slice(0, dash).split(' ');
    if (fields.length < 5) continue;
    const mount = { root: unescapeMountPath(fields[3] as string), mountPoint: unescapeMountPath(fields[4] as string) };
    if (fsType === 'cgroup2') {
      mounts.v2 ??= mount;
      continue;
    }
    // A v1 hierarchy names its controllers in the super options: "rw,cpu,cpuacct".
    const options = new Set(superOptions.split(','));
    for (const controller of V1_CONTROLLERS) if (options.has(controller)) mounts.v1[controller] ??= mount;
  }
  return mounts;
}

/** A process's cgroup paths, from /proc/<pid>/cgroup. */
export interface ProcessCgroups {
  v1: Partial<Record<V1Controller, string>>;
  /** the `0::` line: the unified hierarchy (on a hybrid machine it holds no controllers) */
  v2: string | undefined;
}

export function parseProcessCgroups(text: string): ProcessCgroups {
  const out: ProcessCgroups = { v1: {}, v2: undefined };
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers === '') {
      out.v2 = path;
      continue;
    }
    for (const name of controllers.split(',')) {
      if ((V1_CONTROLLERS as readonly string[]).includes(name)) out.v1[name as V1Controller] = path;
    }
  }
  return out;
}

/**
 * The container's own cgroup within a process's path: the path cut after the segment that holds
 * the engine id. That both proves the process belongs to this container (a PID read through
 * another PID namespace, or reused after the container stopped, would be someone else's) and
 * steps out of sub-cgroups an init may sit in (Podman's `libpod-<id>.scope/container`).
 */
export function containerCgroupPath(processPath: string, engineId: string): string | undefined {
  if (!engineId || !processPath.startsWith('/')) return undefined;
  const at = processPath.indexOf(engineId);
  if (at < 0) return undefined;
  const end = processPath.indexOf('/', at + engineId.length);
  return end < 0 ? processPath : processPath.slice(0, end);
}

/** The directory of `cgroupPath` under a mount, or undefined when the mount does not show it. */
export function cgroupDirectory(mount: CgroupMount, cgroupPath: string, mountRoot: string): string | undefined {
  let relative: string;
  if (mount.root === '/') relative = cgroupPath;
  else if (cgroupPath === mount.root) relative = '';
  else if (cgroupPath.startsWith(`${mount.root}/`)) relative = cgroupPath.slice(mount.root.length);
  else return undefined;
  const base = mount.mountPoint === '/' ? '' : mount.mountPoint;
  return `${mountRoot}${base}${relative === '/' ? '' : relative}`;
}

/** Where one container's figures are read from. */
export type CgroupLocation =
  | { version: 1; pid: number; dirs: Record<'cpuacct' | 'memory', string> & Partial<Record<'blkio' | 'pids', string>> }
  | { version: 2; pid: number; dir: string };

/**
 * The container's cgroup directories, or why there are none. v1 is preferred when the process has
 * v1 memory and cpuacct hierarchies: on a hybrid machine the unified hierarchy holds no controllers.
 */
export function locateCgroup(
  mounts: CgroupMounts,
  cgroups: ProcessCgroups,
  engineId: string,
  pid: number,
  mountRoot: string,
): CgroupLocation | { error: string } {
  if (cgroups.v1.memory !== undefined && cgroups.v1.cpuacct !== undefined) {
    const dirs: Partial<Record<V1Controller, string>> = {};
    for (const controller of V1_CONTROLLERS) {
      const path = cgroups.v1[controller];
      const mount = mounts.v1[controller];
      if (path === undefined || mount === undefined) continue;
      const own = containerCgroupPath(path, engineId);
      // blkio and pids are extras: without them the container still has CPU and memory figures.
      if (own === undefined && (controller === 'blkio' || controller === 'pids')) continue;
      if (own === undefined) return { error: `process ${pid} is not in a ${controller} cgroup of container ${engineId.slice(0, 12)} (${path})` };
      const dir = cgroupDirectory(mount, own, mountRoot);
      if (dir !== undefined) dirs[controller] = dir;
    }
    if (dirs.memory === undefined || dirs.cpuacct === undefined) return { error: `the memory or cpuacct hierarchy of process ${pid} is not mounted where this process can see it` };
    return { version: 1, pid, dirs: dirs as Record<'cpuacct' | 'memory', string> & Partial<Record<'blkio' | 'pids', string>> };
  }
  if (cgroups.v2 !== undefined && mounts.v2 !== undefined) {
    const own = containerCgroupPath(cgroups.v2, engineId);
    if (own === undefined) return { error: `process ${pid} is not in a cgroup of container ${engineId.slice(0, 12)} (${cgroups.v2})` };
    const dir = cgroupDirectory(mounts.v2, own, mountRoot);
    if (dir === undefined) return { error: `cgroup ${own} is outside the cgroup2 mount this process sees` };
    return { version: 2, pid, dir };
  }
  return { error: `no cgroup hierarchy of process ${pid} is mounted here` };
}
