import type { AgentResource, DockerState } from '@pulse/protocol';
import { isVersionRefusal, negotiateApiVersion } from './api-version.js';
import type { EngineVersion } from './api-version.js';
import { settleBounded } from './bounded-pool.js';
import { createCgroupStatsReader } from './cgroup-stats.js';
import type { CgroupStatsOptions } from './cgroup-stats.js';
import { containerHealth, containerResource } from './container-resource.js';
import type { ContainerNaming } from './container-resource.js';
import { readContainerList, readInspect, readVersion } from './engine-answers.js';
import type { ContainerEvent, ContainerSummary } from './engine-answers.js';
import { createEngineClient } from './engine-client.js';
import { DEFAULT_DOCKER_SOCKET, parseEngineEndpoint } from './engine-endpoint.js';
import type { EngineTls } from './engine-endpoint.js';
import { connectionError, isDockerEngineError } from './engine-error.js';
import { defaultReconnect, eventsPath, watchContainerEvents } from './event-watch.js';
import type { DockerLogger, ReconnectPolicy } from './event-watch.js';
import { statsMetrics } from './stats-math.js';
import type { StatsBaseline } from './stats-math.js';
import { createStatsSource } from './stats-source.js';
import type { StatsMemory, StatsSourceKind } from './stats-source.js';

export interface DockerCollectorOptions extends ContainerNaming {
  /** `unix:///var/run/docker.sock` (default), a socket path, `tcp://host:2376` or `https://host:2376` */
  endpoint?: string;
  /** client certificate and CA for a TLS endpoint, as PEM */
  tls?: EngineTls;
  now?: () => number;
  logger?: DockerLogger;
  /** deadline per request (default 5 s: engines before API 1.41 take ~1 s per stats sample) */
  timeoutMs?: number;
  /** largest answer read (default 8 MiB) */
  maxBodyBytes?: number;
  /** per-container requests in flight at once (default 4) */
  statsConcurrency?: number;
  /** least time between two per-container request starts (default 0) */
  statsStaggerMs?: number;
  /** re-inspect a container at least this often even without a state change (default 60 s) */
  inspectMaxAgeMs?: number;
  reconnect?: ReconnectPolicy;
  /** Read a local engine's containers from their cgroup files, not one stats call each (default on for
   * a unix socket; tests pass fixture roots); false: the API only. Unreadable cgroups use the API. */
  cgroups?: CgroupStatsOptions | false;
}

/** One look at the engine: its state, and every container as an agent resource. */
export interface DockerCollection {
  docker: DockerState;
  /** on an engine error: the last good list, without metrics, so nothing vanishes because the engine hiccuped */
  containers: AgentResource[];
}

export interface DockerCollector {
  /** where the engine is, without credentials, e.g. `unix:///var/run/docker.sock` */
  readonly endpoint: string;
  /** Reads every container; never rejects (engine problems become `docker.state`). */
  collect(): Promise<DockerCollection>;
  /** Reads one container now, e.g. after an event; undefined if it no longer exists. Rejects with a DockerEngineError. */
  collectContainer(engineId: string): Promise<AgentResource | undefined>;
  /** Follows the engine's container events until the returned function is called. */
  watchEvents(onEvent: (event: ContainerEvent) => void): () => void;
  close(): void;
}

/** What the collector remembers per container between collections. */
interface ContainerMemory extends StatsMemory {
  inspectAt: number;
  /** state and health when last inspected; a change means inspect again */
  inspectKey: string;
  baseline?: StatsBaseline;
  lastError?: string;
}

const consoleLogger: DockerLogger = { warn: (obj, msg) => console.warn(msg ?? 'docker collector warning', obj) };

