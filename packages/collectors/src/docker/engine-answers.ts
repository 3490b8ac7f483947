import { DockerEngineError } from './engine-error.js';

/*
 * Tolerant readers for the engine's answers. The engine is a trust boundary, but its answers are not
 * our wire types: versions and Podman omit keys, send null for empty lists, and add fields. So each
 * reader checks only what Pulse relies on, rejects an answer that is not the right kind of thing at
 * all (`docker.bad_answer`), and reads every other field as "present and well-typed, or absent".
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json => (isObject(v) ? v : {});

function badAnswer(what: string, why: string): DockerEngineError {
  return new DockerEngineError('docker.bad_answer', `the Docker engine's ${what} answer is not what the Docker Engine API describes: ${why}`);
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(v))) if (typeof value === 'string') out[key] = value;
  return out;
}

export interface VersionAnswer {
  apiVersion: string;
  minApiVersion: string | undefined;
  version: string | undefined;
  platformName: string | undefined;
  components: Array<{ name: string; version: string | undefined }>;
  os: string | undefined;
  arch: string | undefined;
  kernelVersion: string | undefined;
}

/** `GET /version` */
export function readVersion(json: unknown): VersionAnswer {
  if (!isObject(json)) throw badAnswer('/version', 'not an object');
  const apiVersion = str(json.ApiVersion);
  if (!apiVersion) throw badAnswer('/version', 'no ApiVersion');
  const components = Array.isArray(json.Components) ? json.Components.filter(isObject) : [];
  return {
    apiVersion,
    minApiVersion: str(json.MinAPIVersion),
    version: str(json.Version),
    platformName: str(obj(json.Platform).Name),
    components: components.flatMap((c) => (str(c.Name) ? [{ name: str(c.Name) as string, version: str(c.Version) }] : [])),
    os: str(json.Os),
    arch: str(json.Arch),
    kernelVersion: str(json.KernelVersion),
  };
}

export interface PortBinding {
  privatePort: number;
  publicPort?: number;
  ip?: string;
  type: string;
}

/** One entry of `GET /containers/json?all=1` */
export interface ContainerSummary {
  engineId: string;
  name: string;
  image: string;
  /** seconds since the epoch */
  created: number | undefined;
  /** created | running | paused | restarting | removing | exited | dead */
  state: string;
  /** docker ps's STATUS text: "Up 3 hours (healthy)", "Exited (137) 2 minutes ago" */
  status: string;
  ports: PortBinding[];
  labels: Record<string, string>;
}

function readPorts(v: unknown): PortBinding[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).flatMap((p) => {
    const privatePort = num(p.PrivatePort);
    if (privatePort === undefined) return [];
    const port: PortBinding = { privatePort, type: str(p.Type) ?? 'tcp' };
    const publicPort = num(p.PublicPort);
    if (publicPort !== undefined) port.publicPort = publicPort;
    const ip = str(p.IP);
    if (ip) port.ip = ip;
    return [port];
  });
}

