import type { Alert, AlertRule, Notification } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { Registry } from '../resources/index.js';
import type { StateStore } from '../store/index.js';
import { loadAlertDefinitions } from './alert-definitions.js';
import { AlertError } from './alert-errors.js';
import { createSeenMetrics } from './alert-validation.js';
import { createAlertWriter } from './alert-writer.js';
import type { AlertEngine, AlertEngineOptions, AlertEvent } from './engine.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface AlertServiceOptions {
  store: Pick<StateStore, 'alertRules' | 'alertOverrides' | 'alerts' | 'settings' | 'audit'>;
  registry: Pick<Registry, 'subscribe' | 'get' | 'list'>;
  createEngine: (options: AlertEngineOptions) => AlertEngine;
  /** the shipped rules (alerts/defaults.ts) */
  builtIns: AlertRule[];
  /** hands a notification to delivery: explicit channel ids, or 'default' for the channels' own routing */
  notify: (notification: Notification, channels: string[] | 'default') => Promise<void>;
  now: () => number;
  logger: Logger;
  /** how often time-based work runs (engine.tick) */
  tickMs: number;
  /** resolved alerts older than this are removed */
  historyDays: () => number;
  /** the dashboard's public address, for links in notifications */
  publicUrl: () => string | undefined;
}

/**
 * The alert engine's surroundings: it feeds the engine registry changes and ticks, and applies what
 * comes out — changed alerts are stored (batched, in the background) and told to subscribers (the hub's
 * `alerts` channel), notifications go to delivery without being waited for. Evaluation stays
 * synchronous: neither the database nor a slow channel ever holds up the next change.
 */
export async function createAlertService(options: AlertServiceOptions) {
  const { store, registry, now, logger } = options;
  const seen = createSeenMetrics();
  for (const resource of registry.list()) seen.record(resource.metrics);
  const definitions = await loadAlertDefinitions({ store, builtIns: options.builtIns, seen, now, logger });
  const engine = options.createEngine({
    now, rules: definitions.rules, overrides: definitions.overrides, settings: definitions.settings,
    resources: (id) => registry.get(id), initial: await store.alerts.open(),
  });
  const writer = createAlertWriter({ save: (alerts) => store.alerts.saveMany(alerts), logger });
  const listeners = new Set<(changed: Alert[]) => void>();
  let lastPrune = 0;

  function deliver(notification: Notification, channels: string[] | 'default'): void {
    const base = options.publicUrl();
    const first = notification.alerts[0];
    const withLink = base && !notification.url && first ? { ...notification, url: `${base}/alerts?id=${encodeURIComponent(first.id)}` } : notification;
    options.notify(withLink, channels).catch((err: unknown) =>
      logger.error({ err, notificationId: notification.id }, 'could not hand a notification to delivery; it is lost unless the alert changes again'));
  }

  function apply(events: AlertEvent[]): Alert[] {
    const changed: Alert[] = [];
    for (const event of events) {
      if (event.kind === 'changed') changed.push(event.alert);
      else deliver(event.notification, event.channels);
    }
    if (changed.length === 0) return changed;
    writer.write(changed);
    for (const listener of listeners) {
      try {
        listener(changed);
      } catch (err) {
        logger.error({ err }, 'an alert listener failed');
      }
    }
    return changed;
  }

  /** Background work never throws out of here: a failing evaluation is logged and the next one runs. */
  function run(what: string, work: () => AlertEvent[], context: Record<string, unknown> = {}): Alert[] {
    try {
      return apply(work());
    } catch (err) {
      logger.error({ err, ...context }, `alert ${what} failed`);
      return [];
    }
  }

  function prune(): void {
    const cutoff = now() - options.historyDays() * DAY;
    store.alerts.removeResolvedBefore(cutoff)
      .then((removed) => removed && logger.info({ removed }, 'removed old resolved alerts'))
      .catch((err: unknown) => logger.warn({ err }, 'could not remove old resolved alerts; will retry in an hour'));
  }

  function tick(): void {
    run('tick', () => engine.tick());
    // A failed write is retried here rather than by a timer of its own.
    if (writer.pending > 0) void writer.flush();
    if (now() - lastPrune >= HOUR) {
      lastPrune = now();
      prune();
    }
  }

  const activeAlert = (id: string): Alert => {
    const alert = engine.active().find((a) => a.id === id);
    if (!alert) throw new AlertError('alert.not_found', `No active alert "${id}"; it may have resolved.`);
    return alert;
  };
  const after = (id: string, changed: Alert[]): Alert => changed.find((a) => a.id === id) ?? engine.active().find((a) => a.id === id) ?? activeAlert(id);

  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  return {
    ...definitions,
    /** Alerts not yet resolved, as the engine holds them. */
    active: (): Alert[] => engine.active(),
    subscribe(listener: (changed: Alert[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Newest first. `all` reads the store (resolved ones too) after writing what is pending. */
    async list(query: { state: 'active' | 'all'; resourceId?: string | undefined }): Promise<Alert[]> {
      if (query.state === 'active') {
        return engine.active().filter((a) => query.resourceId === undefined || a.resourceId === query.resourceId)
          .sort((a, b) => b.pendingSince - a.pendingSince);
      }
      await writer.flush();
      return store.alerts.list({ resourceId: query.resourceId, resolved: true, limit: 1000 });
    },
    async acknowledge(id: string, by: string, actor: string): Promise<Alert> {
      activeAlert(id);
      const alert = after(id, run('acknowledge', () => engine.acknowledge(id, by), { alertId: id }));
      await store.audit.record({ at: now(), actor, action: 'alert.acknowledge', target: id });
      return alert;
    },
    async snooze(id: string, untilMs: number, actor: string): Promise<Alert> {
      activeAlert(id);
      if (untilMs <= now()) throw new AlertError('validation.failed', 'untilMs: give a time in the future (milliseconds since the epoch).');
      const alert = after(id, run('snooze', () => engine.snooze(id, untilMs), { alertId: id }));
      await store.audit.record({ at: now(), actor, action: 'alert.snooze', target: id, detail: { untilMs } });
      return alert;
    },
    start(): void {
      unsubscribe = registry.subscribe((change) => {
        for (const sample of change.samples) seen.record(sample.metrics);
        for (const resource of change.changed) seen.record(resource.metrics);
        run('evaluation', () => engine.evaluate(change));
      });
      timer = setInterval(tick, options.tickMs);
      timer.unref();
      tick();
    },
    /** Stops evaluating and writes what is pending. */
    async stop(): Promise<void> {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await writer.flush();
    },
  };
}
export type AlertService = Awaited<ReturnType<typeof createAlertService>>;
