import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

/**
 * Real processes in real cgroups for simulated containers, so a collector that reads a local
 * engine's cgroup files (as cAdvisor does) finds something real behind `State.Pid`. Each running
 * container gets one tiny process placed where dockerd's cgroupfs driver puts a container
 * (`<hierarchy>/docker/<id>` under memory, cpuacct, blkio and pids on cgroup v1; `docker/<id>` with
 * those controllers enabled on v2) and, when `unshare` allows, a network namespace of its own (only
 * `lo`, so no traffic). The process is `cat` reading a pipe from us: it ends when we do, even if we
 * are killed, so no helper outlives the simulator; its cgroup is removed when it has exited.
 */

const V1_CONTROLLERS = ['memory', 'cpuacct', 'blkio', 'pids'];
const V2_CONTROLLERS = ['memory', 'io', 'pids', 'cpu'];

/** The cgroup hierarchies to place processes in, or why there are none usable. */
function findHierarchies() {
  const v1 = {};
  let v2;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after) continue;
    const [fsType, , superOptions = ''] = after.split(' ');
    const [, , , root, mountPoint] = before.split(' ');
    if (root !== '/') continue;
    if (fsType === 'cgroup2') v2 ??= mountPoint;
    if (fsType !== 'cgroup') continue;
    for (const controller of V1_CONTROLLERS) if (superOptions.split(',').includes(controller)) v1[controller] ??= mountPoint;
  }
  if (v1.memory && v1.cpuacct) return { version: 1, roots: [...new Set(Object.values(v1))].map((m) => `${m}/docker`) };
  if (v2) return { version: 2, roots: [`${v2}/docker`], v2Mount: v2 };
  return { reason: 'no cgroup v1 memory + cpuacct hierarchy or cgroup v2 mount is visible' };
}

/** Why this machine cannot give simulated containers real cgroups, or undefined when it can. */
export function cgroupsUnavailable() {
  const found = findHierarchies();
  if (found.reason) return found.reason;
  const probe = `${found.roots[0].replace(/\/docker$/, '')}/docker-sim-probe-${process.pid}`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return undefined;
  } catch (err) {
    return `cannot create cgroups (${err.code}): needs root and a writable cgroup filesystem`;
  }
}

const canUnshare = () => spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status === 0;

/**
 * @returns {{ pidOf(id: string): number | undefined, start(id: string): number, stop(id: string): void, close(): Promise<void> }}
 * Throws with the reason when this machine does not let us make cgroups (not root, read-only cgroupfs).
 */
export function createCgroupProcesses() {
  const found = findHierarchies();
  if (found.reason) throw new Error(`docker-sim --cgroups: ${found.reason}`);
  const madeRoots = [];
  for (const root of found.roots) {
    if (existsSync(root)) continue;
    try {
      mkdirSync(root);
    } catch (err) {
      throw new Error(`docker-sim --cgroups: cannot create ${root} (${err.code}); run as root on a machine with a writable cgroup filesystem`);
    }
    madeRoots.push(root);
  }
  if (found.version === 2) {
    // v2 hands controllers down level by level; a cgroup with processes cannot pass them on.
    const enable = V2_CONTROLLERS.map((c) => `+${c}`).join(' ');
    for (const dir of [found.v2Mount, found.roots[0]]) {
      try {
        writeFileSync(`${dir}/cgroup.subtree_control`, enable);
      } catch {}
    }
  }
  const unshare = canUnshare();
  /** @type {Map<string, import('node:child_process').ChildProcess>} */
  const running = new Map();
  const exits = new Set();

  const dirsOf = (id) => found.roots.map((root) => `${root}/${id}`);

  function removeCgroups(id) {
    for (const dir of dirsOf(id)) {
      try {
        rmdirSync(dir);
      } catch {
        // Busy (a new run already lives in it) or gone: nothing to remove.
      }
    }
  }

  function stop(id) {
    const child = running.get(id);
    if (!child) return;
    running.delete(id);
    child.kill('SIGKILL');
  }

  return {
    pidOf: (id) => running.get(id)?.pid,
    /** A new process for a container run, in the container's cgroups; returns its PID. */
    start(id) {
      stop(id);
      for (const dir of dirsOf(id)) mkdirSync(dir, { recursive: true });
      // The shell waits until it has been moved, so what it runs next is charged to the container's
      // cgroups (memory charged before a move stays behind on v1), as runc moves an init before exec.
      // sh, unshare and cat exec in turn, so this PID stays the container's init.
      const command = unshare ? 'unshare --net cat' : 'cat';
      const child = spawn('sh', ['-c', `read -r go && exec ${command}`], { stdio: ['pipe', 'ignore', 'ignore'] });
      for (const dir of dirsOf(id)) writeFileSync(`${dir}/cgroup.procs`, String(child.pid));
      child.stdin.write('go\n');
      running.set(id, child);
      const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => {
        exits.delete(exited);
        if (running.get(id) !== child) removeCgroups(id);
      });
      exits.add(exited);
      child.stdin.on('error', () => {});
      return child.pid;
    },
    stop,
    /** Ends every process and removes the cgroups (and `docker/` roots we made). */
    async close() {
      const ids = [...running.keys()];
      for (const id of ids) stop(id);
      await Promise.all(exits);
      // The kernel may report a cgroup busy for a moment after its last task was reaped.
      for (let attempt = 0; attempt < 20; attempt++) {
        for (const id of ids) removeCgroups(id);
        if (ids.every((id) => dirsOf(id).every((dir) => !existsSync(dir)))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const root of madeRoots) {
        try {
          rmdirSync(root);
        } catch {}
      }
    },
  };
}
