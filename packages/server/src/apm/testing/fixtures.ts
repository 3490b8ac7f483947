// Items as @pulse/node sends them (shapes from packages/protocol/src/apm.ts), for APM tests.
import type { ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';

export function heartbeat(at: number, over: { instanceId?: string; ttlS?: number; eventLoopDelayP99Ms?: number; hostname?: string; pid?: number } = {}): ApmHeartbeat {
  const hostname = over.hostname ?? 'web-1';
  const pid = over.pid ?? 4242;
  return {
    instanceId: over.instanceId ?? `${hostname}:${pid}:1700000000000`, at, ttlS: over.ttlS ?? 30,
    host: { hostname, platform: 'linux', cpuPercent: 23.5, memTotal: 8e9, memFree: 3e9, loadAvg: [0.5, 0.4, 0.3] },
    process: { pid, uptimeS: 120, cpuPercent: 12, rss: 150e6, heapUsed: 60e6, heapTotal: 90e6, eventLoopDelayP99Ms: over.eventLoopDelayP99Ms ?? 12 },
    runtime: { name: 'node', version: 'v20.11.0' }, appVersion: '1.4.2',
  };
}

export const slow = (at: number, route = '/users/:id', durationMs = 1500, method = 'GET', instanceId = 'web-1:4242:1700000000000'): ApmSlowRequest =>
  ({ at, instanceId, method, route, status: 200, durationMs });

export const exception = (at: number, fingerprint = 'fp-db-timeout', message = 'connect ETIMEDOUT 10.0.0.5:5432'): ApmException => ({
  at, instanceId: 'web-1:4242:1700000000000', fingerprint, type: 'Error', message, mechanism: 'captured',
  frames: [{ fn: 'query', file: '/app/src/db.js', line: 42, column: 7, inApp: true }, { fn: 'Socket.emit', file: 'node:events', line: 517, inApp: false }],
});

export const routeCounts = (at: number, routes: Array<{ route: string; count: number; errors?: number; totalMs?: number; maxMs?: number; method?: string }>): ApmRouteCounts => ({
  at, instanceId: 'web-1:4242:1700000000000', intervalS: 10,
  routes: routes.map((r) => ({ method: r.method ?? 'GET', route: r.route, count: r.count, errors: r.errors ?? 0, totalMs: r.totalMs ?? r.count * 20, maxMs: r.maxMs ?? 40 })),
});
