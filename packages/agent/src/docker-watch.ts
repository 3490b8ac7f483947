import type { AgentLogger } from './logger.js';
import type { DockerReading } from './report-builder.js';
import type { Timers } from './timers.js';

/** What the agent needs from the shared Docker collector. */
export interface DockerSource {
  collect(): Promise<DockerReading>;
  /** Calls back when a container starts, stops, dies or changes; returns an unsubscribe. */
  watch(onChange: () => void): () => void;
  close(): void | Promise<void>;
}

export interface DockerWatchOptions {
  source: DockerSource;
  intervalMs: number;
  timers: Timers;
  logger: AgentLogger;
  /** a collection caused by a container event finished: the next report should go out soon */
  onChange(): void;
}

export interface DockerWatch {
  /** Starts following events and collects at once; resolves when that first collection is done. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** the newest reading, reused by every report until the next collection */
  readonly latest: DockerReading | undefined;
}

/** Debounce for event bursts (`docker compose up` starts many containers within a few ms). */
const EVENT_DEBOUNCE_MS = 250;

/**
 * Collects Docker on its own cadence (listing and measuring containers costs more than reading
 * /proc, so it need not run every host sample) and at once after a container event. One collection
 * at a time: an event during a collection queues exactly one more.
 */
export function createDockerWatch(options: DockerWatchOptions): DockerWatch {
  const { source, timers, logger } = options;
  let latest: DockerReading | undefined;
  let cancelTimer: (() => void) | undefined;
  let unwatch: (() => void) | undefined;
  let inFlight: Promise<void> | undefined;
  let again: 'event' | undefined;
  let failing = false;
  let running = false;

  async function collect(cause: 'cadence' | 'event'): Promise<void> {
    try {
      latest = await source.collect();
      if (failing) logger.info({}, 'docker: collecting again');
      failing = false;
    } catch (err) {
      // The collector reports engine trouble as a state; a throw is a bug, still never fatal.
      if (!failing) logger.warn({ err }, 'docker: collection failed; reporting Docker as error until it works');
      failing = true;
      latest = { docker: { state: 'error', message: String((err as Error).message ?? err).slice(0, 1000) }, containers: [] };
    }
    if (cause === 'event' && running) options.onChange();
  }

  function trigger(cause: 'cadence' | 'event'): void {
    if (!running) return;
    if (inFlight) {
      if (cause === 'event') again = 'event';
      return;
    }
    cancelTimer?.();
    cancelTimer = undefined;
    inFlight = collect(cause).finally(() => {
      inFlight = undefined;
      if (!running) return;
      if (again) {
        again = undefined;
        trigger('event');
      } else {
        cancelTimer = timers.after(options.intervalMs, () => trigger('cadence'));
      }
    });
  }

  let debounce: (() => void) | undefined;
  const onEvent = () => {
    debounce ??= timers.after(EVENT_DEBOUNCE_MS, () => {
      debounce = undefined;
      trigger('event');
    });
  };

  return {
    async start() {
      running = true;
      try {
        unwatch = source.watch(onEvent);
      } catch (err) {
        logger.warn({ err }, 'docker: cannot follow container events; collecting on the interval only');
      }
      trigger('cadence');
      await inFlight;
    },
    async stop() {
      running = false;
      cancelTimer?.();
      debounce?.();
      unwatch?.();
      await inFlight?.catch(() => undefined);
      await source.close();
    },
    get latest() {
      return latest;
    },
  };
}
