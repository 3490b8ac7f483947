import { gzipSync } from 'node:zlib';
import type { AgentReport, AgentReportBatch } from '@pulse/protocol';

/** A report shaped like pulse-agent's: a host with the local collector's metric names and one container. */
export function agentReport(over: Partial<AgentReport> & { machineId?: string; hostname?: string } = {}): AgentReport {
  const { machineId = 'a'.repeat(32), hostname = 'edge-1', ...rest } = over;
  return {
    v: 1, runId: 'run-00000001', seq: 0, at: Date.now(), intervalMs: 10_000,
    agent: { version: '0.1.0', arch: 'x64', node: '20.19.0' },
    host: {
      id: `host:${machineId}`, type: 'host', name: hostname, tags: [],
      metrics: { cpu: 12.5, 'mem.used': 1_000_000, 'mem.percent': 40, 'net.rx': 1200, 'net.tx': 300, load1: 0.5 },
      details: { system: { hostname, kernel: '6.8.0' } },
      identity: { machineId, hostnames: [hostname], macs: ['52:54:00:12:34:56'] },
    },
    containers: [{
      id: 'container:0123456789ab', type: 'app-container', name: 'nginx', tags: [],
      metrics: { cpu: 1.5, 'mem.used': 20_000_000 },
      details: { state: 'running', health: 'healthy', image: 'nginx:1.27' },
      identity: {},
    }],
    docker: { state: 'ok', apiVersion: '1.45', engine: 'Docker Engine - Community 27.3.1' },
    ...rest,
  };
}

export const batchOf = (reports: AgentReport[], sentAt = Date.now()): AgentReportBatch => ({ reports, sentAt });

export const gzipJson = (value: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(value)));
