import type { ApmHeartbeat } from '@pulse/protocol';
import { cpus, freemem, hostname, loadavg, platform, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface HeartbeatSampler {
  sample(): ApmHeartbeat;
  close(): void;
}

function hostCpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/**
 * Host and process figures for one heartbeat. CPU figures are deltas since the previous sample;
 * the first sample covers the time since boot (host) and since process start (process), so Pulse
 * gets a plausible value at once. Host CPU is the average over cores (0-100); process CPU is in %
 * of one core and can pass 100 with worker threads.
 */
export function createHeartbeatSampler(o: { instanceId: string; ttlS: number; appVersion?: string; now: () => number }): HeartbeatSampler {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let lastHost = { busy: 0, total: 0 };
  let lastCpu = { user: 0, system: 0 };
  let lastWallMs = 0; // performance.now() counts from process start

  return {
    sample() {
      const host = hostCpuTimes();
      const dTotal = host.total - lastHost.total;
      const hostCpu = dTotal > 0 ? ((host.busy - lastHost.busy) / dTotal) * 100 : 0;
      lastHost = host;

      const cpu = process.cpuUsage();
      const wallMs = performance.now();
      const dWallUs = (wallMs - lastWallMs) * 1000;
      const procCpu = dWallUs > 0 ? ((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / dWallUs) * 100 : 0;
      lastCpu = cpu;
      lastWallMs = wallMs;

      const p99 = loop.percentile(99) / 1e6;
      loop.reset();
      const mem = process.memoryUsage();
      const beat: ApmHeartbeat = {
        instanceId: o.instanceId,
        at: o.now(),
        ttlS: o.ttlS,
        host: {
          hostname: hostname().slice(0, 253),
          platform: platform(),
          cpuPercent: clamp(hostCpu, 100),
          memTotal: totalmem(),
          memFree: freemem(),
          loadAvg: loadavg(),
        },
        process: {
          pid: process.pid,
          uptimeS: process.uptime(),
          cpuPercent: clamp(procCpu, 100 * 1024),
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          heapTotal: mem.heapTotal,
          eventLoopDelayP99Ms: Number.isFinite(p99) && p99 > 0 ? p99 : 0,
        },
        runtime: { name: 'node', version: process.version },
      };
      // Node ≥ 17.3; cheap (a list of resource type names), unlike the old _getActiveHandles
      if (typeof process.getActiveResourcesInfo === 'function') beat.process.activeHandles = process.getActiveResourcesInfo().length;
      if (o.appVersion) beat.appVersion = o.appVersion.slice(0, 100);
      return beat;
    },
    close() {
      loop.disable();
    },
  };
}

function clamp(v: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(0, Math.round(v * 100) / 100)) : 0;
}