function readSummary(entry: unknown, index: number): ContainerSummary {
  if (!isObject(entry)) throw badAnswer('/containers/json', `entry ${index} is not an object`);
  const engineId = str(entry.Id);
  if (!engineId) throw badAnswer('/containers/json', `entry ${index} has no Id`);
  const names = Array.isArray(entry.Names) ? entry.Names.filter((n): n is string => typeof n === 'string') : [];
  // Names carry a leading "/" (the engine's name tree); legacy links add more names like "/a/b".
  const name = (names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? engineId.slice(0, 12)).replace(/^\//, '');
  return {
    engineId,
    name,
    image: str(entry.Image) ?? '',
    created: num(entry.Created),
    state: (str(entry.State) ?? 'unknown').toLowerCase(),
    status: str(entry.Status) ?? '',
    ports: readPorts(entry.Ports),
    labels: strings(entry.Labels),
  };
}

/** `GET /containers/json` */
export function readContainerList(json: unknown): ContainerSummary[] {
  if (!Array.isArray(json)) throw badAnswer('/containers/json', 'not a list');
  return json.map(readSummary);
}

/** What `GET /containers/{id}/json` adds to the list entry. */
export interface ContainerInspect {
  engineId: string;
  restartCount: number;
  status: string | undefined;
  exitCode: number | undefined;
  oomKilled: boolean;
  error: string | undefined;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  /** healthy | unhealthy | starting; undefined when the container has no health check */
  health: string | undefined;
  /** Config.Image: the name the container was created from */
  image: string | undefined;
  /** State.Pid: the init process as the engine's host sees it; 0 when not running */
  pid: number;
  /** HostConfig.NetworkMode: bridge, host, none, container:<id>, a network's name */
  networkMode: string | undefined;
}

/** `GET /containers/{id}/json` */
export function readInspect(json: unknown): ContainerInspect {
  if (!isObject(json)) throw badAnswer('/containers/{id}/json', 'not an object');
  const engineId = str(json.Id);
  if (!engineId) throw badAnswer('/containers/{id}/json', 'no Id');
  const state = obj(json.State);
  return {
    engineId,
    restartCount: num(json.RestartCount) ?? 0,
    status: str(state.Status),
    exitCode: num(state.ExitCode),
    oomKilled: state.OOMKilled === true,
    error: str(state.Error) || undefined,
    startedAt: str(state.StartedAt),
    finishedAt: str(state.FinishedAt),
    health: str(obj(state.Health).Status),
    image: str(obj(json.Config).Image),
    pid: num(state.Pid) ?? 0,
    networkMode: str(obj(json.HostConfig).NetworkMode),
  };
}

/** One `GET /containers/{id}/stats` sample, as far as Pulse reads it. */
export interface StatsSample {
  /** when the engine took the sample (RFC 3339 with nanoseconds) */
  read: string | undefined;
  pids: number | undefined;
  cpuTotal: number | undefined;
  systemCpu: number | undefined;
  onlineCpus: number | undefined;
  /** length of percpu_usage, the CPU count of engines older than online_cpus (cgroup v1 only) */
  percpuCount: number | undefined;
  memoryUsage: number | undefined;
  memoryLimit: number | undefined;
  /** the memory_stats.stats counters Pulse reads (inactive file cache), not the other ~30 */
  memoryStats: Record<string, number>;
  /** per interface; undefined when the container has no network namespace of its own */
  networks: Record<string, { rx: number; tx: number }> | undefined;
  /** io_service_bytes_recursive; null on cgroup v2 engines that do not fill it */
  blkio: Array<{ op: string; value: number }> | null;
}

/** The memory_stats.stats keys memoryUsed() needs (cgroup v1 and v2); copying all ~30 per container per reading was garbage. */
const MEMORY_COUNTERS = ['total_inactive_file', 'inactive_file'] as const;

function memoryCounters(v: unknown): Record<string, number> {
  const stats = obj(v);
  const out: Record<string, number> = {};
  for (const key of MEMORY_COUNTERS) {
    const n = num(stats[key]);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

/** `GET /containers/{id}/stats?stream=false` */
export function readStats(json: unknown): StatsSample {
  if (!isObject(json)) throw badAnswer('/containers/{id}/stats', 'not an object');
  if (!isObject(json.cpu_stats) && !isObject(json.memory_stats)) throw badAnswer('/containers/{id}/stats', 'no cpu_stats or memory_stats');
  const cpu = obj(json.cpu_stats);
  const usage = obj(cpu.cpu_usage);
  const memory = obj(json.memory_stats);
  let networks: StatsSample['networks'];
  if (isObject(json.networks)) {
    networks = {};
    for (const [name, n] of Object.entries(json.networks)) {
      networks[name] = { rx: num(obj(n).rx_bytes) ?? 0, tx: num(obj(n).tx_bytes) ?? 0 };
    }
  }
  const entries = obj(json.blkio_stats).io_service_bytes_recursive;
  const blkio = Array.isArray(entries)
    ? entries.filter(isObject).flatMap((e) => (str(e.op) !== undefined && num(e.value) !== undefined ? [{ op: e.op as string, value: e.value as number }] : []))
    : null;
  return {
    read: str(json.read),
    pids: num(obj(json.pids_stats).current),
    cpuTotal: num(usage.total_usage),
    systemCpu: num(cpu.system_cpu_usage),
    onlineCpus: num(cpu.online_cpus),
    percpuCount: Array.isArray(usage.percpu_usage) ? usage.percpu_usage.length : undefined,
    memoryUsage: num(memory.usage),
    memoryLimit: num(memory.limit),
    memoryStats: memoryCounters(memory.stats),
    networks,
    blkio,
  };
}

/** A container event from `GET /events`, reduced to what tells us to look again. */
export interface ContainerEvent {
  engineId: string;
  /** start, die, oom, health_status, destroy, ... (the part before any ": ") */
  action: string;
  /** for health_status: healthy | unhealthy | starting */
  health: string | undefined;
  exitCode: number | undefined;
  name: string | undefined;
  /** seconds since the epoch, the engine's clock */
  time: number | undefined;
  timeNano: number | undefined;
}

/** One line of `GET /events`; undefined for events about anything but containers. */
export function readEvent(json: unknown): ContainerEvent | undefined {
  if (!isObject(json)) throw badAnswer('/events', 'a line is not an object');
  if (str(json.Type) !== 'container') return undefined;
  const action = str(json.Action);
  const actor = obj(json.Actor);
  const engineId = str(actor.ID);
  if (!action || !engineId) throw badAnswer('/events', 'a container event has no Action or Actor.ID');
  const attributes = strings(actor.Attributes);
  // "health_status: unhealthy" carries its new state after the colon.
  const colon = action.indexOf(':');
  const exitCode = attributes.exitCode === undefined ? undefined : Number(attributes.exitCode);
  return {
    engineId,
    action: colon >= 0 ? action.slice(0, colon).trim() : action,
    health: colon >= 0 ? action.slice(colon + 1).trim() : undefined,
    exitCode: Number.isFinite(exitCode) ? exitCode : undefined,
    name: attributes.name,
    time: num(json.time),
    timeNano: num(json.timeNano),
  };
}
