import type { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { containerCharts } from '../../packages/web/src/features/containers/container-charts.ts';
import { metricsOf } from '../../packages/web/src/features/history/chart-spec.ts';
import { agentOf, clockSkewOf, dockerOf, reportProblemsOf } from '../../packages/web/src/features/hosts/agent-details.ts';
import { pressureOf } from '../../packages/web/src/features/hosts/pressure.ts';
import { formatCelsius, sensorName, sensorScale, temperaturesOf, temperatureTone } from '../../packages/web/src/features/hosts/temperatures.ts';
import { topProcessesOf } from '../../packages/web/src/features/hosts/top-processes.ts';

// Details as the server stores an agent host (sources/agent/normalize.ts over the shared host collector).
const host: Resource = {
  id: 'host:agent:a1', type: 'host', name: 'edge-1', source: 'agent:a1', status: 'online', identity: {}, tags: [], lastSeen: 0,
  metrics: {
    'psi.cpu.some': 3.2, 'psi.cpu.some.avg60': 2.9, 'psi.io.some': 6.8, 'psi.io.full': 2.3, 'psi.io.full.avg60': 1.9, 'temp.max': 71,
  },
  details: {
    agent: { id: 'a1', version: '0.3.1', arch: 'x64', node: '22.11.0', intervalMs: 10_000 },
    clockSkewMs: 5_040,
    docker: { state: 'error', message: 'the engine did not answer within 5 s' },
    reportProblems: ['host: dropped 1 metric(s) that were negative or not finite (net.rx)', 42],
    temperatures: [
      { id: 'hwmon2/temp1', chip: 'coretemp', label: 'Package id 0', celsius: 71, maxCelsius: 82, critCelsius: 100 },
      { id: 'thermal_zone0', chip: 'acpitz', label: null, celsius: 28, maxCelsius: null, critCelsius: null },
      { id: 'broken', chip: 'x' },
    ],
    topProcesses: {
      byCpu: [{ pid: 41822, name: 'jellyfin', cpuPercent: 164.1, rssBytes: 1.3e9 }, { pid: 'nope' }],
      byMemory: [{ pid: 7, name: '', rssBytes: 1e6 }],
    },
  },
};

describe('agent host details', () => {
  it('reads the agent, its clock and its container engine', () => {
    expect(agentOf(host)).toEqual({ id: 'a1', version: '0.3.1', arch: 'x64', node: '22.11.0', intervalMs: 10_000 });
    expect(clockSkewOf(host)).toBe(5_040);
    expect(dockerOf(host)).toEqual({ state: 'error', message: 'the engine did not answer within 5 s' });
    expect(reportProblemsOf(host)).toEqual(['host: dropped 1 metric(s) that were negative or not finite (net.rx)']);
    const local = { ...host, details: {} };
    expect(agentOf(local)).toBeUndefined();
    expect(dockerOf({ ...host, details: { docker: { state: 'sideways' } } })).toBeUndefined();
  });

  it('reads temperature sensors and colours them against their own limits', () => {
    const sensors = temperaturesOf(host);
    expect(sensors.map(sensorName)).toEqual(['coretemp · Package id 0', 'acpitz']);
    expect(sensors.map(sensorScale)).toEqual([100, 100]);
    expect(temperatureTone(sensors[0]!)).toBe('accent');
    expect(temperatureTone({ ...sensors[0]!, celsius: 83 })).toBe('warn');
    expect(temperatureTone({ ...sensors[0]!, celsius: 100 })).toBe('crit');
    // No marks from the driver: 80 °C is a warning, 95 °C an alarm.
    expect(temperatureTone({ ...sensors[1]!, celsius: 81 })).toBe('warn');
    expect(temperatureTone({ ...sensors[1]!, celsius: 96 })).toBe('crit');
    expect(formatCelsius(71.4)).toBe('71 °C');
  });

  it('reads pressure per resource, without CPU "full", which the kernel leaves undefined', () => {
    expect(pressureOf(host)).toEqual([
      { key: 'cpu', label: 'CPU', some: 3.2, someAvg60: 2.9, full: undefined, fullAvg60: undefined },
      { key: 'io', label: 'I/O', some: 6.8, someAvg60: undefined, full: 2.3, fullAvg60: 1.9 },
    ]);
  });

  it('reads the top processes, naming a process without a name by its pid', () => {
    expect(topProcessesOf(host)).toEqual({
      byCpu: [{ pid: 41822, name: 'jellyfin', cpuPercent: 164.1, rssBytes: 1.3e9 }],
      byMemory: [{ pid: 7, name: 'pid 7', cpuPercent: undefined, rssBytes: 1e6 }],
    });
    expect(topProcessesOf({ ...host, details: {} })).toBeUndefined();
  });
});

describe('container charts', () => {
  it('draws CPU, memory used against the limit, network and block I/O, each only with what is reported', () => {
    const charts = containerCharts(new Set(['cpu', 'mem.used', 'mem.limit', 'net.rx_bps', 'net.tx_bps', 'pids']));
    expect(charts.map((c) => c.key)).toEqual(['cpu', 'memory', 'network']);
    expect(metricsOf(charts)).toEqual(['cpu', 'mem.used', 'mem.limit', 'net.rx_bps', 'net.tx_bps']);
    // CPU is % of one core, so no fixed 0-100 range.
    expect(charts[0]!.range).toBeUndefined();
  });
});
