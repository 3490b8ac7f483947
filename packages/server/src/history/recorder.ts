import type { Logger } from 'pino';
import type { Registry } from '../resources/index.js';
import type { SettingsRepo } from '../store/settings.js';
import type { MetricStore, RetentionMs } from './types.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Settings key of the last complete hour's write figures, so `pulse db stats` can show them from another process. */
export const LAST_HOUR_KEY = 'history.last_hour';

/** Figures of one clock hour (the first after a start covers only the part the server ran). */
export interface LastHourRecord {
  /** end of the hour, ms since the epoch */
  at: number;
  bytesWritten: number;
  samplesAccepted: number;
  samplesDropped: number;
  /** series stored at the end of the hour */
  series: number;
}

export interface HistoryConfig {
  flush_interval_ms: number;
  retention_raw_hours: number;
  retention_1m_days: number;
  retention_1h_days: number;
  retention_1d_days: number;
}

export function retentionOf(config: HistoryConfig): RetentionMs {
  return {
    raw: config.retention_raw_hours * HOUR,
    '1m': config.retention_1m_days * DAY,
    '1h': config.retention_1h_days * DAY,
    '1d': config.retention_1d_days * DAY,
  };
}

export interface RecorderOptions {
  registry: Pick<Registry, 'subscribe'>;
  store: MetricStore;
  flushIntervalMs: number;
  /** How often rollups and trimming run; each call does bounded work. */
  maintainEveryMs?: number;
  /** Where the hourly write figures are kept; absent in memory-only mode (no disk writes at all). */
  settings?: SettingsRepo | undefined;
  now: () => number;
  logger: Logger;
}

/**
 * Feeds every registry sample into the metric store and runs its flushes and maintenance on timers.
 * One step at a time: a slow database delays the next flush instead of piling them up.
 */
export function startHistoryRecorder(options: RecorderOptions): { stop(): Promise<void> } {
  const { store, logger, now } = options;
  const unsubscribe = options.registry.subscribe((change) => {
    for (const s of change.samples) store.appendMetrics(s.id, s.t, s.metrics);
  });

  let busy: Promise<void> = Promise.resolve();
  let stopped = false;
  const step = (what: string, work: () => Promise<void>) => {
    busy = busy.then(work).catch((err: unknown) => logger.error({ err }, `metric history ${what} failed; will retry`));
  };
  let lastHour = Math.floor(now() / HOUR);
  const before = { accepted: 0, dropped: 0 };
  const recordHour = async () => {
    const hour = Math.floor(now() / HOUR);
    if (hour === lastHour || !options.settings) return;
    lastHour = hour;
    const s = await store.stats();
    const record: LastHourRecord = {
      at: hour * HOUR, bytesWritten: s.bytesWrittenLastHour, series: s.series,
      samplesAccepted: s.samplesAccepted - before.accepted, samplesDropped: s.samplesDropped - before.dropped,
    };
    before.accepted = s.samplesAccepted;
    before.dropped = s.samplesDropped;
    await options.settings.set(LAST_HOUR_KEY, JSON.stringify(record));
  };

  const flushTimer = setInterval(() => step('flush', () => store.flush()), options.flushIntervalMs);
  const maintainTimer = setInterval(() => step('maintenance', async () => {
    await store.maintain();
    await recordHour();
  }), options.maintainEveryMs ?? 60_000);
  flushTimer.unref();
  maintainTimer.unref();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      clearInterval(flushTimer);
      clearInterval(maintainTimer);
      await busy;
      // close() writes every open chunk, so the next start has no head log to replay.
      await store.close();
    },
  };
}
