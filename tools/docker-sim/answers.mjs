import { countersAt, runSeconds, statusText } from './sim-container.mjs';

/*
 * The Engine API's answer shapes, field for field as Docker 27 (cgroup v1 and v2) and Podman 5's
 * compat API send them, including what they leave out or send as null. Source: the Engine API
 * reference (ContainerSummary, ContainerInspectResponse, ContainerStatsResponse, EventMessage,
 * SystemVersion) and the answers quoted in podman#15754 and dozzle#3553.
 */

/** @typedef {import('./sim-container.mjs').SimContainer} SimContainer */
/**
 * @typedef {object} EngineInfo
 * @property {'docker' | 'podman'} flavour
 * @property {string} version e.g. "27.3.1"
 * @property {string} apiVersion highest Engine API version, e.g. "1.47"
 * @property {string} minApiVersion
 * @property {number} cpus
 * @property {number} memTotal bytes
 * @property {'v1' | 'v2'} cgroup
 * @property {number} bootAt ms; system_cpu_usage counts from here
 */

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const iso = (ms) => (ms === undefined ? GO_ZERO_TIME : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z'));

const KERNEL = '6.8.0-45-generic';

/** `GET /version` */
export function versionAnswer(/** @type {EngineInfo} */ engine) {
  const common = {
    Version: engine.version,
    ApiVersion: engine.apiVersion,
    MinAPIVersion: engine.minApiVersion,
    GitCommit: 'a1b2c3d',
    GoVersion: 'go1.22.7',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: KERNEL,
    BuildTime: '2024-09-20T11:41:11.000000000+00:00',
  };
  const details = { ApiVersion: engine.apiVersion, Arch: 'amd64', BuildTime: common.BuildTime, Experimental: 'false', GitCommit: 'a1b2c3d', GoVersion: 'go1.22.7', KernelVersion: KERNEL, MinAPIVersion: engine.minApiVersion, Os: 'linux' };
  if (engine.flavour === 'podman') {
    return {
      Platform: { Name: 'linux/amd64/fedora-40' },
      Components: [
        { Name: 'Podman Engine', Version: engine.version, Details: { ...details, APIVersion: engine.version, MinAPIVersion: '4.0.0' } },
        { Name: 'Conmon', Version: 'conmon version 2.1.12', Details: { Package: 'conmon-2.1.12-2.fc40.x86_64' } },
        { Name: 'OCI Runtime (crun)', Version: 'crun version 1.17', Details: { Package: 'crun-1.17-1.fc40.x86_64' } },
      ],
      ...common,
    };
  }
  return {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      { Name: 'Engine', Version: engine.version, Details: details },
      { Name: 'containerd', Version: '1.7.22', Details: { GitCommit: '7f7fdf5fed64eb6a7caf99b3e12efcf9d60e311c' } },
      { Name: 'runc', Version: '1.1.14', Details: { GitCommit: 'v1.1.14-0-g2c9f560' } },
    ],
    ...common,
  };
}

/** `GET /info`, the parts monitoring tools read. */
export function infoAnswer(/** @type {EngineInfo} */ engine, /** @type {SimContainer[]} */ containers) {
  const count = (state) => containers.filter((c) => c.state === state).length;
  return {
    ID: 'SIMU:LATE:DOCK:ER00',
    Containers: containers.length,
    ContainersRunning: count('running'),
    ContainersPaused: count('paused'),
    ContainersStopped: containers.length - count('running') - count('paused'),
    Name: 'docker-sim',
    ServerVersion: engine.version,
    NCPU: engine.cpus,
    MemTotal: engine.memTotal,
    OperatingSystem: 'Ubuntu 24.04.1 LTS',
    KernelVersion: KERNEL,
    CgroupDriver: 'systemd',
    CgroupVersion: engine.cgroup === 'v1' ? '1' : '2',
  };
}

const portsFor = (c) => c.ports.map((p) => ({ ...p }));

