import type { ApmAppSummary, ApmAppView, ApmInstanceView, ApmPeriod } from '@pulse/protocol';
import type { ApmAggregator } from './aggregator.js';
import { type Instance, instanceResourceId } from './apm-source.js';
import { WINDOWS } from './buckets.js';
import { healthScore } from './health.js';

/** What Pulse knows of an app besides its buckets and instances. */
export interface AppMeta {
  environment: string;
  lastSeen: number;
  dropped: { slow: number; exceptions: number; rejected: number };
}

export interface ViewParts {
  aggregator: ApmAggregator;
  instances: (app: string) => Instance[];
}

function instanceView(i: Instance): ApmInstanceView {
  const { host, process: p } = i.heartbeat;
  return {
    id: instanceResourceId(i.app, i.heartbeat.instanceId), instanceId: i.heartbeat.instanceId, hostname: host.hostname, pid: p.pid,
    online: i.online, lastSeen: i.receivedAt, cpu: p.cpuPercent, rss: p.rss, heapUsed: p.heapUsed, heapTotal: p.heapTotal,
    eventLoopP99Ms: p.eventLoopDelayP99Ms, hostCpu: host.cpuPercent, hostMemUsed: Math.max(0, host.memTotal - host.memFree), hostMemTotal: host.memTotal,
  };
}

export function appSummary(parts: ViewParts, app: string, meta: AppMeta): ApmAppSummary {
  const instances = parts.instances(app);
  const online = instances.filter((i) => i.online);
  const rates = parts.aggregator.rates(app);
  const eventLoopP99Ms = Math.max(0, ...online.map((i) => i.heartbeat.process.eventLoopDelayP99Ms));
  return {
    app, environment: meta.environment,
    instances: { online: online.length, lost: instances.length - online.length },
    ...rates,
    health: healthScore({ online: online.length, lost: instances.length - online.length, ...rates, eventLoopP99Ms }),
    lastSeen: meta.lastSeen,
  };
}

export function appView(parts: ViewParts, app: string, meta: AppMeta, period: ApmPeriod): ApmAppView {
  const { instances: instanceCounts, ...summary } = appSummary(parts, app, meta);
  const { aggregator } = parts;
  return {
    ...summary, period, bucketMs: WINDOWS.find((w) => w.period === period)!.bucketMs, instanceCounts,
    instances: parts.instances(app).map(instanceView).sort((a, b) => Number(b.online) - Number(a.online) || a.instanceId.localeCompare(b.instanceId)),
    buckets: aggregator.buckets(app, period),
    slowRoutes: aggregator.slowRoutes(app, period),
    routes: aggregator.routes(app, period),
    exceptions: aggregator.exceptions(app, period),
    dropped: { ...meta.dropped },
  };
}
