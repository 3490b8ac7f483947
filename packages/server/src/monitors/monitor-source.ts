import type { CheckResult, MonitorState, ResourceStatus } from '@pulse/protocol';
import type { ObservationSink, ObservedResource, Source } from '../resources/index.js';
import { type MonitorStatus, type StoredMonitor, targetOf } from './monitor-types.js';

export const MONITOR_SOURCE = 'monitors';
export const resourceIdOf = (monitorId: string): string => `monitor:${monitorId}`;

const STATUS: Record<MonitorState, ResourceStatus> = {
  up: 'online', down: 'offline', pending: 'degraded', paused: 'unknown', maintenance: 'unknown', unknown: 'unknown',
};

const ms = (us: number | undefined): number | undefined => (us === undefined ? undefined : Math.round(us) / 1000);

/** The figures of one check as metrics (ms with 3 decimals); `up` is left out in maintenance so uptime excludes it. */
function metricsOf(result: CheckResult | undefined, state: MonitorState): Record<string, number> {
  if (!result) return {};
  const metrics: Record<string, number> = {};
  if (state !== 'maintenance') metrics.up = result.status === 'up' ? 1 : 0;
  const t = result.timings;
  const phases = { rt: t.totalUs, dns: t.dnsUs, connect: t.connectUs, tls: t.tlsUs, ttfb: t.ttfbUs, download: t.downloadUs };
  for (const [key, us] of Object.entries(phases)) {
    const value = ms(us);
    if (value !== undefined) metrics[key] = value;
  }
  const days = result.tls?.certificate?.daysLeft;
  if (days !== undefined) metrics['cert.days'] = days;
  if (result.httpStatus !== undefined) metrics['http.status'] = result.httpStatus;
  return metrics;
}

interface Known { monitor: StoredMonitor; status: MonitorStatus; result?: CheckResult }

function resourceOf({ monitor, status, result }: Known): ObservedResource {
  return {
    id: resourceIdOf(monitor.id), type: 'monitor', name: monitor.name, source: MONITOR_SOURCE, status: STATUS[status.state],
    metrics: metricsOf(result, status.state),
    details: {
      monitorType: monitor.type, target: targetOf(monitor), state: status.state, reason: status.reason ?? null, warning: status.warning ?? null,
      lastCheckAt: status.lastCheckAt ?? null, interval: monitor.intervalS,
      ...(result?.ip ? { ip: result.ip } : {}), ...(result?.tls ? { tls: result.tls } : {}), ...(monitor.group ? { group: monitor.group } : {}),
      ...(result?.reused !== undefined ? { reused: result.reused } : {}), ...(result?.worker ? { worker: result.worker } : {}),
    },
    identity: {}, tags: monitor.tags,
  };
}

/**
 * Monitors as registry resources `monitor:<id>`: one partial observation per result or state change,
 * and a complete one at start and after a removal, so deleted monitors vanish (also those remembered
 * from before a restart).
 */
export function createMonitorSource(options: { now: () => number }) {
  const known = new Map<string, Known>();
  let sink: ObservationSink | undefined;
  const complete = () => sink?.({ source: MONITOR_SOURCE, at: options.now(), complete: true, resources: [...known.values()].map(resourceOf) });

  return {
    id: MONITOR_SOURCE,
    start(next: ObservationSink): void {
      sink = next;
      complete();
    },
    stop(): void {
      sink = undefined;
    },
    /** A result or state change (monitor-results.ts subscribers); without a result the last one's figures stay. */
    report(monitor: StoredMonitor, status: MonitorStatus, result?: CheckResult): void {
      // A paused (or not yet checked) monitor shows no figures: they would be as old as the pause.
      const figures = status.state === 'paused' || status.state === 'unknown' ? undefined : result ?? known.get(monitor.id)?.result;
      const entry: Known = { monitor, status, ...(figures ? { result: figures } : {}) };
      known.set(monitor.id, entry);
      sink?.({ source: MONITOR_SOURCE, at: options.now(), complete: false, resources: [resourceOf(entry)] });
    },
    remove(monitorId: string): void {
      if (known.delete(monitorId)) complete();
    },
  } satisfies Source & Record<string, unknown>;
}
export type MonitorSource = ReturnType<typeof createMonitorSource>;
