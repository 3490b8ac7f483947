import { createDockerCollector } from '@pulse/collectors';
import type { ContainerEvent, DockerCollector, DockerLogger, EngineTls, ReconnectPolicy } from '@pulse/collectors';
import type { Observation, ObservationSink, Source } from '../../resources/observation.js';
import { dockerHostResource, observedContainer } from './docker-resources.js';

export interface DockerSourceOptions {
  /** names the engine in Pulse: source and resource `docker:<name>`, containers `docker:<name>/<container>` */
  name: string;
  /** `tcp://host:2376`, `https://host:2376`, or a unix socket (`unix:///var/run/docker.sock`) */
  endpoint: string;
  /** CA, client certificate and key as PEM, for a TLS endpoint */
  tls?: EngineTls;
  intervalMs: number;
  now?: () => number;
  logger?: DockerLogger;
  /** per request; default 5 s */
  timeoutMs?: number;
  /** per-container requests in flight; default 4 */
  statsConcurrency?: number;
  reconnect?: ReconnectPolicy;
}

export type DockerSource = Source & {
  /** Reads the engine once and reports it, as the timer does; resolves when the observation is out. */
  collectNow(): Promise<void>;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const consoleLogger: DockerLogger = { warn: (obj, msg) => console.warn(msg ?? 'docker source warning', obj) };

/**
 * Watches a Docker engine Pulse reaches directly, without an agent: a full reading every interval,
 * and a reading of one container as soon as the engine's events say it changed.
 */
export function createDockerSource(options: DockerSourceOptions): DockerSource {
  if (!NAME.test(options.name)) {
    throw Object.assign(new RangeError(`docker source name "${options.name}" must be 1-64 letters, digits, "_", "." or "-"`), { code: 'docker.invalid_name' });
  }
  if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
    throw Object.assign(new RangeError(`docker source interval must be a positive number of ms, got ${options.intervalMs}`), { code: 'docker.invalid_interval' });
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger;
  const id = `docker:${options.name}`;
  let collector: DockerCollector | undefined;
  let sink: ObservationSink | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopEvents: (() => void) | undefined;
  let running: Promise<void> | undefined;
  const changed = new Set<string>();
  let draining = false;

  function emit(observation: Observation): void {
    try {
      sink?.(observation);
    } catch (err) {
      logger.warn({ err, source: id }, 'docker source: observation sink threw');
    }
  }

  /** A full reading; a second call while one runs waits for it instead of piling up. */
  function collectAll(): Promise<void> {
    const current = collector;
    if (!current) return Promise.resolve();
    running ??= (async () => {
      try {
        const { docker, containers } = await current.collect();
        if (collector !== current) return;
        const host = dockerHostResource({ id, name: options.name, source: id, endpoint: current.endpoint }, docker, containers);
        emit({ source: id, at: now(), resources: [host, ...containers.map((c) => observedContainer(c, id, docker))], complete: true });
      } catch (err) {
        logger.warn({ err, source: id }, 'docker source: collection failed; retrying next interval');
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  /** Re-reads the containers events named, one at a time; several events for one container coalesce. */
  async function drainChanged(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      for (const engineId of changed) {
        changed.delete(engineId);
        const current = collector;
        if (!current) return;
        try {
          const container = await current.collectContainer(engineId);
          if (collector !== current) return;
          // Gone: only a complete reading can remove it from the registry.
          if (!container) await collectAll();
          else emit({ source: id, at: now(), resources: [observedContainer(container, id, { state: 'ok' })], complete: false });
        } catch (err) {
          logger.warn({ err, source: id, container: engineId }, 'docker source: re-reading a container after an event failed; the next interval will');
        }
      }
    } finally {
      draining = false;
    }
  }

  function onEvent(event: ContainerEvent): void {
    changed.add(event.engineId);
    void drainChanged();
  }

  return {
    id,
    start(next) {
      if (collector) return;
      sink = next;
      collector = createDockerCollector({
        endpoint: options.endpoint,
        tls: options.tls,
        containerId: ({ name }) => `${id}/${name}`,
        parentId: id,
        now,
        logger,
        timeoutMs: options.timeoutMs,
        statsConcurrency: options.statsConcurrency,
        reconnect: options.reconnect,
      });
      stopEvents = collector.watchEvents(onEvent);
      // Report at once so the engine appears when the server starts, not one interval later.
      void collectAll();
      timer = setInterval(() => void collectAll(), options.intervalMs).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      stopEvents?.();
      collector?.close();
      timer = undefined;
      stopEvents = undefined;
      collector = undefined;
      sink = undefined;
      changed.clear();
    },
    async collectNow() {
      // A reading already under way may predate what the caller just changed: wait, then read afresh.
      await running;
      await collectAll();
    },
  };
}
