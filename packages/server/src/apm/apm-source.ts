import type { ApmHeartbeat } from '@pulse/protocol';
import type { ObservationSink, ObservedResource, Source } from '../resources/index.js';

export const APM_SOURCE = 'apm';
export const instanceResourceId = (app: string, instanceId: string): string => `app:${app}/${instanceId}`;

export interface Instance {
  app: string;
  environment: string;
  heartbeat: ApmHeartbeat;
  /** server time the latest heartbeat arrived: client clocks decide nothing about being lost */
  receivedAt: number;
  online: boolean;
}

export interface ApmSourceOptions {
  now: () => number;
  /** instances per app; past it a new one replaces the longest-lost one, or is refused when none is lost */
  maxInstancesPerApp?: number;
  /** a lost instance is forgotten (its resource removed) this long after its last heartbeat */
  forgetAfterMs?: number;
}

function resourceOf(i: Instance): ObservedResource {
  const { host, process: p } = i.heartbeat;
  return {
    id: instanceResourceId(i.app, i.heartbeat.instanceId), type: 'app', name: `${i.app} on ${host.hostname} (${p.pid})`, source: APM_SOURCE,
    status: i.online ? 'online' : 'offline',
    // A lost instance shows no figures: they would be as old as its last heartbeat.
    metrics: i.online ? {
      cpu: p.cpuPercent, 'mem.rss': p.rss, 'heap.used': p.heapUsed, 'heap.total': p.heapTotal, 'eventloop.p99': p.eventLoopDelayP99Ms,
      'host.cpu': host.cpuPercent, 'host.mem.used': Math.max(0, host.memTotal - host.memFree), 'host.mem.total': host.memTotal,
    } : {},
    details: {
      app: i.app, environment: i.environment, instanceId: i.heartbeat.instanceId, hostname: host.hostname, pid: p.pid,
      runtime: `${i.heartbeat.runtime.name} ${i.heartbeat.runtime.version}`, appVersion: i.heartbeat.appVersion ?? null,
    },
    identity: {}, tags: [],
  };
}

/**
 * Instances of instrumented apps as registry resources `app:<app>/<instanceId>`: online while
 * heartbeats arrive, offline (lost) once `ttlS` passes without one, forgotten a day later. One
 * partial observation per change; a complete one at start (what the store remembers from before a
 * restart goes until the instance beats again, within its ttl) and after forgetting.
 */
export function createApmSource(options: ApmSourceOptions) {
  const { now } = options;
  const maxPerApp = options.maxInstancesPerApp ?? 500;
  const forgetAfterMs = options.forgetAfterMs ?? 86_400_000;
  const byApp = new Map<string, Map<string, Instance>>();
  let sink: ObservationSink | undefined;

  const all = () => [...byApp.values()].flatMap((m) => [...m.values()]);
  const emit = (changed: Instance[]) => {
    if (changed.length) sink?.({ source: APM_SOURCE, at: now(), complete: false, resources: changed.map(resourceOf) });
  };
  const complete = () => sink?.({ source: APM_SOURCE, at: now(), complete: true, resources: all().map(resourceOf) });

  /** Room for one more instance of `app`: the longest-lost one goes, or false. */
  function makeRoom(instances: Map<string, Instance>): boolean {
    if (instances.size < maxPerApp) return true;
    const lost = [...instances.values()].filter((i) => !i.online).sort((a, b) => a.receivedAt - b.receivedAt)[0];
    if (!lost) return false;
    instances.delete(lost.heartbeat.instanceId);
    complete();
    return true;
  }

  return {
    id: APM_SOURCE,
    start(next: ObservationSink): void {
      sink = next;
      complete();
    },
    stop(): void {
      sink = undefined;
    },

    /**
     * A heartbeat arrived. Returns false when it told nothing new (Redis is read again every poll,
     * and a batch retried by the SDK repeats its heartbeat) or the app has no room for the instance.
     */
    heartbeat(app: string, environment: string, heartbeat: ApmHeartbeat): boolean {
      let instances = byApp.get(app);
      if (!instances) byApp.set(app, (instances = new Map()));
      const known = instances.get(heartbeat.instanceId);
      if (known && heartbeat.at <= known.heartbeat.at) return false;
      if (!known && !makeRoom(instances)) return false;
      const instance: Instance = { app, environment, heartbeat, receivedAt: now(), online: true };
      instances.set(heartbeat.instanceId, instance);
      emit([instance]);
      return true;
    },

    /** Marks instances past their ttl lost and forgets long-lost ones; returns the apps that changed. */
    sweep(): Set<string> {
      const t = now();
      const lost: Instance[] = [];
      const changed = new Set<string>();
      let forgot = false;
      for (const [app, instances] of byApp) {
        for (const [id, i] of instances) {
          const silentMs = t - i.receivedAt;
          if (silentMs > forgetAfterMs) {
            instances.delete(id);
            forgot = true;
            changed.add(app);
          } else if (i.online && silentMs > i.heartbeat.ttlS * 1000) {
            i.online = false;
            lost.push(i);
            changed.add(app);
          }
        }
        if (instances.size === 0) byApp.delete(app);
      }
      emit(lost);
      if (forgot) complete();
      return changed;
    },

    instances: (app: string): Instance[] => [...(byApp.get(app)?.values() ?? [])],
    apps: (): string[] => [...byApp.keys()],
  } satisfies Source & Record<string, unknown>;
}
export type ApmSource = ReturnType<typeof createApmSource>;
