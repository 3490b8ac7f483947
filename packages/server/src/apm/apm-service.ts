import type { ApmAppSummary, ApmAppView, ApmPeriod } from '@pulse/protocol';
import type { Logger } from 'pino';
import { type AggregatorLimits, createApmAggregator } from './aggregator.js';
import { createApmSource } from './apm-source.js';
import { type AppMeta, appSummary, appView } from './apm-views.js';
import type { ApmItems } from './ingest.js';

export interface ApmServiceOptions {
  now: () => number;
  limits: () => AggregatorLimits;
  logger: Logger;
  /** apps tracked at once; items of further apps are refused (any apm:report token can name a new app) */
  maxApps?: number;
}

export interface ApmRecord extends Partial<ApmItems> {
  app: string;
  /** HTTP batches say it; Redis items do not, so the last one said (or `production`) stands */
  environment?: string;
  dropped?: { slow?: number; exceptions?: number };
}

export type ApmChangeListener = (apps: string[]) => void;

/**
 * Everything APM keeps: items in (HTTP ingest, Redis reader), aggregates and instance state, views
 * out. One shared tick (not one per app or per viewer) marks lost instances and tells listeners
 * which apps changed since the last tick, so the hub publishes each changed app once per tick.
 */
export function createApmService(options: ApmServiceOptions) {
  const { now, logger } = options;
  const maxApps = options.maxApps ?? 1000;
  const aggregator = createApmAggregator({ now, limits: options.limits });
  const source = createApmSource({ now });
  const meta = new Map<string, AppMeta>();
  const changed = new Set<string>();
  const listeners = new Set<ApmChangeListener>();
  const parts = { aggregator, instances: source.instances };
  let timer: NodeJS.Timeout | undefined;

  function metaOf(app: string): AppMeta | undefined {
    let m = meta.get(app);
    if (!m) {
      if (meta.size >= maxApps) return undefined;
      meta.set(app, (m = { environment: 'production', lastSeen: 0, dropped: { slow: 0, exceptions: 0, rejected: 0 } }));
    }
    return m;
  }

  const service = {
    source,

    /** Takes valid items of one app. False when the app cannot be tracked (too many apps). */
    record(input: ApmRecord): boolean {
      const m = metaOf(input.app);
      if (!m) return false;
      const { app } = input;
      if (input.environment) m.environment = input.environment;
      m.lastSeen = now();
      m.dropped.slow += input.dropped?.slow ?? 0;
      m.dropped.exceptions += input.dropped?.exceptions ?? 0;
      for (const h of input.heartbeats ?? []) source.heartbeat(app, m.environment, h);
      for (const r of input.routes ?? []) aggregator.addRouteCounts(app, r);
      for (const s of input.slow ?? []) aggregator.addSlow(app, s);
      for (const e of input.exceptions ?? []) aggregator.addException(app, e);
      changed.add(app);
      return true;
    },

    /** Items of `app` that failed their schema or could not be read; shown as `dropped.rejected`. */
    rejected(app: string, count: number): void {
      const m = meta.get(app) ?? metaOf(app);
      if (!m || count <= 0) return;
      m.dropped.rejected += count;
      changed.add(app);
    },

    /** Marks lost instances, then tells listeners which apps changed since the last tick. */
    tick(): void {
      for (const app of source.sweep()) changed.add(app);
      if (changed.size === 0) return;
      const apps = [...changed];
      changed.clear();
      for (const listener of listeners) {
        try {
          listener(apps);
        } catch (err) {
          logger.error({ err }, 'an APM change listener failed');
        }
      }
    },

    subscribe(listener: ApmChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    has: (app: string): boolean => meta.has(app),
    summaries(): ApmAppSummary[] {
      return [...meta].map(([app, m]) => appSummary(parts, app, m)).sort((a, b) => a.app.localeCompare(b.app));
    },
    view(app: string, period: ApmPeriod): ApmAppView | undefined {
      const m = meta.get(app);
      return m ? appView(parts, app, m, period) : undefined;
    },

    start(tickMs: number): void {
      timer ??= setInterval(() => service.tick(), tickMs);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
  return service;
}
export type ApmService = ReturnType<typeof createApmService>;
