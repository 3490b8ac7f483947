import type { VersionAnswer } from './engine-answers.js';
import { DockerEngineError } from './engine-error.js';

/**
 * The oldest Engine API Pulse speaks: 1.40 (Docker 19.03, July 2019). Every field Pulse reads exists
 * there (`online_cpus` since 1.27, `State.Health` since 1.24, events' `Type`/`Action`/`Actor` since
 * 1.22), and nothing older runs on a supported distribution or knows cgroup v2. Below 1.41 stats have
 * no one-shot mode, so the engine takes ~1 s per sample; that only makes the sweep slower.
 */
export const MIN_API_VERSION = '1.40';

/**
 * The newest Engine API whose changes were checked against what Pulse sends and reads (the version
 * history up to Docker 29.x: 1.52 dropped events' legacy status/id/from fields, which Pulse never
 * read). A newer engine is spoken to at this version, as long as it still accepts it.
 */
export const MAX_API_VERSION = '1.53';

/** `one-shot=true` on stats, which skips the engine's wait for a second sample. */
export const ONE_SHOT_STATS_API_VERSION = '1.41';

/** What negotiation settled on, and what the engine said about itself. */
export interface EngineVersion {
  /** the version every later path is prefixed with, e.g. "1.47" */
  apiVersion: string;
  /** "Docker Engine - Community 27.3.1", "Podman Engine 5.2.2" */
  engine: string;
  /** Podman's Docker-compatible API: its system_cpu_usage counts busy time only (podman#28761) */
  isPodman: boolean;
  os: string | undefined;
  arch: string | undefined;
  kernelVersion: string | undefined;
}

/** dockerd's 400 for a path version outside its range: "client version 1.40 is too old. Minimum …" */
export const isVersionRefusal = (err: unknown): boolean =>
  err instanceof DockerEngineError && err.status === 400 && /client version \S+ is too (old|new)/.test(err.message);

function parse(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Orders "1.9" before "1.40" (numeric, not lexical); a version that does not parse sorts first. */
export function compareApiVersions(a: string, b: string): number {
  const pa = parse(a) ?? [0, 0];
  const pb = parse(b) ?? [0, 0];
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** "1.40" and above. */
export const isApiAtLeast = (version: string, minimum: string): boolean => compareApiVersions(version, minimum) >= 0;

function describeEngine(answer: VersionAnswer): { engine: string; isPodman: boolean } {
  const podman = answer.components.find((c) => /podman/i.test(c.name));
  if (podman) return { engine: `${podman.name} ${podman.version ?? answer.version ?? ''}`.trim(), isPodman: true };
  const product = answer.platformName || 'Docker Engine';
  return { engine: `${product} ${answer.version ?? ''}`.trim(), isPodman: false };
}

/**
 * Picks the highest API version both sides speak: min(ours, the engine's). The engine's answer to the
 * unversioned `GET /version` is the only thing asked before a version is known.
 */
export function negotiateApiVersion(answer: VersionAnswer): EngineVersion {
  const { engine, isPodman } = describeEngine(answer);
  if (!parse(answer.apiVersion)) {
    throw new DockerEngineError('docker.bad_answer', `${engine} reports API version "${answer.apiVersion}", which is not a version number`);
  }
  if (compareApiVersions(answer.apiVersion, MIN_API_VERSION) < 0) {
    throw new DockerEngineError(
      'docker.version_too_old',
      `${engine} speaks Engine API ${answer.apiVersion}, older than the ${MIN_API_VERSION} Pulse needs; upgrade the engine to Docker 19.03 or later (or Podman 3 or later)`,
    );
  }
  const apiVersion = compareApiVersions(answer.apiVersion, MAX_API_VERSION) < 0 ? answer.apiVersion : MAX_API_VERSION;
  if (answer.minApiVersion && compareApiVersions(apiVersion, answer.minApiVersion) < 0) {
    throw new DockerEngineError(
      'docker.version_unsupported',
      `${engine} no longer accepts Engine API ${apiVersion} (its minimum is ${answer.minApiVersion}); upgrade Pulse`,
    );
  }
  return { apiVersion, engine, isPodman, os: answer.os, arch: answer.arch, kernelVersion: answer.kernelVersion };
}
