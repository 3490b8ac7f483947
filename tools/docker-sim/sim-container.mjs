import { createHash } from 'node:crypto';

/**
 * @typedef {'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead'} ContainerState
 * @typedef {{ rxPerSec: number, txPerSec: number }} NetworkRates
 * @typedef {{ readPerSec: number, writePerSec: number }} DiskRates
 *
 * @typedef {object} ContainerSpec What a simulated container is and how fast its counters grow.
 *   Counters start at 0 when the container starts and grow linearly with the simulator's clock, so a
 *   test can work out every figure by hand: after Δt seconds, cpu total_usage grew by cpuPerSec × Δt.
 * @property {string} name
 * @property {string} [id] 64 hex digits; default: derived from the name, so runs are reproducible
 * @property {string} [image]
 * @property {ContainerState} [state] default running
 * @property {'v1' | 'v2'} [cgroup] default: the simulator's
 * @property {'healthy' | 'unhealthy' | 'starting'} [health] absent: no health check
 * @property {Record<string, string>} [labels]
 * @property {Array<{ IP?: string, PrivatePort: number, PublicPort?: number, Type: string }>} [ports]
 * @property {number} [cpuPerSec] CPU time used per second, ns (default 250_000_000 = a quarter core)
 * @property {Record<string, NetworkRates>} [networks] per interface (default eth0); {} = host network
 * @property {Record<string, DiskRates>} [disks] per "major:minor" (default "8:0")
 * @property {{ usage: number, inactiveFile: number, limit?: number }} [memory] bytes; limit absent = host memory
 * @property {number} [pids]
 * @property {number} [exitCode] for a container created exited
 */

const MiB = 1024 * 1024;

export const containerIdFor = (name) => createHash('sha256').update(`pulse-docker-sim/${name}`).digest('hex');

/** A simulated container's mutable state. */
export function createSimContainer(/** @type {ContainerSpec} */ spec, /** @type {number} */ now) {
  const state = spec.state ?? 'running';
  const image = spec.image ?? 'nginx:1.27-alpine';
  return {
    id: spec.id ?? containerIdFor(spec.name),
    name: spec.name,
    image,
    imageId: `sha256:${createHash('sha256').update(image).digest('hex')}`,
    createdAt: now,
    state,
    startedAt: state === 'created' ? undefined : now,
    finishedAt: state === 'exited' || state === 'dead' ? now : undefined,
    exitCode: spec.exitCode ?? 0,
    oomKilled: false,
    restartCount: 0,
    health: spec.health,
    failingStreak: spec.health === 'unhealthy' ? 3 : 0,
    cgroup: spec.cgroup,
    labels: spec.labels ?? {},
    ports: spec.ports ?? [],
    cpuPerSec: spec.cpuPerSec ?? 250_000_000,
    networks: spec.networks ?? { eth0: { rxPerSec: 10_000, txPerSec: 5_000 } },
    disks: spec.disks ?? { '8:0': { readPerSec: 4096, writePerSec: 8192 } },
    memory: spec.memory ?? { usage: 100 * MiB, inactiveFile: 20 * MiB },
    pids: spec.pids ?? 5,
    /** @type {number | undefined} the real init process, with the simulator's `cgroups` option */
    pid: undefined,
  };
}

/** @typedef {ReturnType<typeof createSimContainer>} SimContainer */

/** Seconds the current run has lasted; counters are rates × this. */
export function runSeconds(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  if ((c.state !== 'running' && c.state !== 'paused') || c.startedAt === undefined) return 0;
  return Math.max(0, now - c.startedAt) / 1000;
}

/** The container's counters at `now`, integers as the kernel keeps them. */
export function countersAt(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  const seconds = runSeconds(c, now);
  const grow = (perSec) => Math.round(perSec * seconds);
  return {
    cpuTotal: grow(c.cpuPerSec),
    networks: Object.fromEntries(Object.entries(c.networks).map(([name, r]) => [name, { rx: grow(r.rxPerSec), tx: grow(r.txPerSec) }])),
    disks: Object.fromEntries(Object.entries(c.disks).map(([dev, r]) => [dev, { read: grow(r.readPerSec), write: grow(r.writePerSec) }])),
  };
}

/** go-units' HumanDuration, which docker ps uses for "Up 3 hours". */
export function humanDuration(/** @type {number} */ ms) {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.round(minutes / 60);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

/** docker ps's STATUS column. */
export function statusText(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  const health = c.health === undefined ? '' : c.health === 'starting' ? ' (health: starting)' : ` (${c.health})`;
  switch (c.state) {
    case 'running':
      return `Up ${humanDuration(now - (c.startedAt ?? now))}${health}`;
    case 'paused':
      return `Up ${humanDuration(now - (c.startedAt ?? now))} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}
