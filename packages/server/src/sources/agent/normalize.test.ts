import { describe, expect, it } from 'vitest';
import { agentReport } from '../../../test-support/agent-reports.js';
import { agentContainerId, containerStatus, reportToObservation } from './normalize.js';

const ctx = { agentId: '00112233445566aa', hostname: 'edge-1', at: 1_700_000_000_000, clockSkewMs: 0 };

describe('agent report normaliser', () => {
  it('puts the host and its containers under ids in the agent\'s own namespace, whatever ids the agent sent', () => {
    const obs = reportToObservation(agentReport(), ctx);
    expect(obs).toMatchObject({ source: 'agent:00112233445566aa', at: ctx.at, complete: true });
    expect(obs.resources.map((r) => [r.id, r.parentId, r.source])).toEqual([
      ['host:agent:00112233445566aa', undefined, 'agent:00112233445566aa'],
      ['container:agent:00112233445566aa/0123456789ab', 'host:agent:00112233445566aa', 'agent:00112233445566aa'],
    ]);
    // An id naming another agent's namespace still lands in this one's.
    expect(agentContainerId('00112233445566aa', 'container:agent:ffffffffffffffff/abc')).toBe('container:agent:00112233445566aa/abc');
    expect(agentContainerId('00112233445566aa', 'x y z')).toMatch(/^container:agent:00112233445566aa\/[0-9a-f]{16}$/);
  });

  it('maps Docker state and health to a status', () => {
    expect(containerStatus({ state: 'running', health: 'healthy' })).toBe('online');
    expect(containerStatus({ state: 'running' })).toBe('online');
    expect(containerStatus({ state: 'running', health: 'unhealthy' })).toBe('degraded');
    expect(containerStatus({ state: 'exited', health: 'healthy' })).toBe('offline');
    expect(containerStatus({ state: 'restarting' })).toBe('degraded');
    expect(containerStatus({ state: 'paused' })).toBe('degraded');
    expect(containerStatus({ state: 'running' }, { state: 'error', message: 'garbage' })).toBe('unknown');
  });

  it('drops negative and non-finite metrics that cannot be, keeps temperatures, and says so on the host', () => {
    const report = agentReport();
    report.host.metrics = { cpu: 5, 'net.rx': -100, 'disk.read': Number.NaN, 'sensors.cpu_temp': -5 };
    const [host] = reportToObservation(report, ctx).resources;
    expect(host!.metrics).toEqual({ cpu: 5, 'sensors.cpu_temp': -5 });
    expect(host!.details.reportProblems).toEqual(['host: dropped 2 metric(s) that were negative or not finite (net.rx, disk.read)']);
  });

  it('marks the host degraded when Docker answers wrongly, and records the engine state and clock skew', () => {
    const [host] = reportToObservation(agentReport({ docker: { state: 'error', message: 'engine timed out after 5 s' } }), { ...ctx, clockSkewMs: -7200_000 }).resources;
    expect(host).toMatchObject({ status: 'degraded', details: { docker: { state: 'error', message: 'engine timed out after 5 s' }, clockSkewMs: -7200_000, agent: { version: '0.1.0' } } });
    const [fine] = reportToObservation(agentReport({ docker: { state: 'unavailable' } }), ctx).resources;
    expect(fine!.status).toBe('online');
  });

  it('ignores resources that are not containers and repeated container ids', () => {
    const report = agentReport();
    const c = report.containers[0]!;
    report.containers = [c, { ...c, name: 'again' }, { ...c, id: 'vm:1', type: 'vm' }];
    const obs = reportToObservation(report, ctx);
    expect(obs.resources.map((r) => r.name)).toEqual(['edge-1', 'nginx']);
    expect(obs.resources[0]!.details.reportProblems).toHaveLength(2);
  });
});