/** One entry of `GET /containers/json` */
export function listEntry(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: c.imageId,
    Command: '/docker-entrypoint.sh nginx -g \'daemon off;\'',
    Created: Math.floor(c.createdAt / 1000),
    Ports: portsFor(c),
    Labels: { ...c.labels },
    State: c.state,
    Status: statusText(c, now),
    HostConfig: { NetworkMode: Object.keys(c.networks).length ? 'bridge' : 'host' },
    NetworkSettings: { Networks: Object.keys(c.networks).length ? { bridge: { NetworkID: 'f0e1d2c3b4a5', IPAddress: '172.17.0.2', Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:02' } } : { host: {} } },
    Mounts: [],
  };
}

/** `GET /containers/{id}/json` */
export function inspectAnswer(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  const running = c.state === 'running' || c.state === 'paused';
  const state = {
    Status: c.state,
    Running: running,
    Paused: c.state === 'paused',
    Restarting: c.state === 'restarting',
    OOMKilled: c.oomKilled,
    Dead: c.state === 'dead',
    Pid: running ? (c.pid ?? 4242) : 0,
    ExitCode: c.exitCode,
    Error: '',
    StartedAt: iso(c.startedAt),
    FinishedAt: iso(c.finishedAt),
  };
  if (c.health !== undefined) {
    state.Health = { Status: c.health, FailingStreak: c.failingStreak, Log: [{ Start: iso(now - 1000), End: iso(now - 990), ExitCode: c.health === 'unhealthy' ? 1 : 0, Output: '' }] };
  }
  const config = { Hostname: c.id.slice(0, 12), Image: c.image, Labels: { ...c.labels }, Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] };
  if (c.health !== undefined) config.Healthcheck = { Test: ['CMD-SHELL', 'wget -qO- http://localhost/ || exit 1'], Interval: 30_000_000_000 };
  return {
    Id: c.id,
    Created: iso(c.createdAt),
    Path: '/docker-entrypoint.sh',
    Args: ['nginx', '-g', 'daemon off;'],
    State: state,
    Image: c.imageId,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: { NetworkMode: Object.keys(c.networks).length ? 'bridge' : 'host', RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } },
    Config: config,
    NetworkSettings: { Ports: {}, Networks: {} },
  };
}

const throttling = () => ({ periods: 0, throttled_periods: 0, throttled_time: 0 });
const emptyCpu = () => ({ cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: throttling() });

/**
 * Host CPU time in ns since boot, as /proc/stat totals it (idle included) for Docker. Podman's compat
 * API counts only busy time there (podman#28761); the simulated host is 10 % busy.
 */
function systemCpuUsage(/** @type {EngineInfo} */ engine, /** @type {number} */ now) {
  const total = engine.cpus * (now - engine.bootAt) * 1e6;
  return engine.flavour === 'podman' ? Math.round(total / 10) : total;
}

function cpuStats(/** @type {SimContainer} */ c, /** @type {EngineInfo} */ engine, /** @type {number} */ now, /** @type {'v1'|'v2'} */ cgroup) {
  const total = countersAt(c, now).cpuTotal;
  const usage = { total_usage: total, usage_in_kernelmode: Math.round(total * 0.3), usage_in_usermode: total - Math.round(total * 0.3) };
  // cgroup v1 splits usage per CPU; cgroup v2 has no such file, so the key is absent.
  if (cgroup === 'v1') usage.percpu_usage = Array.from({ length: engine.cpus }, (_, i) => Math.floor(total / engine.cpus) + (i === 0 ? total % engine.cpus : 0));
  return { cpu_usage: usage, system_cpu_usage: systemCpuUsage(engine, now), online_cpus: engine.cpus, throttling_data: throttling() };
}

function memoryStats(/** @type {SimContainer} */ c, /** @type {EngineInfo} */ engine, /** @type {'v1'|'v2'} */ cgroup) {
  const { usage, inactiveFile } = c.memory;
  const limit = c.memory.limit ?? engine.memTotal;
  const active = Math.max(0, usage - inactiveFile) >> 1;
  if (cgroup === 'v1') {
    // v1's inactive_file is this cgroup alone; total_inactive_file includes children (what docker subtracts).
    const own = inactiveFile >> 1;
    const stats = {
      active_anon: active, active_file: active, cache: inactiveFile + active, dirty: 0,
      hierarchical_memory_limit: limit, hierarchical_memsw_limit: limit * 2,
      inactive_anon: 0, inactive_file: own, mapped_file: 4096, pgfault: 1200, pgmajfault: 3,
      pgpgin: 900, pgpgout: 300, rss: active, rss_huge: 0,
      total_active_anon: active, total_active_file: active, total_cache: inactiveFile + active, total_dirty: 0,
      total_inactive_anon: 0, total_inactive_file: inactiveFile, total_mapped_file: 4096, total_pgfault: 1200,
      total_pgmajfault: 3, total_pgpgin: 900, total_pgpgout: 300, total_rss: active, total_rss_huge: 0,
      total_unevictable: 0, total_writeback: 0, unevictable: 0, writeback: 0,
    };
    return { usage, max_usage: usage + 4096, stats, failcnt: 0, limit };
  }
  const stats = {
    active_anon: active, active_file: active, anon: active, anon_thp: 0, file: inactiveFile + active,
    file_dirty: 0, file_mapped: 4096, file_writeback: 0, inactive_anon: 0, inactive_file: inactiveFile,
    kernel_stack: 65536, pgactivate: 0, pgdeactivate: 0, pgfault: 1200, pglazyfree: 0, pglazyfreed: 0,
    pgmajfault: 3, pgrefill: 0, pgscan: 0, pgsteal: 0, shmem: 0, slab: 131072, slab_reclaimable: 65536,
    slab_unreclaimable: 65536, sock: 0, thp_collapse_alloc: 0, thp_fault_alloc: 0, unevictable: 0,
    workingset_activate: 0, workingset_nodereclaim: 0, workingset_refault: 0,
  };
  return { usage, stats, limit };
}

