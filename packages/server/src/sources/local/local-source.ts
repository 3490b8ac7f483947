import { createHostCollector } from '@pulse/collectors';
import type { HostCollectorLogger, HostCollectorOptions } from '@pulse/collectors';
import type { ObservationSink, ObservedResource, Source } from '../../resources/observation.js';

export type LocalSourceLogger = HostCollectorLogger;

/** The collector's options (procRoot, sysRoot, statfs, processScanMs...) plus the timer's interval. */
export interface LocalSourceOptions extends Omit<HostCollectorOptions, 'source'> {
  intervalMs: number;
}

export type LocalSource = Source & {
  /** Reads the host now, without the timer or sink; rates are relative to the previous call. */
  collect(): ObservedResource;
  /** Changes the collection interval, e.g. on config reload; a running timer restarts at once. */
  setInterval(ms: number): void;
};

const consoleLogger: LocalSourceLogger = {
  warn: (obj, msg) => console.warn(msg ?? 'local source warning', obj),
};

function checkInterval(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw Object.assign(new RangeError(`local source interval must be a positive number of ms, got ${ms}`), {
      code: 'local.invalid_interval',
    });
  }
  return ms;
}

/** The source that watches the machine Pulse itself runs on. */
export function createLocalSource(options: LocalSourceOptions): LocalSource {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger;
  const collector = createHostCollector({ ...options, now, logger, source: 'local' });
  let intervalMs = checkInterval(options.intervalMs);
  let sink: ObservationSink | undefined;
  let timer: NodeJS.Timeout | undefined;

  // A background loop must outlive a bad read or a failing sink: log with context and try again.
  function collectAndReport(): void {
    const at = now();
    let host: ObservedResource;
    try {
      host = collector.collect(at);
    } catch (err) {
      logger.warn({ err, source: 'local' }, 'local source: collection failed; retrying next interval');
      return;
    }
    try {
      sink?.({ source: 'local', at, resources: [host], complete: true });
    } catch (err) {
      logger.warn({ err, source: 'local' }, 'local source: observation sink threw');
    }
  }

  function schedule(): void {
    if (timer) clearInterval(timer);
    // Unref'd so the source alone never keeps a process (a test, a CLI command) alive. The global is
    // named explicitly because this object also has a `setInterval` method.
    timer = globalThis.setInterval(collectAndReport, intervalMs).unref();
  }

  return {
    id: 'local',
    start(next) {
      sink = next;
      // Report at once so the host appears when the server starts, not one interval later.
      collectAndReport();
      schedule();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      sink = undefined;
    },
    collect: () => collector.collect(now()),
    setInterval(ms) {
      intervalMs = checkInterval(ms);
      if (timer) schedule();
    },
  };
}
