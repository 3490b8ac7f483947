import { ONE_SHOT_STATS_API_VERSION, isApiAtLeast } from './api-version.js';
import type { EngineVersion } from './api-version.js';
import type { CgroupStatsReader, CgroupTarget } from './cgroup-stats.js';
import { readStats } from './engine-answers.js';
import type { ContainerInspect, StatsSample } from './engine-answers.js';
import type { EngineClient } from './engine-client.js';
import type { DockerLogger } from './event-watch.js';
import type { StatsBaseline } from './stats-math.js';

/** Where a container's figures came from: its cgroup files on this machine, or the Engine API. */
export type StatsSourceKind = 'cgroup' | 'api';

/** What the stats source remembers per container. */
export interface StatsMemory {
  inspect?: ContainerInspect;
  /** the located cgroup, while it reads */
  cgroup?: CgroupTarget;
  /** the PID the cgroup was last looked for with: one attempt per run, not one per reading */
  cgroupTriedPid?: number;
  cgroupError?: string;
  /** a read failed: the container may have stopped or restarted, so inspect again */
  stale: boolean;
  baseline?: StatsBaseline;
  /** what the baseline was read from: the API's counters carry the engine's timestamps, ours our clock */
  baselineSource?: StatsSourceKind;
}

export interface StatsSource {
  /**
   * One sample of a running container; rejects with the engine client's errors. A sample from
   * another source than the baseline's drops the baseline: the next figures start afresh.
   */
  sample(v: EngineVersion, engineId: string, entry: StatsMemory): Promise<{ sample: StatsSample; source: StatsSourceKind }>;
  /** After a full reading: close what belonged to containers no longer read. */
  sweep(): void;
  close(): void;
}

/** Networks the engine reports nothing for: the host's own, or none at all. */
const hasOwnNetwork = (inspect: ContainerInspect | undefined): boolean =>
  inspect?.networkMode !== 'host' && inspect?.networkMode !== 'none' && !inspect?.networkMode?.startsWith('container:');

/**
 * Reads a container's cgroup files when the engine is on this machine and its init process is
 * visible here, else asks the Engine API, per container and per reading: a container whose
 * cgroup cannot be found or read (PID 0, a PID namespace of our own, permissions, a cgroup gone
 * between list and read) falls back to the API without failing the reading.
 */
export function createStatsSource(options: {
  client: EngineClient;
  cgroups: CgroupStatsReader | undefined;
  logger: DockerLogger;
  label: string;
}): StatsSource {
  const { client, cgroups, logger, label } = options;

  function statsPath(v: EngineVersion, engineId: string): string {
    const query = isApiAtLeast(v.apiVersion, ONE_SHOT_STATS_API_VERSION) ? 'stream=false&one-shot=true' : 'stream=false';
    return `/v${v.apiVersion}/containers/${encodeURIComponent(engineId)}/stats?${query}`;
  }

  function noteCgroupError(engineId: string, entry: StatsMemory, error: string | undefined): void {
    // Debug only: a remote engine or an agent in its own PID namespace is a normal setup.
    if (error && error !== entry.cgroupError) logger.debug?.({ engine: label, container: engineId, reason: error }, 'docker: reading this container through the Engine API, not its cgroup');
    entry.cgroupError = error;
  }

  function target(engineId: string, entry: StatsMemory): CgroupTarget | undefined {
    if (!cgroups) return undefined;
    const pid = entry.inspect?.pid ?? 0;
    if (entry.cgroup?.pid === pid) return entry.cgroup;
    entry.cgroup = undefined;
    if (entry.cgroupTriedPid === pid) return undefined;
    entry.cgroupTriedPid = pid;
    const located = cgroups.locate(engineId, pid);
    if ('error' in located) {
      noteCgroupError(engineId, entry, located.error);
      return undefined;
    }
    noteCgroupError(engineId, entry, undefined);
    entry.cgroup = located;
    return located;
  }

  return {
    async sample(v, engineId, entry) {
      const read = await sampleOf(v, engineId, entry);
      if (entry.baselineSource !== read.source) entry.baseline = undefined;
      entry.baselineSource = read.source;
      return read;
    },
    sweep: () => cgroups?.sweep(),
    close: () => cgroups?.close(),
  };

  async function sampleOf(v: EngineVersion, engineId: string, entry: StatsMemory): Promise<{ sample: StatsSample; source: StatsSourceKind }> {
    const located = target(engineId, entry);
    if (located && cgroups) {
      try {
        return { sample: cgroups.read(located, { networks: hasOwnNetwork(entry.inspect) }), source: 'cgroup' };
      } catch (err) {
        noteCgroupError(engineId, entry, `reading its cgroup failed: ${(err as Error).message}`);
        entry.cgroup = undefined;
        entry.cgroupTriedPid = undefined;
        entry.stale = true;
      }
    }
    return { sample: readStats(await client.getJson(statsPath(v, engineId))), source: 'api' };
  }
}