function blkioStats(/** @type {SimContainer} */ c, /** @type {number} */ now, /** @type {'v1'|'v2'} */ cgroup, /** @type {boolean} */ nullBlkio) {
  const nulls = { io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null };
  if (nullBlkio) return { io_service_bytes_recursive: null, ...nulls };
  const entries = [];
  for (const [dev, { read, write }] of Object.entries(countersAt(c, now).disks)) {
    const [major, minor] = dev.split(':').map(Number);
    if (cgroup === 'v1') {
      // v1 spells ops capitalised and adds Sync/Async/Discard/Total, which must not be summed in.
      for (const [op, value] of [['Read', read], ['Write', write], ['Sync', write], ['Async', read], ['Discard', 0], ['Total', read + write]]) entries.push({ major, minor, op, value });
    } else {
      entries.push({ major, minor, op: 'read', value: read }, { major, minor, op: 'write', value: write });
    }
  }
  if (cgroup === 'v1') return { io_service_bytes_recursive: entries, io_serviced_recursive: [], io_queue_recursive: [], io_service_time_recursive: [], io_wait_time_recursive: [], io_merged_recursive: [], io_time_recursive: [], sectors_recursive: [] };
  return { io_service_bytes_recursive: entries, ...nulls };
}

function networkStats(/** @type {SimContainer} */ c, /** @type {number} */ now) {
  return Object.fromEntries(Object.entries(countersAt(c, now).networks).map(([name, { rx, tx }]) => [
    name,
    { rx_bytes: rx, rx_packets: Math.floor(rx / 1000), rx_errors: 0, rx_dropped: 0, tx_bytes: tx, tx_packets: Math.floor(tx / 1000), tx_errors: 0, tx_dropped: 0 },
  ]));
}

/**
 * `GET /containers/{id}/stats?stream=false`. With one-shot (API ≥ 1.41) precpu_stats is empty and
 * preread is Go's zero time; without, the engine took a second sample a second later.
 */
export function statsAnswer(/** @type {SimContainer} */ c, /** @type {EngineInfo} */ engine, /** @type {number} */ now, /** @type {{ oneShot: boolean }} */ { oneShot }) {
  const cgroup = c.cgroup ?? engine.cgroup;
  const name = engine.flavour === 'podman' ? c.name : `/${c.name}`;
  if (runSeconds(c, now) === 0 && c.state !== 'running') {
    // A stopped container: zero times and empty sections, as the engine sends them.
    return { read: GO_ZERO_TIME, preread: GO_ZERO_TIME, pids_stats: {}, blkio_stats: blkioStats(c, now, 'v2', true), num_procs: 0, storage_stats: {}, cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {}, name, id: c.id };
  }
  const answer = {
    read: iso(now),
    preread: oneShot ? GO_ZERO_TIME : iso(now - 1000),
    pids_stats: cgroup === 'v1' ? { current: c.pids } : { current: c.pids, limit: 4915 },
    blkio_stats: blkioStats(c, now, cgroup, engine.flavour === 'podman'),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(c, engine, now, cgroup),
    precpu_stats: oneShot ? emptyCpu() : cpuStats(c, engine, now - 1000, cgroup),
    memory_stats: memoryStats(c, engine, cgroup),
    name,
    id: c.id,
  };
  // A container on the host network has no interfaces of its own: the key is left out.
  if (Object.keys(c.networks).length) answer.networks = networkStats(c, now);
  return answer;
}
