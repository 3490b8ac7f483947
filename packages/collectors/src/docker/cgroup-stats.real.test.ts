import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cgroupsUnavailable, startTestEngine } from '../../../../tools/docker-sim/index.mjs';
import { parseCgroupMounts } from './cgroup-paths.js';
import { createCgroupStatsReader } from './cgroup-stats.js';
import { createDockerCollector } from './docker-collector.js';

/*
 * Against this machine's kernel: a child process is moved into cgroups made for the test, as an
 * engine would start a container's init, and read through the same path the collector takes. Needs
 * root and writable cgroup hierarchies (v1 memory + cpuacct, or v2 with the memory controller); it
 * skips itself, saying why, anywhere else.
 */

const ID = randomBytes(32).toString('hex');
const NAME = `pulse-test-${ID}`;
const MiB = 1024 * 1024;

function cgroupDirs(): { dirs: string[]; limitFile: string; reason?: undefined } | { reason: string } {
  const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  const v1 = [mounts.v1.memory, mounts.v1.cpuacct, mounts.v1.blkio, mounts.v1.pids].flatMap((m) => (m && m.root === '/' ? [m.mountPoint] : []));
  if (mounts.v1.memory && mounts.v1.cpuacct) {
    const dirs = [...new Set(v1)].map((point) => `${point}/${NAME}`);
    return { dirs, limitFile: `${mounts.v1.memory.mountPoint}/${NAME}/memory.limit_in_bytes` };
  }
  if (mounts.v2 && mounts.v2.root === '/') {
    const controllers = readFileSync(`${mounts.v2.mountPoint}/cgroup.subtree_control`, 'utf8');
    if (!controllers.includes('memory')) return { reason: 'the cgroup v2 root does not delegate the memory controller' };
    return { dirs: [`${mounts.v2.mountPoint}/${NAME}`], limitFile: `${mounts.v2.mountPoint}/${NAME}/memory.max` };
  }
  return { reason: 'no cgroup v1 memory + cpuacct or cgroup v2 hierarchy is mounted' };
}

/** Creates the test's cgroups, or says why it cannot. */
function prepare(): { dirs: string[]; limitFile: string; reason?: undefined } | { reason: string } {
  const found = cgroupDirs();
  if (found.reason !== undefined) return found;
  const made: string[] = [];
  try {
    for (const dir of found.dirs) {
      mkdirSync(dir);
      made.push(dir);
    }
    return found;
  } catch (err) {
    for (const dir of made) rmdirSync(dir);
    return { reason: `cannot create cgroups here (${(err as NodeJS.ErrnoException).code}): needs root and a writable cgroup filesystem` };
  }
}

const setup = prepare();
let child: ChildProcess | undefined;

afterAll(async () => {
  if (setup.reason !== undefined) return;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  // A cgroup can be removed once its last task has gone; the kernel may take a moment to notice.
  await vi.waitFor(() => {
    for (const dir of setup.dirs) rmdirSync(dir, { maxRetries: 0 });
  }, { timeout: 5000, interval: 50 }).catch(() => {
    for (const dir of setup.dirs) {
      try {
        rmdirSync(dir);
      } catch {}
    }
  });
});

describe('cgroup stats on this machine’s kernel', () => {
  const title = 'reads CPU, memory, limit and PIDs of a process moved into a fresh cgroup, re-reading kept descriptors';
  it.skipIf(setup.reason !== undefined)(setup.reason === undefined ? title : `${title} (skipped: ${setup.reason})`, async () => {
    if (setup.reason !== undefined) return;
    writeFileSync(setup.limitFile, String(256 * MiB));
    // The child waits to be moved before it allocates, so its memory is charged to the new cgroup.
    child = spawn(process.execPath, ['-e', `process.stdin.once('data', () => { globalThis.keep = Buffer.alloc(${32 * MiB}, 1); for (;;) Math.sqrt(Math.random()); });`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const pid = child.pid as number;
    for (const dir of setup.dirs) writeFileSync(`${dir}/cgroup.procs`, String(pid));
    child.stdin?.write('go\n');

    const reader = createCgroupStatsReader();
    const target = reader.locate(ID, pid);
    if ('error' in target) throw new Error(target.error);
    const first = reader.read(target, { networks: true });
    expect(first.memoryLimit).toBe(256 * MiB);
    // Two reads through the same kept descriptors: the kernel regenerates the files on each pread at 0.
    const later = await vi.waitFor(() => {
      const sample = reader.read(target, { networks: true });
      if (!((sample.cpuTotal ?? 0) - (first.cpuTotal ?? 0) >= 50e6 && (sample.memoryUsage ?? 0) >= 32 * MiB)) throw new Error('the child has not used 50 ms of CPU and 32 MiB yet');
      return sample;
    }, { timeout: 10_000, interval: 20 });
    expect(later.memoryUsage).toBeLessThan(256 * MiB);
    const inactive = later.memoryStats.total_inactive_file ?? later.memoryStats.inactive_file;
    expect(inactive).toBeGreaterThanOrEqual(0);
    if (later.pids !== undefined) expect(later.pids).toBeGreaterThanOrEqual(1);
    // It shares our network namespace, so it sees this machine's interfaces.
    expect(Object.keys(later.networks ?? {})).not.toContain('lo');
    expect(reader.openFiles).toBeGreaterThanOrEqual(5);
    reader.close();
  });
});

describe('docker collector on this machine’s kernel', () => {
  const reason = cgroupsUnavailable();
  const title = 'reads the simulator’s containers from their real cgroups and asks the API for none of them';
  it.skipIf(reason !== undefined)(reason === undefined ? title : `${title} (skipped: ${reason})`, async () => {
    const engine = await startTestEngine({ cgroups: true, containers: [{ name: 'web' }, { name: 'api' }, { name: 'old', state: 'exited' }] });
    const collector = createDockerCollector({ endpoint: engine.url, containerId: ({ name }) => name });
    try {
      await collector.collect();
      const { containers } = await collector.collect();
      const web = containers.find((c) => c.name === 'web');
      expect(web?.details.statsSource).toBe('cgroup');
      expect(web?.metrics['mem.used']).toBeGreaterThan(0);
      expect(web?.metrics).toHaveProperty('cpu');
      // Its own network namespace holds only lo (when unshare works), so rates are 0 or absent.
      expect(containers.find((c) => c.name === 'old')?.details.statsSource).toBeNull();
      expect(engine.sim.requests.filter((r) => r.route === 'stats')).toHaveLength(0);
    } finally {
      collector.close();
      await engine.close();
    }
  });
});