/** Reads containers from one Docker (or Podman) engine over its Engine API. */
export function createDockerCollector(options: DockerCollectorOptions): DockerCollector {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger;
  const concurrency = options.statsConcurrency ?? 4;
  const staggerMs = options.statsStaggerMs ?? 0;
  const inspectMaxAgeMs = options.inspectMaxAgeMs ?? 60_000;
  const naming: ContainerNaming = { containerId: options.containerId, parentId: options.parentId };
  const endpoint = parseEngineEndpoint(options.endpoint ?? `unix://${DEFAULT_DOCKER_SOCKET}`, options.tls);
  const client = createEngineClient({ endpoint, timeoutMs: options.timeoutMs ?? 5000, maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024 });
  const label = endpoint.label;
  const useCgroups = options.cgroups !== false && (options.cgroups !== undefined || endpoint.kind === 'unix');
  const stats = createStatsSource({ client, logger, label, cgroups: useCgroups ? createCgroupStatsReader(options.cgroups || {}) : undefined });
  const memory = new Map<string, ContainerMemory>();
  const stopWatchers = new Set<() => void>();
  let version: EngineVersion | undefined;
  let negotiation: Promise<EngineVersion> | undefined;
  let lastKnown: Pick<DockerState, 'apiVersion' | 'engine'> = {};
  let lastContainers: AgentResource[] = [];
  // collect() and collectContainer() share baselines; running them one at a time keeps deltas ordered.
  let queue: Promise<unknown> = Promise.resolve();

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  }

  function ensureVersion(): Promise<EngineVersion> {
    if (version) return Promise.resolve(version);
    negotiation ??= (async () => {
      try {
        const negotiated = negotiateApiVersion(readVersion(await client.getJson('/version')));
        version = negotiated;
        lastKnown = { apiVersion: negotiated.apiVersion, engine: negotiated.engine };
        return negotiated;
      } finally {
        negotiation = undefined;
      }
    })();
    return negotiation;
  }

  const path = (v: EngineVersion, rest: string): string => `/v${v.apiVersion}${rest}`;

  function noteError(engineId: string, entry: ContainerMemory, message: string | undefined): void {
    // Only changes are logged: a container that stays broken would otherwise log every interval.
    if (message && message !== entry.lastError) logger.warn({ engine: label, container: engineId, message }, 'docker: reading a container failed');
    entry.lastError = message;
  }

  /** Refreshes `entry.inspect`; on failure the old one stays and the reason is returned. */
  async function inspectInto(v: EngineVersion, id: string, entry: ContainerMemory, key: string, sweep: { timeouts: number }): Promise<'gone' | { error?: string; timedOut?: boolean }> {
    try {
      entry.inspect = readInspect(await client.getJson(path(v, `/containers/${encodeURIComponent(id)}/json`)));
      Object.assign(entry, { inspectAt: now(), inspectKey: key, stale: false });
      return {};
    } catch (err) {
      if (isDockerEngineError(err) && err.code === 'docker.not_found') return 'gone';
      const timedOut = isDockerEngineError(err) && err.code === 'docker.timeout';
      if (timedOut) sweep.timeouts++;
      return { error: connectionError(err, label).message, timedOut };
    }
  }

  /** Inspect (when due) and stats (when running) for one container; undefined if it vanished meanwhile. */
  async function readContainer(v: EngineVersion, summary: ContainerSummary, sweep: { timeouts: number }): Promise<AgentResource | undefined> {
    const id = summary.engineId;
    let entry = memory.get(id);
    if (!entry) memory.set(id, (entry = { inspectAt: 0, inspectKey: '', stale: true }));
    const key = `${summary.state}|${containerHealth(summary, undefined)}`;
    let collectError: string | undefined;
    let inspectTimedOut = false;
    let inspected = false;
    if (entry.stale || entry.inspectKey !== key || now() - entry.inspectAt >= inspectMaxAgeMs) {
      const outcome = await inspectInto(v, id, entry, key, sweep);
      if (outcome === 'gone') return forget(id);
      collectError = outcome.error;
      inspectTimedOut = outcome.timedOut ?? false;
      inspected = outcome.error === undefined;
    }
    let metrics: Record<string, number> = {};
    let statsSource: StatsSourceKind | undefined;
    const running = summary.state === 'running' || summary.state === 'paused';
    // After its inspect hung, a container's stats would most likely hang too; and once `concurrency`
    // calls in one sweep have timed out the engine itself is stuck, so the rest are skipped.
    if (running && !inspectTimedOut && sweep.timeouts >= concurrency) {
      collectError ??= `skipped: the engine at ${label} timed out ${sweep.timeouts} times in this collection`;
    } else if (running && !inspectTimedOut) {
      try {
        const { sample, source } = await stats.sample(v, id, entry);
        statsSource = source;
        // CPU time that went backwards is a new run we missed (events usually tell us sooner): its
        // start time must label the new baseline, and its restart count is news.
        const restarted = sample.cpuTotal !== undefined && entry.baseline?.cpuTotal !== undefined && sample.cpuTotal < entry.baseline.cpuTotal;
        if (restarted && !inspected) {
          const outcome = await inspectInto(v, id, entry, key, sweep);
          if (outcome === 'gone') return forget(id);
          collectError ??= outcome.error;
        }
        // cgroup counters carry no host CPU total to divide by: our clock stands in, as for Podman.
        const result = statsMetrics(entry.baseline, sample, { at: now(), startedAt: entry.inspect?.startedAt, useWallClock: v.isPodman || source === 'cgroup' });
        entry.baseline = result.baseline;
        metrics = result.metrics;
      } catch (err) {
        if (isDockerEngineError(err) && err.code === 'docker.not_found') return forget(id);
        if (isDockerEngineError(err) && err.code === 'docker.timeout') sweep.timeouts++;
        collectError ??= connectionError(err, label).message;
      }
    }
    // Stopped: its next run starts its counters from zero, so the old baseline means nothing.
    if (!running) entry.baseline = undefined;
    noteError(id, entry, collectError);
    return containerResource({ summary, inspect: entry.inspect, metrics, statsSource, ...(collectError ? { collectError } : {}) }, naming);
  }

  function forget(engineId: string): undefined {
    memory.delete(engineId);
    return undefined;
  }

  function failedState(err: unknown): DockerState {
    const error = connectionError(err, label);
    return {
      state: error.code === 'docker.unavailable' ? 'unavailable' : 'error',
      message: error.message.slice(0, 1000),
      ...lastKnown,
    };
  }

  async function sweepAll(): Promise<DockerCollection> {
    const v = await ensureVersion();
    const summaries = readContainerList(await client.getJson(path(v, '/containers/json?all=1')));
    const sweep = { timeouts: 0 };
    const results = await settleBounded(summaries, { concurrency, staggerMs }, (s) => readContainer(v, s, sweep));
    const containers: AgentResource[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') {
        if (result.value) containers.push(result.value);
      } else {
        // readContainer handles engine errors itself; reaching here is a bug worth a loud log.
        logger.warn({ err: result.reason, engine: label }, 'docker: reading a container threw unexpectedly');
      }
    }
    const listed = new Set(summaries.map((s) => s.engineId));
    for (const id of memory.keys()) if (!listed.has(id)) memory.delete(id);
    stats.sweep();
    lastContainers = containers;
    const docker: DockerState = { state: 'ok', apiVersion: v.apiVersion, engine: v.engine };
    if (sweep.timeouts >= concurrency) {
      return { docker: { ...docker, state: 'error', message: `the Docker engine at ${label} timed out on ${sweep.timeouts} container requests; figures for the rest were skipped` }, containers };
    }
    return { docker, containers };
  }

  async function collectAll(): Promise<DockerCollection> {
    try {
      try {
        return await sweepAll();
      } catch (err) {
        // The engine may have been restarted or upgraded: ask its version again, at once if it
        // refused the version we spoke (Docker 29 raised its minimum under running clients).
        version = undefined;
        if (isVersionRefusal(err)) return await sweepAll();
        throw err;
      }
    } catch (err) {
      version = undefined;
      const docker = failedState(err);
      logger.warn({ err, engine: label, code: (err as { code?: unknown }).code }, 'docker: collection failed');
      return { docker, containers: lastContainers.map((c) => ({ ...c, metrics: {} })) };
    }
  }

  async function collectOne(engineId: string): Promise<AgentResource | undefined> {
    const v = await ensureVersion();
    const filters = encodeURIComponent(JSON.stringify({ id: [engineId] }));
    const summaries = readContainerList(await client.getJson(path(v, `/containers/json?all=1&filters=${filters}`)));
    const summary = summaries.find((s) => s.engineId === engineId);
    const entry = memory.get(engineId);
    if (entry) entry.stale = true;
    const resource = summary ? await readContainer(v, summary, { timeouts: 0 }) : forget(engineId);
    const others = lastContainers.filter((c) => c.details.engineId !== engineId);
    lastContainers = resource ? [...others, resource] : others;
    return resource;
  }

  return {
    endpoint: label,
    collect: () => exclusive(collectAll),
    collectContainer: (engineId) =>
      exclusive(() =>
        collectOne(engineId).catch((err: unknown) => {
          version = undefined;
          throw connectionError(err, label);
        }),
      ),
    watchEvents(onEvent) {
      const watch = watchContainerEvents({
        label,
        logger,
        reconnect: options.reconnect ?? defaultReconnect,
        async open(since, onLine) {
          const v = await ensureVersion();
          return client.openStream(path(v, eventsPath(since)), onLine);
        },
        onEvent(event) {
          const entry = memory.get(event.engineId);
          if (entry) entry.stale = true;
          onEvent(event);
        },
      });
      stopWatchers.add(watch.stop);
      return () => {
        stopWatchers.delete(watch.stop);
        watch.stop();
      };
    },
    close() {
      for (const stop of stopWatchers) stop();
      stopWatchers.clear();
      client.close();
      stats.close();
    },
  };
}
